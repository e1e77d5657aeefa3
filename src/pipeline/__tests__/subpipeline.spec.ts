import { Pipeline } from '../../formats';
import { pipelineFrom } from '../subpipeline';

/** a → b → d, c → d, a → e, f alone: a run from b needs a, b, c and d. */
function pipeline(): Pipeline {
  const node = (id: string) =>
    ({ id, kind: 'input', name: id }) as unknown as Pipeline['nodes'][0];
  const edge = (s: string, t: string) => ({
    source: { node: s, port: 'out' },
    target: { node: t, port: 'in' }
  });
  return {
    format: 'forgelab.pipeline',
    version: 1,
    name: 'p',
    nodes: ['a', 'b', 'c', 'd', 'e', 'f'].map(node),
    connections: [
      edge('a', 'b'),
      edge('b', 'd'),
      edge('c', 'd'),
      edge('a', 'e')
    ]
  };
}

describe('pipelineFrom', () => {
  it('keeps the node, what is downstream, and what feeds those', () => {
    const sub = pipelineFrom(pipeline(), 'b')!;
    expect(sub.nodes.map(n => n.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(
      sub.connections.map(c => `${c.source.node}${c.target.node}`)
    ).toEqual(['ab', 'bd', 'cd']);
    expect(sub.name).toBe('p');
  });

  it('is the node alone where nothing is connected, and null for no such node', () => {
    expect(pipelineFrom(pipeline(), 'f')!.nodes.map(n => n.id)).toEqual(['f']);
    expect(pipelineFrom(pipeline(), 'zz')).toBeNull();
  });
});
