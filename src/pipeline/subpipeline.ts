/**
 * "Run from here": the part of a pipeline that a run from one node needs — the node, every node
 * downstream of it, and the nodes upstream of those that feed them — so that branches that do not
 * lead through the node are left out. A pure function of the pipeline document.
 */
import { Pipeline } from '../formats/types';

/** The sub-pipeline a run from `node` executes; `null` when the pipeline has no such node. */
export function pipelineFrom(
  pipeline: Pipeline,
  node: string
): Pipeline | null {
  if (!pipeline.nodes.some(n => n.id === node)) {
    return null;
  }
  const walk = (start: string[], next: (id: string) => string[]) => {
    const seen = new Set(start);
    const queue = [...start];
    while (queue.length) {
      for (const id of next(queue.shift()!)) {
        if (!seen.has(id)) {
          seen.add(id);
          queue.push(id);
        }
      }
    }
    return seen;
  };
  const downstream = walk([node], id =>
    pipeline.connections
      .filter(c => c.source.node === id)
      .map(c => c.target.node)
  );
  const needed = walk([...downstream], id =>
    pipeline.connections
      .filter(c => c.target.node === id)
      .map(c => c.source.node)
  );
  return {
    ...pipeline,
    nodes: pipeline.nodes.filter(n => needed.has(n.id)),
    connections: pipeline.connections.filter(
      c => needed.has(c.source.node) && needed.has(c.target.node)
    )
  };
}
