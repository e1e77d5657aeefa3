import { ArchitectureModel } from '../../architecture/model';
import { Operation } from '../../formats';
import { PipelineModel } from '../../pipeline/model';
import { ModelDelegate } from '../editing';

function op(id: string, inputs: string[], outputs: string[]): Operation {
  return {
    id: `test.${id}`,
    name: id,
    inputs: inputs.map(name => ({ name })),
    outputs: outputs.map(name => ({ name })),
    source: { code: `def ${id}(): pass\n`, function: id }
  };
}

/** A pipeline `load → fit` behind the canvas delegate. */
function wiredPipeline() {
  const model = new PipelineModel();
  const a = model.addOperation(op('load', [], ['data']), { x: 0, y: 0 });
  const b = model.addOperation(op('fit', ['data'], ['model']), {
    x: 300,
    y: 0
  });
  const result = model.connect(
    { node: a, port: 'data' },
    { node: b, port: 'data' }
  );
  expect(result.ok).toBe(true);
  const delegate = new ModelDelegate(model, 'forgelab.pipeline-clip');
  return { model, delegate, a, b };
}

describe('ModelDelegate', () => {
  it('pastes what it copied as new nodes, wired like the originals', () => {
    const { model, delegate, a, b } = wiredPipeline();
    const pasted = delegate.paste(delegate.copy([a, b]));
    expect(pasted).toHaveLength(2);
    expect(pasted).not.toContain(a);
    const nodes = model.toPipeline().nodes.map(n => n.id);
    expect(nodes).toEqual(expect.arrayContaining([a, b, ...pasted]));
    expect(model.toPipeline().connections).toHaveLength(2);
  });

  it("ignores text that is not JSON or not this editor's clip", () => {
    const { model, delegate, a } = wiredPipeline();
    const architecture = new ArchitectureModel();
    const foreign = JSON.stringify(architecture.copy([]));
    expect(delegate.paste('not json')).toEqual([]);
    expect(delegate.paste(foreign)).toEqual([]);
    expect(delegate.paste('null')).toEqual([]);
    expect(model.toPipeline().nodes.map(n => n.id)).toContain(a);
    expect(model.toPipeline().nodes).toHaveLength(2);
  });

  it('removes nodes and edges in one undoable step', () => {
    const { model, delegate, a, b } = wiredPipeline();
    const edge = model.graph.outgoing(a)[0].id;
    delegate.remove([b], [edge]);
    expect(model.toPipeline().nodes.map(n => n.id)).toEqual([a]);
    expect(model.toPipeline().connections).toEqual([]);
    delegate.undo();
    expect(model.toPipeline().nodes).toHaveLength(2);
    expect(model.toPipeline().connections).toHaveLength(1);
    delegate.redo();
    expect(model.toPipeline().nodes).toHaveLength(1);
  });

  it('moves the layers of an architecture like the nodes of a pipeline', () => {
    const model = new ArchitectureModel();
    const delegate = new ModelDelegate(model, 'forgelab.architecture-clip');
    const input = model.toArchitecture().layers[0].id;
    delegate.moveNodes(new Map([[input, { x: 10.4, y: 20.6 }]]));
    expect(model.getLayer(input)!.position).toEqual({ x: 10, y: 21 });
    delegate.undo();
    expect(model.getLayer(input)!.position).not.toEqual({ x: 10, y: 21 });
  });
});
