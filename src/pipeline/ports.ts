/**
 * How the nodes of a pipeline look to the graph model: their ports, and the graph they form.
 */
import { Connection, Node, Operation } from '../formats';
import { Graph, IGraphEdge, IGraphNode, IGraphPort } from '../graph';
import { connectionKey } from './ydoc';

/**
 * The port name of Input and Output nodes: an Input node offers its value on output port
 * `value`; an Output node takes its value on input port `value`.
 */
export const IO_PORT = 'value';

/** A pipeline node seen as a graph node. */
export interface IPipelineGraphNode extends IGraphNode {
  /** The pipeline node it stands for. */
  node: Node;
}

/** The input and output ports of a pipeline node. */
export function portsOf(node: Node): {
  inputs: IGraphPort[];
  outputs: IGraphPort[];
} {
  switch (node.kind) {
    case 'input':
      return {
        inputs: [],
        outputs: [{ name: IO_PORT, type: node.type ?? 'any' }]
      };
    case 'output':
      return {
        inputs: [{ name: IO_PORT, type: node.type ?? 'any' }],
        outputs: []
      };
    default: {
      const op: Operation | undefined = node.operation;
      return {
        inputs: (op?.inputs ?? []).map(p => ({
          name: p.name,
          type: p.type,
          optional: p.optional
        })),
        outputs: (op?.outputs ?? []).map(p => ({ name: p.name, type: p.type }))
      };
    }
  }
}

/** A pipeline node as a graph node. */
export function graphNode(node: Node): IPipelineGraphNode {
  return { id: node.id, node, ...portsOf(node) };
}

/** A connection as a graph edge, keyed like the shared model keys it. */
export function graphEdge(connection: Connection): IGraphEdge {
  return {
    id: connectionKey(connection),
    source: connection.source,
    target: connection.target
  };
}

/**
 * The graph of a pipeline. Connections that the graph refuses (a hand-edited file) are
 * returned with the reason instead of being added.
 */
export function pipelineGraph(
  nodes: Iterable<Node>,
  connections: Iterable<Connection>
): {
  graph: Graph<IPipelineGraphNode>;
  refused: { connection: Connection; reason: string }[];
} {
  const graph = new Graph<IPipelineGraphNode>();
  const refused: { connection: Connection; reason: string }[] = [];
  for (const node of nodes) {
    if (!graph.node(node.id)) {
      graph.addNode(graphNode(node));
    }
  }
  for (const connection of connections) {
    const result = graph.connect(graphEdge(connection));
    if (!result.ok) {
      refused.push({ connection, reason: result.reason });
    }
  }
  return { graph, refused };
}
