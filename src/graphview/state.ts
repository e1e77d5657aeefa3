/**
 * What the parts of a {@link GraphView} share: the graph drawn, where its nodes are, and how
 * pointer positions and port anchors map to graph coordinates.
 */
import * as d3 from 'd3';

import { IGraphEndpoint } from '../graph';
import { edgePath, portOffset } from './geometry';
import {
  IGraphViewMetrics,
  IPoint,
  IViewEdge,
  IViewGraph,
  IViewNode
} from './types';

/** The drawn graph and its node positions, as every part of the canvas sees them. */
export class CanvasState {
  /** Create the state of a canvas that draws into `viewport` with `metrics`. */
  constructor(
    readonly metrics: IGraphViewMetrics,
    private readonly _viewport: SVGGElement
  ) {}

  /** The graph last rendered. */
  graph: IViewGraph = { nodes: [], edges: [] };
  /** Its nodes by id. */
  nodeIndex = new Map<string, IViewNode>();
  /** The top-left corner of every node (saved, laid out, or being dragged). */
  positions = new Map<string, IPoint>();

  /** Where a mouse event happened, in graph coordinates. */
  pointer(event: MouseEvent): IPoint {
    const [x, y] = d3.pointer(event, this._viewport);
    return { x, y };
  }

  /** Where an edge meets the port `end` of a node, or `null` when it is not drawn. */
  anchor(end: IGraphEndpoint, direction: 'in' | 'out'): IPoint | null {
    const node = this.nodeIndex.get(end.node);
    const p = this.positions.get(end.node);
    const offset = node && portOffset(node, direction, end.port, this.metrics);
    return p && offset ? { x: p.x + offset.x, y: p.y + offset.y } : null;
  }

  /** The SVG path of an edge between its ports' anchors (empty while one is missing). */
  readonly edgePath = (d: IViewEdge): string => {
    const from = this.anchor(d.source, 'out');
    const to = this.anchor(d.target, 'in');
    return from && to ? edgePath(from, to, this.metrics.flow) : '';
  };
}
