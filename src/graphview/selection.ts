/**
 * The selected nodes and edges of a canvas, and their highlight.
 */
import * as d3 from 'd3';

import { FAR_NODE_CLASS } from './far';
import { IViewEdge, IViewNode } from './types';

/** The selected nodes and edges. */
export interface IGraphSelection {
  /** Ids of the selected nodes. */
  nodes: ReadonlySet<string>;
  /** Ids of the selected edges. */
  edges: ReadonlySet<string>;
}

/** What a canvas has selected; every change is highlighted and reported to `changed`. */
export class SelectionState {
  /** Highlight selected elements of these layers; tell `changed` after every change. */
  constructor(
    private readonly _nodesLayer: SVGGElement,
    private readonly _edgesLayer: SVGGElement,
    private readonly _changed: (selection: IGraphSelection) => void
  ) {}

  /** Ids of the selected nodes. */
  nodes = new Set<string>();
  /** Ids of the selected edges. */
  edges = new Set<string>();

  /** The selection as the view reports it. */
  get current(): IGraphSelection {
    return { nodes: this.nodes, edges: this.edges };
  }

  /** Select exactly these nodes and edges. */
  select(nodes: Iterable<string>, edges: Iterable<string> = []): void {
    this.nodes = new Set(nodes);
    this.edges = new Set(edges);
    this.apply();
  }

  /** Add a node to the selection, or take it out (shift-click). */
  toggleNode(id: string): void {
    toggle(this.nodes, id);
    this.apply();
  }

  /** Add an edge to the selection, or take it out (shift-click). */
  toggleEdge(id: string): void {
    toggle(this.edges, id);
    this.apply();
  }

  /** Highlight the selection and report it. */
  apply(): void {
    d3.select(this._nodesLayer)
      .selectAll<SVGElement, IViewNode>(
        `g.jp-ForgeLab-GraphView-node, rect.${FAR_NODE_CLASS}`
      )
      .classed('jp-mod-selected', d => this.nodes.has(d.id));
    d3.select(this._edgesLayer)
      .selectAll<SVGGElement, IViewEdge>('g.jp-ForgeLab-GraphView-edge')
      .classed('jp-mod-selected', d => this.edges.has(d.id));
    this._changed(this.current);
  }

  /** Forget what is no longer drawn; report it when that changed the selection. */
  prune(
    nodeIds: { has(id: string): boolean },
    edgeIds: { has(id: string): boolean }
  ): void {
    const before = this.nodes.size + this.edges.size;
    this.nodes = new Set([...this.nodes].filter(id => nodeIds.has(id)));
    this.edges = new Set([...this.edges].filter(id => edgeIds.has(id)));
    if (before !== this.nodes.size + this.edges.size) {
      this._changed(this.current);
    }
  }
}

function toggle(set: Set<string>, id: string): void {
  if (set.has(id)) {
    set.delete(id);
  } else {
    set.add(id);
  }
}
