import { Attribute, Operation, Reference } from '../../formats';
import { PipelineModel } from '../model';
import {
  parseAttributeInput,
  PropertyPanel,
  referenceProblem
} from '../properties';

describe('property fields', () => {
  const int: Attribute = { name: 'epochs', type: 'int', minimum: 1 };

  it('reads typed attribute values and refuses bad ones with a reason', () => {
    expect(parseAttributeInput(int, '12')).toEqual({ value: 12 });
    expect(parseAttributeInput(int, '1.5')).toEqual({
      error: 'must be an integer'
    });
    expect(parseAttributeInput(int, '0')).toEqual({
      error: 'must be at least 1'
    });
    expect(parseAttributeInput(int, '')).toEqual({ value: undefined });
    expect(parseAttributeInput({ name: 'r', type: 'float' }, 'abc')).toEqual({
      error: 'must be a number'
    });
    expect(parseAttributeInput({ name: 'b', type: 'bool' }, 'true')).toEqual({
      value: true
    });
    expect(parseAttributeInput({ name: 's', type: 'str' }, '')).toEqual({
      value: ''
    });
    const choice: Attribute = {
      name: 'o',
      type: 'choice',
      choices: ['adam', 'sgd']
    };
    expect(parseAttributeInput(choice, '"sgd"')).toEqual({ value: 'sgd' });
    expect(parseAttributeInput(choice, '"rms"')).toEqual({
      error: 'must be one of "adam", "sgd"'
    });
    const json: Attribute = { name: 'j', type: 'json' };
    expect(parseAttributeInput(json, '{"a": [1]}')).toEqual({
      value: { a: [1] }
    });
    expect(parseAttributeInput(json, '{a')).toEqual({
      error: expect.stringMatching(/^is not valid JSON/)
    });
  });

  it('wants an *.arch.json path for an architecture reference', () => {
    const ref: Reference = { name: 'net', kind: 'architecture' };
    expect(referenceProblem(ref, 'nets/mlp.arch.json')).toBeNull();
    expect(referenceProblem(ref, 'mlp.json')).toBe(
      'must be the path of an *.arch.json file'
    );
    expect(referenceProblem(ref, '')).toBe('is required');
    expect(referenceProblem({ ...ref, optional: true }, '')).toBeNull();
  });
});

describe('PropertyPanel buttons', () => {
  let model: PipelineModel;
  let panel: PropertyPanel;
  const shown: string[] = [];
  const fit: Operation = {
    id: 'ops.py:fit',
    name: 'Fit',
    inputs: [{ name: 'data' }],
    outputs: [{ name: 'model' }],
    references: [{ name: 'net', kind: 'architecture' }],
    source: { code: 'def fit(data, net): pass\n', function: 'fit' }
  };

  beforeEach(() => {
    model = new PipelineModel();
    panel = new PropertyPanel(model, {
      showSource: id => shown.push(id),
      pickReference: async reference =>
        reference.name === 'net' ? 'nets/cnn.arch.json' : null
    });
  });
  afterEach(() => {
    panel.dispose();
    model.dispose();
    shown.length = 0;
  });

  it('opens the source of operations that have some', () => {
    panel.nodeId = model.addOperation(fit);
    const button = panel.node.querySelector<HTMLButtonElement>(
      '.jp-ForgeLab-Properties-source'
    )!;
    button.click();
    expect(shown).toEqual(['fit']);
    panel.nodeId = model.addOperation({
      ...fit,
      id: 'forgelab.ops.fit',
      source: { module: 'forgelab.ops', function: 'fit' }
    });
    expect(
      panel.node.querySelector('.jp-ForgeLab-Properties-source')
    ).toBeNull();
  });

  it('sets a reference chosen with the picker, validated like a typed one', async () => {
    const id = model.addOperation(fit);
    panel.nodeId = id;
    panel.node
      .querySelector<HTMLButtonElement>('button[aria-label="Choose net"]')!
      .click();
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(model.getNode(id)!.references).toEqual({
      net: 'nets/cnn.arch.json'
    });
    expect(
      panel.node.querySelector<HTMLInputElement>('input[name="ref-net"]')!.value
    ).toBe('nets/cnn.arch.json');
  });
});
