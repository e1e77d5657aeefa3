/**
 * A pure directed graph of nodes with named, typed ports, wired output port to input port.
 *
 * Both the pipeline editor and the architecture editor validate their edits with it: it refuses
 * a connection that would close a cycle, feed a second source into one input, join incompatible
 * declared types or name a port that does not exist, and says why in words a person can act on.
 */

/** One port of a node; `type` is a declared data type, `'any'` (or absent) matches every type. */
export interface IGraphPort {
  /** The port's name, unique among the node's inputs (or outputs). */
  name: string;
  /** The declared data type; absent or `'any'` when unknown. */
  type?: string;
  /** An optional input may stay unconnected. */
  optional?: boolean;
}

/** A node of the graph with its input and output ports. */
export interface IGraphNode {
  /** The node's id, unique in the graph. */
  id: string;
  /** Input ports, in display order. */
  inputs: ReadonlyArray<IGraphPort>;
  /** Output ports, in display order. */
  outputs: ReadonlyArray<IGraphPort>;
}

/** One end of an edge: a port of a node. */
export interface IGraphEndpoint {
  /** The node's id. */
  node: string;
  /** The port's name. */
  port: string;
}

/** An edge from an output port to an input port. */
export interface IGraphEdge {
  /** The edge's id, unique in the graph. */
  id: string;
  /** The output port the value comes from. */
  source: IGraphEndpoint;
  /** The input port the value goes to. */
  target: IGraphEndpoint;
}

/** The outcome of a connection attempt: the new edge, or the reason it was refused. */
export type ConnectResult =
  { ok: true; edge: IGraphEdge } | { ok: false; reason: string };

/** How a graph compares declared port types; by default equal names or `'any'` match. */
export type TypeCompatibility = (
  sourceType: string,
  targetType: string
) => boolean;

/** Whether a value declared as `sourceType` may flow into an input declared as `targetType`. */
export function typesCompatible(
  sourceType = 'any',
  targetType = 'any'
): boolean {
  const a = sourceType.trim().toLowerCase();
  const b = targetType.trim().toLowerCase();
  return a === 'any' || b === 'any' || a === '' || b === '' || a === b;
}

/** The id an edge gets when none is given: its two endpoints, which are unique per input. */
export function edgeId(source: IGraphEndpoint, target: IGraphEndpoint): string {
  return `${source.node}.${source.port}->${target.node}.${target.port}`;
}

/**
 * A mutable graph; every mutation validates first and leaves the graph unchanged when refused.
 */
export class Graph<
  N extends IGraphNode = IGraphNode,
  E extends IGraphEdge = IGraphEdge
