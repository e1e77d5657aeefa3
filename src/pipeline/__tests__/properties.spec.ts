import { Attribute, Reference } from '../../formats';
import { parseAttributeInput, referenceProblem } from '../properties';

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
