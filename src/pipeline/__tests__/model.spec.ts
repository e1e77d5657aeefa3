import * as fs from 'fs';
import * as path from 'path';
import * as Y from 'yjs';

import { FormatError, Operation, Pipeline } from '../../formats';
import { PipelineModel } from '../model';
import { YPipeline } from '../ydoc';

const ROOT = path.resolve(__dirname, '../../..');

function fixtures(): [string, string][] {
  const dirs = [
    path.join(ROOT, 'fixtures/formats/valid'),
    path.join(__dirname, 'fixtures')
  ];
  return dirs
    .filter(d => fs.existsSync(d))
    .flatMap(d =>
      fs
        .readdirSync(d)
        .filter(f => f.endsWith('.pipeline.json'))
        .map(
          f => [f, fs.readFileSync(path.join(d, f), 'utf8')] as [string, string]
        )
    );
}

function op(
  id: string,
  inputs: string[],
  outputs: string[],
  extra: Partial<Operation> = {}
): Operation {
  return {
    id: `test.${id}`,
    name: id,
    inputs: inputs.map(name => ({ name })),
    outputs: outputs.map(name => ({ name })),
    source: { code: `def ${id}(): pass\n`, function: id },
    ...extra
  };
}

describe('PipelineModel', () => {
  let model: PipelineModel;
  beforeEach(() => {
    model = new PipelineModel();
  });
  afterEach(() => {
    model.dispose();
  });

  describe('round trip', () => {
    it.each(fixtures())('gives back %s exactly', (_name, text) => {
      model.fromString(text);
      expect(JSON.stringify(model.toPipeline())).toEqual(
        JSON.stringify(JSON.parse(text))
      );
      const again = new PipelineModel();
      again.fromString(model.toString());
      expect(again.toString()).toEqual(model.toString());
      again.dispose();
    });

    it('starts as an empty valid pipeline', () => {
      expect(model.toPipeline()).toEqual({
        format: 'forgelab.pipeline',
        version: 1,
        nodes: [],
        connections: []
      });
    });

    it('refuses a malformed file with a FormatError naming the place', () => {
      expect(() =>
        model.fromString(
          '{"format": "forgelab.pipeline", "version": 1, "nodes": []}'
        )
      ).toThrow(FormatError);
      expect(() => model.fromString('{nope')).toThrow(/not valid JSON/);
    });
  });

  describe('editing', () => {
    it('adds operations with default attributes and wires them', () => {
      const a = model.addOperation(
        op('load', [], ['data'], {
          attributes: [{ name: 'n', type: 'int', default: 3 }]
        })
      );
      const b = model.addOperation(op('fit', ['data'], ['model']));
      expect(a).toBe('load');
      expect(model.getNode(a)?.attributes).toEqual({ n: 3 });
      expect(
        model.connect({ node: a, port: 'data' }, { node: b, port: 'data' }).ok
      ).toBe(true);
      expect(model.toPipeline().connections).toEqual([
        {
          source: { node: 'load', port: 'data' },
          target: { node: 'fit', port: 'data' }
        }
      ]);
      expect(model.dirty).toBe(true);
    });

    it('refuses a cycle and leaves the pipeline unchanged', () => {
      const a = model.addOperation(op('a', ['x'], ['y']));
      const b = model.addOperation(op('b', ['x'], ['y']));
      model.connect({ node: a, port: 'y' }, { node: b, port: 'x' });
      const before = model.toString();
      const result = model.connect(
        { node: b, port: 'y' },
        { node: a, port: 'x' }
      );
      expect(result).toEqual({
        ok: false,
        reason: expect.stringMatching(/cycle/)
      });
      expect(model.toString()).toEqual(before);
    });

    it('deletes nodes with their connections', () => {
      const a = model.addOperation(op('a', [], ['y']));
      const b = model.addOperation(op('b', ['x'], []));
      model.connect({ node: a, port: 'y' }, { node: b, port: 'x' });
      model.removeNodes([a]);
      expect(model.toPipeline().nodes.map(n => n.id)).toEqual(['b']);
      expect(model.toPipeline().connections).toEqual([]);
    });

    it('undoes and redoes each edit as one step', () => {
      const a = model.addOperation(op('a', [], ['y']));
      const b = model.addOperation(op('b', ['x'], []));
      model.connect({ node: a, port: 'y' }, { node: b, port: 'x' });
      model.removeNodes([a]);
      expect(model.toPipeline().nodes).toHaveLength(1);
      expect(model.undo()).toBe(true);
      expect(model.toPipeline().nodes.map(n => n.id)).toEqual(['a', 'b']);
      expect(model.toPipeline().connections).toHaveLength(1);
      model.undo();
      expect(model.toPipeline().connections).toHaveLength(0);
      model.redo();
      expect(model.toPipeline().connections).toHaveLength(1);
    });

    it('does not undo the loading of the file', () => {
      model.fromString(fixtures()[0][1]);
      expect(model.undo()).toBe(false);
      expect(model.toPipeline().nodes.length).toBeGreaterThan(0);
    });

    it('keeps edits made before JupyterLab clears the history of an opened file', () => {
      model.fromString(fixtures()[0][1]);
      const before = model.toString();
      const a = model.addOperation(op('a', [], ['y']));
      // JupyterLab clears the history once the file's first checkpoint exists, which can be after
      // the user's first edit.
      model.sharedModel.clearUndoHistory();
      expect(model.undo()).toBe(true);
      expect(model.getNode(a)).toBeUndefined();
      expect(model.toString()).toEqual(before);
      expect(model.undo()).toBe(false);
    });

    it('starts a new history when the file is loaded again', () => {
      model.addOperation(op('a', [], ['y']));
      model.fromString(fixtures()[0][1]);
      const loaded = model.toString();
      expect(model.undo()).toBe(false);
      expect(model.toString()).toEqual(loaded);
    });

    it('copies and pastes nodes with their inner connections under new ids', () => {
      const a = model.addOperation(op('a', [], ['y']), { x: 0, y: 0 });
      const b = model.addOperation(op('b', ['x'], []), { x: 0, y: 100 });
      model.connect({ node: a, port: 'y' }, { node: b, port: 'x' });
      const ids = model.paste(JSON.parse(JSON.stringify(model.copy([a, b]))));
      expect(ids).toEqual(['a_2', 'b_2']);
      expect(model.getNode('b_2')?.position).toEqual({ x: 40, y: 140 });
      expect(model.toPipeline().connections).toHaveLength(2);
      expect(model.issues).toEqual([]);
    });

    it('sets attributes, references, labels and positions', () => {
      const a = model.addOperation(op('a', [], []));
      model.setAttribute(a, 'lr', 0.1);
      model.setReference(a, 'net', 'x.arch.json');
      model.setLabel(a, ' Learn ');
      model.moveNodes(new Map([[a, { x: 10.4, y: 20.6 }]]));
      expect(model.getNode(a)).toMatchObject({
        attributes: { lr: 0.1 },
        references: { net: 'x.arch.json' },
        label: 'Learn',
        position: { x: 10, y: 21 }
      });
    });
  });

  describe('validation', () => {
    it('lists unconnected inputs, missing and ill-typed attributes, unknown operations', () => {
      const a = model.addOperation(
        op('fit', ['data'], ['model'], {
          attributes: [
            { name: 'epochs', type: 'int', required: true },
            { name: 'rate', type: 'float', minimum: 0, default: 0.1 }
          ]
        })
      );
      model.setAttribute(a, 'rate', -1);
      const out = model.addTerminal('output');
      expect(model.issues.map(i => i.message)).toEqual([
        "Input 'data' is not connected; wire an output to it or mark it optional.",
        "Attribute 'epochs' needs a value.",
        "Attribute 'rate' must be at least 0.",
        "Output 'output' is not connected to any value."
      ]);
      expect(model.issuesByNode().get(out)).toHaveLength(1);
      const known = op('known', [], []);
      delete known.source.code;
      known.source.module = 'ops';
      model.addOperation(known);
      model.catalog = new Map();
      expect(model.issues.map(i => i.message)).toContain(
        "Unknown operation 'test.known': no library on the server defines it."
      );
    });

    it('reports the connections of a hand-edited file that break the rules', () => {
      const pipeline: Pipeline = {
        format: 'forgelab.pipeline',
        version: 1,
        nodes: [
          { id: 'a', kind: 'operation', operation: op('a', ['x'], ['y']) },
          { id: 'b', kind: 'operation', operation: op('b', ['x'], ['y']) }
        ],
        connections: [
          {
            source: { node: 'a', port: 'y' },
            target: { node: 'b', port: 'x' }
          },
          { source: { node: 'b', port: 'y' }, target: { node: 'a', port: 'x' } }
        ]
      };
      model.fromJSON(pipeline as any);
      expect(model.issues).toEqual(
        [
          {
            node: 'a',
            path: '/connections/1',
            message: expect.stringMatching(/cycle/)
          },
          {
            node: 'a',
            path: '/nodes/0',
            message: expect.stringMatching(/Input 'x' is not connected/)
          }
        ].reverse()
      );
    });
  });

  describe('collaboration', () => {
    it('converges when two peers edit at the same time', () => {
      const left = new YPipeline();
      const right = new YPipeline();
      left.ydoc.on('update', (u: Uint8Array) =>
        Y.applyUpdate(right.ydoc, u, 'remote')
      );
      right.ydoc.on('update', (u: Uint8Array) =>
        Y.applyUpdate(left.ydoc, u, 'remote')
      );
      const one = new PipelineModel({ sharedModel: left });
      const two = new PipelineModel({ sharedModel: right });
      one.fromString(fixtures()[0][1]);
      expect(two.toString()).toEqual(one.toString());

      const seen: string[][] = [];
      two.pipelineChanged.connect((_, change) => seen.push(change.nodes));
      one.addOperation(op('left', [], []));
      two.setLabel(two.toPipeline().nodes[0].id, 'Renamed');
      expect(seen).toContainEqual(['left']);
      expect(one.toString()).toEqual(two.toString());
      expect(one.toPipeline().nodes[0].label).toBe('Renamed');
      // A peer's edits are not in the local undo stack.
      expect(two.undo()).toBe(true);
      expect(one.getNode('left')).toBeDefined();
      one.dispose();
      two.dispose();
    });
  });
});
