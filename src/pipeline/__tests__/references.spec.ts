import { artifactReference, fileReference } from '../references';
import { pythonValue, renderInterface } from '../opinterface';
import { newInlineOperation } from '../opsource';

describe('reference values', () => {
  it('makes architecture paths relative to the pipeline', () => {
    expect(
      fileReference('work/a.pipeline.json', 'work/nets/cnn.arch.json')
    ).toBe('nets/cnn.arch.json');
    expect(fileReference('work/a.pipeline.json', 'other/cnn.arch.json')).toBe(
      '../other/cnn.arch.json'
    );
    expect(fileReference('a.pipeline.json', 'cnn.arch.json')).toBe(
      'cnn.arch.json'
    );
  });

  it('references local artifacts by path and refuses remote ones', () => {
    expect(
      artifactReference({ uri: 'file:///data/x%20y/model', storage: 'local' })
    ).toEqual({ value: '/data/x y/model' });
    expect(
      artifactReference({ uri: 's3://bucket/e/j/model', storage: 's3' })
    ).toEqual({
      error: 'it is kept in s3 storage; only local artifacts can be referenced'
    });
  });
});

describe('the operation interface', () => {
  it('writes defaults as Python does', () => {
    expect(pythonValue(1, 'float')).toBe('1.0');
    expect(pythonValue(1, 'int')).toBe('1');
    expect(pythonValue(true)).toBe('True');
    expect(pythonValue(null)).toBe('None');
    expect(pythonValue("it's")).toBe("'it\\'s'");
    expect(pythonValue([1, 2])).toBe('[1,2]');
  });

  it('lists inputs, outputs and attributes', () => {
    const op = newInlineOperation('step');
    op.inputs.push({ name: 'labels', type: 'list', optional: true });
    const box = renderInterface(op);
    const rows = (section: string) =>
      [...box.querySelectorAll(`[data-section="${section}"] li`)].map(
        li => li.textContent
      );
    expect(rows('inputs')).toEqual(['data', 'labels: list (optional)']);
    expect(rows('outputs')).toEqual(['result']);
    expect(rows('attributes')).toEqual(['scale: float = 1.0']);
    expect(box.querySelector('[data-section="references"]')).toBeNull();
  });
});
