import {
  executionTabTitle,
  pipelineName,
  shortTime,
  shortTypeName
} from '../naming';
import { diffPipelines, isSame, lineChanges } from '../diff';
import { Pipeline } from '../../formats';

describe('executionTabTitle', () => {
  it('names the tab after the pipeline and the local time it was created', () => {
    const created = new Date(2026, 11, 6, 22, 8, 41).toISOString();
    expect(
      executionTabTitle({
        pipeline: { name: 'digits' } as Pipeline,
        createdAt: created
      })
    ).toBe('digits · 22:08');
  });

  it("falls back to the file's name, then to the pipeline alone", () => {
    expect(
      pipelineName({
        pipeline: {} as Pipeline,
        pipelinePath: 'work/mnist.pipeline.json'
      })
    ).toBe('mnist');
    expect(executionTabTitle({ pipeline: {} as Pipeline })).toBe('pipeline');
    // The name the run was given comes first: the same in the tab, the run and failure notices.
    expect(
      pipelineName({
        name: 'nightly.pipeline.json',
        pipeline: { name: 'digits' } as Pipeline,
        pipelinePath: 'work/mnist.pipeline.json'
      })
    ).toBe('nightly');
    expect(shortTime('not a time')).toBe('');
    expect(shortTime(new Date(2026, 0, 1, 7, 5).toISOString())).toBe('07:05');
  });
});

describe('shortTypeName', () => {
  it('keeps the last part of a dotted name and elides generic arguments', () => {
    expect(shortTypeName('numpy.ndarray')).toBe('ndarray');
    expect(shortTypeName('dict[str, list[int]]')).toBe('dict[…]');
    expect(
      shortTypeName('keras.src.models.functional.FunctionalWithAVeryLongName')
    ).toBe('FunctionalWithAVery…');
  });
});

const op = (code: string, attrs: Record<string, unknown> = {}) => ({
  id: 'train',
  kind: 'operation' as const,
  label: 'Train',
  operation: {
    id: 't',
    name: 'Train',
    inputs: [{ name: 'x', type: 'object' }],
    outputs: [{ name: 'model', type: 'object' }],
    attributes: [
      { name: 'epochs', type: 'int', default: 10 },
      { name: 'seed', type: 'int', default: 0 }
    ],
    source: { language: 'python' as const, function: 'train', code }
  },
  attributes: attrs
});

const pipeline = (nodes: any[], connections: any[] = []): Pipeline =>
  ({ format: 'forgelab.pipeline', version: 1, nodes, connections }) as any;

describe('diffPipelines', () => {
  const input = { id: 'data', kind: 'input', name: 'data', source: 'a.csv' };
  const link = {
    source: { node: 'data', port: 'value' },
    target: { node: 'train', port: 'x' }
  };

  it('finds nothing between a pipeline and itself', () => {
    const p = pipeline([input, op('def train(x):\n    return x\n')], [link]);
    expect(isSame(diffPipelines(p, p))).toBe(true);
  });

  it('tells changed attributes (defaults counted), code and Input sources', () => {
    const before = pipeline(
      [input, op('def train(x):\n    return x\n', { epochs: 12 })],
      [link]
    );
    const after = pipeline(
      [
        { ...input, source: 'b.csv' },
        op('def train(x):\n    y = x\n    return y\n', { seed: 0 })
      ],
      [link]
    );
    const diff = diffPipelines(before, after);
    expect(diff.nodes).toEqual([
      {
        node: 'data',
        title: 'data',
        kind: 'changed',
        details: ['source: "a.csv" → "b.csv"']
      },
      {
        node: 'train',
        title: 'Train',
        kind: 'changed',
        details: ['epochs: 12 → 10', 'code: +2 −1 lines']
      }
    ]);
  });

  it('tells added and removed nodes and connections', () => {
    const before = pipeline([input, op('')], [link]);
    const after = pipeline(
      [op(''), { id: 'out', kind: 'output', name: 'out' }],
      [
        {
          source: { node: 'train', port: 'model' },
          target: { node: 'out', port: 'value' }
        }
      ]
    );
    const diff = diffPipelines(before, after);
    expect(diff.nodes.map(n => [n.node, n.kind])).toEqual([
      ['data', 'removed'],
      ['out', 'added']
    ]);
    expect(diff.removedConnections).toEqual(['data.value → train.x']);
    expect(diff.addedConnections).toEqual(['train.model → out.value']);
  });

  it('counts changed lines', () => {
    expect(lineChanges('a\nb\nc', 'a\nc\nd\ne')).toBe('+2 −1 lines');
  });
});