> {
  /** Create a graph; `compatible` decides which declared types may be wired together. */
  constructor(options: Graph.IOptions = {}) {
    this._compatible = options.compatible ?? typesCompatible;
  }

  /** The nodes, in insertion order. */
  get nodes(): IterableIterator<N> {
    return this._nodes.values();
  }

  /** The edges, in insertion order. */
  get edges(): IterableIterator<E> {
    return this._edges.values();
  }

  /** The number of nodes. */
  get size(): number {
    return this._nodes.size;
  }

  /** The node with `id`, if any. */
  node(id: string): N | undefined {
    return this._nodes.get(id);
  }

  /** The edge with `id`, if any. */
  edge(id: string): E | undefined {
    return this._edges.get(id);
  }

  /** Add a node; throws when its id is already used, since that is a programming error. */
  addNode(node: N): void {
    if (this._nodes.has(node.id)) {
      throw new Error(
        `A node with id '${node.id}' already exists; pick another id.`
      );
    }
    this._nodes.set(node.id, node);
    this._out.set(node.id, new Set());
    this._in.set(node.id, new Set());
  }

  /**
   * Replace a node's definition (its ports changed); edges whose ports no longer exist are
   * removed and returned.
   */
  updateNode(node: N): E[] {
    if (!this._nodes.has(node.id)) {
      throw new Error(`There is no node '${node.id}' to update.`);
    }
    this._nodes.set(node.id, node);
    const dropped: E[] = [];
    for (const id of [...this._in.get(node.id)!, ...this._out.get(node.id)!]) {
      const edge = this._edges.get(id)!;
      const ok =
        (edge.target.node !== node.id ||
          node.inputs.some(p => p.name === edge.target.port)) &&
        (edge.source.node !== node.id ||
          node.outputs.some(p => p.name === edge.source.port));
      if (!ok) {
        dropped.push(edge);
        this._removeEdge(edge);
      }
    }
    return dropped;
  }

  /** Remove a node and every edge touching it; returns the removed edges. */
  removeNode(id: string): E[] {
    if (!this._nodes.has(id)) {
      return [];
    }
    const removed = [...this._in.get(id)!, ...this._out.get(id)!].map(e =>
      this._edges.get(e)!
    );
    for (const edge of removed) {
      this._removeEdge(edge);
    }
    this._nodes.delete(id);
    this._in.delete(id);
    this._out.delete(id);
    return removed;
  }

  /**
   * Why an edge from `source` to `target` is not allowed, or `null` when it is.
   *
   * `ignoreEdge` leaves one existing edge out of the checks (to validate a graph edge by edge).
   */
  checkConnection(
    source: IGraphEndpoint,
    target: IGraphEndpoint,
    ignoreEdge?: string
  ): string | null {
    const from = this._nodes.get(source.node);
    const to = this._nodes.get(target.node);
    if (!from) {
      return `There is no node '${source.node}' to connect from.`;
    }
    if (!to) {
      return `There is no node '${target.node}' to connect to.`;
    }
    const out = from.outputs.find(p => p.name === source.port);
    if (!out) {
      return `'${source.node}' has no output port '${source.port}' (outputs: ${names(from.outputs)}).`;
    }
    const inp = to.inputs.find(p => p.name === target.port);
    if (!inp) {
      return `'${target.node}' has no input port '${target.port}' (inputs: ${names(to.inputs)}).`;
    }
    for (const id of this._in.get(to.id)!) {
      const edge = this._edges.get(id)!;
      if (id !== ignoreEdge && edge.target.port === target.port) {
        return `Input '${target.port}' of '${to.id}' is already fed by '${edge.source.node}.${edge.source.port}'; an input takes one source — delete that connection first.`;
      }
    }
    if (!this._compatible(out.type ?? 'any', inp.type ?? 'any')) {
      return `Type mismatch: '${source.node}.${source.port}' gives ${out.type}, but '${target.node}.${target.port}' expects ${inp.type}.`;
    }
    if (
      source.node === target.node ||
      this.hasPath(target.node, source.node, ignoreEdge)
    ) {
      return `Connecting '${source.node}' to '${target.node}' would create a cycle; a pipeline must stay acyclic.`;
    }
    return null;
  }

  /** Add an edge if {@link checkConnection} allows it. */
  connect(edge: E): ConnectResult {
    if (this._edges.has(edge.id)) {
      return { ok: false, reason: `These ports are already connected.` };
    }
    const reason = this.checkConnection(edge.source, edge.target);
    if (reason) {
      return { ok: false, reason };
    }
    this._edges.set(edge.id, edge);
    this._out.get(edge.source.node)!.add(edge.id);
    this._in.get(edge.target.node)!.add(edge.id);
    return { ok: true, edge };
  }

  /** Remove an edge; returns it, or `undefined` if there was none. */
  disconnect(id: string): E | undefined {
    const edge = this._edges.get(id);
    if (edge) {
      this._removeEdge(edge);
    }
    return edge;
  }

  /** The edges coming into node `id`. */
  incoming(id: string): E[] {
    return [...(this._in.get(id) ?? [])].map(e => this._edges.get(e)!);
  }

  /** The edges leaving node `id`. */
  outgoing(id: string): E[] {
    return [...(this._out.get(id) ?? [])].map(e => this._edges.get(e)!);
  }

  /** Whether a directed path leads from node `from` to node `to`. */
  hasPath(from: string, to: string, ignoreEdge?: string): boolean {
    if (from === to) {
      return true;
    }
    const seen = new Set<string>([from]);
    const stack = [from];
    while (stack.length) {
      const current = stack.pop()!;
      for (const id of this._out.get(current) ?? []) {
        if (id === ignoreEdge) {
          continue;
        }
        const next = this._edges.get(id)!.target.node;
        if (next === to) {
          return true;
        }
        if (!seen.has(next)) {
          seen.add(next);
          stack.push(next);
        }
      }
    }
    return false;
  }

  /**
   * The node ids so that every edge goes forward (Kahn's algorithm, stable in insertion order);
   * throws when the graph has a cycle, which only a hand-edited file can contain.
   */
  topologicalOrder(): string[] {
    const indegree = new Map<string, number>();
    for (const id of this._nodes.keys()) {
      indegree.set(id, this._in.get(id)!.size);
    }
    const ready = [...this._nodes.keys()].filter(id => indegree.get(id) === 0);
    const order: string[] = [];
    for (let i = 0; i < ready.length; i++) {
      const id = ready[i];
      order.push(id);
      for (const e of this._out.get(id)!) {
        const next = this._edges.get(e)!.target.node;
        const left = indegree.get(next)! - 1;
        indegree.set(next, left);
        if (left === 0) {
          ready.push(next);
        }
      }
    }
    if (order.length !== this._nodes.size) {
      const stuck = [...this._nodes.keys()].filter(id => !order.includes(id));
      throw new Error(
        `The graph has a cycle through ${stuck.map(s => `'${s}'`).join(', ')}.`
      );
    }
    return order;
  }

  /** The input ports of node `id` that must be fed and are not. */
  unconnectedRequiredInputs(id: string): IGraphPort[] {
    const node = this._nodes.get(id);
    if (!node) {
      return [];
    }
    const fed = new Set(this.incoming(id).map(e => e.target.port));
    return node.inputs.filter(p => !p.optional && !fed.has(p.name));
  }

  private _removeEdge(edge: E): void {
    this._edges.delete(edge.id);
    this._out.get(edge.source.node)?.delete(edge.id);
    this._in.get(edge.target.node)?.delete(edge.id);
  }

  private _compatible: TypeCompatibility;
  private _nodes = new Map<string, N>();
  private _edges = new Map<string, E>();
  private _in = new Map<string, Set<string>>();
  private _out = new Map<string, Set<string>>();
}

/** The {@link Graph} namespace. */
export namespace Graph {
  /** Options of a graph. */
  export interface IOptions {
    /** Which declared types may be wired together; {@link typesCompatible} by default. */
    compatible?: TypeCompatibility;
  }
}

function names(ports: ReadonlyArray<IGraphPort>): string {
  return ports.length ? ports.map(p => p.name).join(', ') : 'none';
}
