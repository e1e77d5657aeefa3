/**
 * The TypeScript side reads ForgeLab's formats exactly as the Python side does: the same
 * fixture files are valid, round-trip unchanged, and the invalid ones give the same issues.
 */
import * as fs from 'fs';
import * as path from 'path';

import {
  dump,
  formatForPath,
  formatIssues,
  FormatName,
  parse,
  validate,
  FormatError
} from '../formats';

const root = path.resolve(__dirname, '..', '..', 'fixtures', 'formats');
const formatOf = (file: string): FormatName =>
  formatForPath(file) ?? (file.split('.').slice(-2)[0] as FormatName);

describe('valid fixtures', () => {
  const files = fs
    .readdirSync(path.join(root, 'valid'))
    .filter(f => f.endsWith('.json'));

  it('covers every format', () => {
    expect(new Set(files.map(formatOf))).toEqual(
      new Set([
        'pipeline',
        'architecture',
        'operation',
        'execution',
        'provenance'
      ])
    );
  });

  it.each(files)('%s validates and round-trips unchanged', file => {
    const text = fs.readFileSync(path.join(root, 'valid', file), 'utf8');
    const document = parse(formatOf(file), text, file);
    expect(formatIssues(formatOf(file), document)).toEqual([]);
    expect(JSON.parse(dump(document))).toEqual(JSON.parse(text));
  });
});

describe('invalid fixtures', () => {
  const expected: Record<string, { format: FormatName; issues: unknown[] }> =
    JSON.parse(
      fs.readFileSync(path.join(root, 'invalid', 'expected.json'), 'utf8')
    );

  it.each(Object.keys(expected))(
    '%s gives the same issues as the Python side',
    file => {
      const document = JSON.parse(
        fs.readFileSync(path.join(root, 'invalid', file), 'utf8')
      );
      expect(formatIssues(expected[file].format, document)).toEqual(
        expected[file].issues
      );
    }
  );

  it('throws a FormatError naming the source and each path', () => {
    const document = {
      format: 'forgelab.pipeline',
      version: 1,
      nodes: [{ id: 'a' }],
      connections: []
    };
    expect(() => validate('pipeline', document, 'x.pipeline.json')).toThrow(
      FormatError
    );
    try {
      validate('pipeline', document, 'x.pipeline.json');
    } catch (error) {
      expect((error as FormatError).message).toContain('x.pipeline.json');
      expect((error as FormatError).issues).toEqual([
        { path: '/nodes/0', message: "missing required property 'kind'" }
      ]);
    }
  });

  it('reports malformed JSON as a FormatError, not a SyntaxError', () => {
    expect(() => parse('architecture', '{"format": ', 'net.arch.json')).toThrow(
      /not valid JSON/
    );
  });
});

describe('formatForPath', () => {
  it('knows pipelines and architectures by their suffix', () => {
    expect(formatForPath('a/b/train.pipeline.json')).toBe('pipeline');
    expect(formatForPath('net.arch.json')).toBe('architecture');
    expect(formatForPath('notes.json')).toBeNull();
  });
});
