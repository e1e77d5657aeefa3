import { Operation } from '../../formats';
import { validate } from '../../formats';
import { PipelineModel } from '../model';
import {
  describeRemoved,
  newInlineOperation,
  operationFilePath,
  operationSourceKind,
  updateOperation
} from '../opsource';

function op(
  id: string,
  inputs: string[],
  outputs: string[],
  extra: Partial<Operation> = {}
): Operation {
  return {
    id,
    name: id,
    inputs: inputs.map(name => ({ name })),
    outputs: outputs.map(name => ({ name })),
    source: { code: `def ${id.replace(/\W/g, '_')}(): pass\n`, function: 'f' },
    ...extra
  };
}

describe('operationSourceKind', () => {
  it('tells workspace files, inline code and modules apart', () => {
    const file = op('lib/ops.py:train', [], []);
    expect(operationSourceKind(file)).toBe('file');
    expect(operationFilePath(file)).toBe('lib/ops.py');
    const inline = newInlineOperation('double');
    expect(operationSourceKind(inline)).toBe('inline');
    expect(operationFilePath(inline)).toBeNull();
    const module = op('forgelab.ops.load', [], [], {
      source: { module: 'forgelab.ops', function: 'load' }
    });
    expect(operationSourceKind(module)).toBe('module');
    expect(operationSourceKind(undefined)).toBe('none');
  });
});

describe('newInlineOperation', () => {
  it('is a valid operation whose code defines its function', () => {
    const operation = newInlineOperation('my_step');
    expect(validate('operation', operation)).toEqual(operation);
    expect(operation.source.code).toContain('def my_step(data, *, scale');
    expect(operation.name).toBe('My step');
  });
});

describe('updateOperation', () => {
  it('keeps the values that still apply and lists wires to vanished ports', () => {
    const node = {
      id: 'b',
      kind: 'operation' as const,
      operation: op('inline:f', ['x', 'y'], ['out'], {
        attributes: [
          { name: 'n', type: 'int' as const, default: 1 },
          { name: 'gone', type: 'str' as const }
        ]
      }),
      attributes: { n: 5, gone: 'a' }
    };
    const connections = [
      { source: { node: 'a', port: 'r' }, target: { node: 'b', port: 'x' } },
      { source: { node: 'a', port: 'r' }, target: { node: 'b', port: 'y' } },
      { source: { node: 'b', port: 'out' }, target: { node: 'c', port: 'v' } }
    ];
    const next = op('inline:g', ['x', 'z'], ['other'], {
      attributes: [
        { name: 'n', type: 'int', default: 1 },
        { name: 'fresh', type: 'float', default: 0.5 }
      ]
    });
    const update = updateOperation(node, connections, next);
    expect(update.node.operation!.id).toBe('inline:f');
    expect(update.node.operation!.inputs.map(p => p.name)).toEqual(['x', 'z']);
    expect(update.node.attributes).toEqual({ n: 5, fresh: 0.5 });
    expect(update.droppedValues).toEqual(['gone']);
    expect(update.removed).toEqual([connections[1], connections[2]]);
    expect(describeRemoved(update.removed)).toBe(
      'Removed 2 connections to ports that no longer exist: a.r → b.y, b.out → c.v.'
    );
    expect(describeRemoved([])).toBe('');
  });
});

describe('PipelineModel.replaceOperation', () => {
  let model: PipelineModel;
  beforeEach(() => {
    model = new PipelineModel();
  });
  afterEach(() => model.dispose());

  it('updates ports and wires in one undo step', () => {
    const a = model.addOperation(op('inline:a', [], ['r']));
    const b = model.addOperation(newInlineOperation('step'));
    expect(
      model.connect({ node: a, port: 'r' }, { node: b, port: 'data' }).ok
    ).toBe(true);
    const changed = newInlineOperation('step');
    changed.inputs = [{ name: 'values', type: 'any' }];
    const update = model.replaceOperation(b, changed);
    expect(update.removed).toHaveLength(1);
    expect(model.getNode(b)!.operation!.inputs.map(p => p.name)).toEqual([
      'values'
    ]);
    expect(model.toPipeline().connections).toEqual([]);
    expect(model.undo()).toBe(true);
    expect(model.getNode(b)!.operation!.inputs.map(p => p.name)).toEqual([
      'data'
    ]);
    expect(model.toPipeline().connections).toHaveLength(1);
  });

  it('updates every node of a saved workspace file', () => {
    const first = model.addOperation(op('ops.py:f', ['x'], ['y']));
    const second = model.addOperation(op('ops.py:f', ['x'], ['y']));
    const other = model.addOperation(op('ops.py:g', ['x'], ['y']));
    const updates = model.replaceOperations(
      new Map([['ops.py:f', op('ops.py:f', ['x', 'w'], ['y'])]])
    );
    expect([...updates.keys()].sort()).toEqual([first, second].sort());
    for (const id of [first, second]) {
      expect(model.getNode(id)!.operation!.inputs).toHaveLength(2);
    }
    expect(model.getNode(other)!.operation!.inputs).toHaveLength(1);
  });

  it('refuses a node that is not an operation', () => {
    const input = model.addTerminal('input');
    expect(() => model.replaceOperation(input, newInlineOperation())).toThrow(
      /no operation node 'input'/
    );
  });
});
