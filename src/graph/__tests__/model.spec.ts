import {
  edgeId,
  Graph,
  IGraphEdge,
  IGraphNode,
  typesCompatible
} from '../model';

function node(
  id: string,
  inputs: string[] = ['x'],
  outputs: string[] = ['y']
): IGraphNode {
  return {
    id,
    inputs: inputs.map(p => {
      const [name, type] = p.split(':');
      return { name, type };
    }),
    outputs: outputs.map(p => {
      const [name, type] = p.split(':');
      return { name, type };
    })
  };
}

function edge(a: string, ap: string, b: string, bp: string): IGraphEdge {
  const source = { node: a, port: ap };
  const target = { node: b, port: bp };
  return { id: edgeId(source, target), source, target };
}

describe('Graph', () => {
  let graph: Graph;
  beforeEach(() => {
    graph = new Graph();
    graph.addNode(node('a', []));
    graph.addNode(node('b'));
    graph.addNode(node('c', ['x', 'z']));
  });

  it('adds nodes and refuses a duplicate id', () => {
    expect([...graph.nodes].map(n => n.id)).toEqual(['a', 'b', 'c']);
    expect(() => graph.addNode(node('a'))).toThrow(/already exists/);
  });

  it('connects an output port to an input port', () => {
    const result = graph.connect(edge('a', 'y', 'b', 'x'));
    expect(result.ok).toBe(true);
    expect(graph.incoming('b').map(e => e.source.node)).toEqual(['a']);
    expect(graph.outgoing('a')).toHaveLength(1);
  });

  it('refuses a connection that closes a cycle and says so', () => {
    expect(graph.connect(edge('b', 'y', 'c', 'x')).ok).toBe(true);
    const result = graph.connect(edge('c', 'y', 'b', 'x'));
    expect(result).toEqual({
      ok: false,
      reason: expect.stringMatching(/cycle/)
    });
    expect(graph.connect(edge('b', 'y', 'b', 'x'))).toEqual({
      ok: false,
      reason: expect.stringMatching(/cycle/)
    });
    expect([...graph.edges]).toHaveLength(1);
  });

  it('refuses a second source into one input', () => {
    expect(graph.connect(edge('a', 'y', 'c', 'x')).ok).toBe(true);
    const result = graph.connect(edge('b', 'y', 'c', 'x'));
    expect(result).toEqual({
      ok: false,
      reason: expect.stringMatching(/already fed by 'a.y'/)
    });
    expect(graph.connect(edge('b', 'y', 'c', 'z')).ok).toBe(true);
  });

  it('refuses incompatible declared types but accepts any', () => {
    graph.addNode(node('typed', ['img:image'], ['n:int']));
    graph.addNode(node('num', ['v:float'], ['o:image']));
    const bad = graph.connect(edge('typed', 'n', 'num', 'v'));
    expect(bad).toEqual({
      ok: false,
      reason: expect.stringMatching(/gives int.*expects float/)
    });
    expect(graph.connect(edge('num', 'o', 'typed', 'img')).ok).toBe(true);
    expect(graph.connect(edge('typed', 'n', 'b', 'x')).ok).toBe(true);
    expect(typesCompatible('any', 'int')).toBe(true);
    expect(typesCompatible('Int', 'int')).toBe(true);
  });

  it('refuses unknown ports and nodes, naming the ports there are', () => {
    expect(graph.connect(edge('a', 'nope', 'b', 'x'))).toEqual({
      ok: false,
      reason: "'a' has no output port 'nope' (outputs: y)."
    });
    expect(graph.connect(edge('a', 'y', 'b', 'q'))).toEqual({
      ok: false,
      reason: "'b' has no input port 'q' (inputs: x)."
    });
    expect(graph.connect(edge('zz', 'y', 'b', 'x')).ok).toBe(false);
  });

  it('deletes a node together with its edges', () => {
    graph.connect(edge('a', 'y', 'b', 'x'));
    graph.connect(edge('b', 'y', 'c', 'x'));
    const removed = graph.removeNode('b');
    expect(removed.map(e => e.id).sort()).toEqual(['a.y->b.x', 'b.y->c.x']);
    expect([...graph.edges]).toHaveLength(0);
    expect(graph.outgoing('a')).toEqual([]);
    expect(graph.node('b')).toBeUndefined();
  });

  it('orders nodes topologically', () => {
    graph.connect(edge('c', 'y', 'b', 'x'));
    graph.connect(edge('a', 'y', 'c', 'x'));
    expect(graph.topologicalOrder()).toEqual(['a', 'c', 'b']);
  });

  it('drops edges whose port disappears when a node changes', () => {
    graph.connect(edge('a', 'y', 'c', 'z'));
    const dropped = graph.updateNode(node('c', ['x']));
    expect(dropped.map(e => e.id)).toEqual(['a.y->c.z']);
    expect(graph.unconnectedRequiredInputs('c').map(p => p.name)).toEqual([
      'x'
    ]);
  });
});
