/**
 * Dragging nodes: the selection moves together; edges follow while dragging, and the new
 * positions are saved once, when the drag ends.
 */
import * as d3 from 'd3';

import { FAR_NODE_CLASS } from './far';
import { placeEdgeLabels, translate } from './render';
import { SelectionState } from './selection';
import { CanvasState } from './state';
import { IPoint, IViewEdge, IViewNode } from './types';

/** The node-dragging part of a canvas. */
export class NodeDrag {
  /** Drag the nodes of `nodesLayer` (and their edges in `edgesLayer`); save with `moved`. */
  constructor(
    private readonly _state: CanvasState,
    private readonly _selection: SelectionState,
    private readonly _nodesLayer: SVGGElement,
    private readonly _edgesLayer: SVGGElement,
    private readonly _moved: (positions: ReadonlyMap<string, IPoint>) => void
  ) {
    this.behavior = d3
      .drag<SVGGElement, IViewNode>()
      .filter((event: any) => !event.button)
      .on('start', (event, d) => this._onStart(event, d))
      .on('drag', event => this._onDrag(event))
      .on('end', (event, d) => this._onEnd(event, d));
  }

  /** The d3 behaviour each node element is called with. */
  readonly behavior: d3.DragBehavior<SVGGElement, IViewNode, unknown>;

  /** Where the dragged nodes are now, while a drag is under way. */
  get dragging(): ReadonlyMap<string, IPoint> | null {
    return this._dragging;
  }

  private _onStart(
    event: d3.D3DragEvent<SVGGElement, IViewNode, unknown>,
    d: IViewNode
  ): void {
    const source = event.sourceEvent as MouseEvent;
    const selection = this._selection;
    this._dragMoved = false;
    if (source.shiftKey) {
      selection.toggleNode(d.id);
    } else if (!selection.nodes.has(d.id)) {
      selection.select([d.id]);
    }
    const positions = this._state.positions;
    this._dragStart = this._state.pointer(source);
    this._dragOrigin = new Map(
      [...selection.nodes]
        .filter(id => positions.has(id))
        .map(id => [id, positions.get(id)!])
    );
  }

  private _onDrag(
    event: d3.D3DragEvent<SVGGElement, IViewNode, unknown>
  ): void {
    if (!this._dragStart || !this._dragOrigin) {
      return;
    }
    const p = this._state.pointer(event.sourceEvent as MouseEvent);
    const dx = p.x - this._dragStart.x;
    const dy = p.y - this._dragStart.y;
    if (!this._dragMoved && Math.hypot(dx, dy) < 3) {
      return;
    }
    this._dragMoved = true;
    const moving = new Map<string, IPoint>();
    this._dragging = moving;
    for (const [id, origin] of this._dragOrigin) {
      const moved = { x: origin.x + dx, y: origin.y + dy };
      moving.set(id, moved);
      this._state.positions.set(id, moved);
    }
    d3.select(this._nodesLayer)
      .selectAll<SVGGElement, IViewNode>('g.jp-ForgeLab-GraphView-node')
      .filter(n => moving.has(n.id))
      .attr('transform', n => translate(moving.get(n.id)!));
    // In the far view a node is one box; its edges follow when the drag ends.
    d3.select(this._nodesLayer)
      .selectAll<SVGRectElement, IViewNode>(`rect.${FAR_NODE_CLASS}`)
      .filter(n => moving.has(n.id))
      .attr('x', n => moving.get(n.id)!.x)
      .attr('y', n => moving.get(n.id)!.y);
    d3.select(this._edgesLayer)
      .selectAll<SVGGElement, IViewEdge>('g.jp-ForgeLab-GraphView-edge')
      .filter(e => moving.has(e.source.node) || moving.has(e.target.node))
      .call(moved => placeEdgeLabels(moved, this._state))
      .selectAll<SVGPathElement, IViewEdge>('path')
      .attr('d', this._state.edgePath);
  }

  private _onEnd(
    event: d3.D3DragEvent<SVGGElement, IViewNode, unknown>,
    d: IViewNode
  ): void {
    const moved = this._dragging;
    this._dragging = null;
    this._dragStart = null;
    this._dragOrigin = null;
    if (moved && this._dragMoved) {
      this._moved(moved);
    } else if (!(event.sourceEvent as MouseEvent).shiftKey) {
      this._selection.select([d.id]);
    }
  }

  private _dragging: Map<string, IPoint> | null = null;
  private _dragStart: IPoint | null = null;
  private _dragOrigin: Map<string, IPoint> | null = null;
  private _dragMoved = false;
}
