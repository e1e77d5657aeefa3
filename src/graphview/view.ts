/**
 * The graph canvas shared by ForgeLab's editors: a d3 SVG drawing of nodes with ports and
 * edges, with dagre auto-layout, pan and zoom, a minimap, selection, node dragging, wiring by
 * dragging from an output port to an input port, and keyboard shortcuts.
 *
 * The view owns no document: it draws what {@link GraphView.render} is given and reports every
 * edit to its {@link IGraphViewDelegate}, whose model changes and renders again.
 */
import * as d3 from 'd3';
import { ISignal, Signal } from '@lumino/signaling';
import { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';

import { IGraphEndpoint } from '../graph';
import {
  bounds,
  edgePath,
  fitTransform,
  intersects,
  layoutPositions,
  nodeHeight,
  portOffset
} from './geometry';
import {
  DEFAULT_METRICS,
  IGraphViewDelegate,
  IGraphViewMetrics,
  IPoint,
  IRect,
  IViewEdge,
  IViewGraph,
  IViewNode
} from './types';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Below this zoom, port labels and detail lines are not drawn. */
const FAR_SCALE = 0.3;

/** The minimap shows from this many nodes on. */
const MINIMAP_MIN_NODES = 12;

/** The selected nodes and edges. */
export interface IGraphSelection {
  /** Ids of the selected nodes. */
  nodes: ReadonlySet<string>;
  /** Ids of the selected edges. */
  edges: ReadonlySet<string>;
}

type NodeElement = SVGGElement & { __sig?: string };

/** A reusable graph canvas (a Lumino widget). */
export class GraphView extends Widget {
  /** Create a canvas that reports edits to `options.delegate`. */
  constructor(options: GraphView.IOptions) {
    super();
    this.addClass('jp-ForgeLab-GraphView');
    this.node.tabIndex = 0;
    this._delegate = options.delegate;
    this._m = { ...DEFAULT_METRICS, ...options.metrics };

    const svg = d3
      .select(this.node)
      .append('svg')
      .attr('class', 'jp-ForgeLab-GraphView-canvas');
    this._svg = svg;
    this._viewport = svg
      .append('g')
      .attr('class', 'jp-ForgeLab-GraphView-viewport');
    this._edgesLayer = this._viewport
      .append('g')
      .attr('class', 'jp-ForgeLab-GraphView-edges');
    this._nodesLayer = this._viewport
      .append('g')
      .attr('class', 'jp-ForgeLab-GraphView-nodes');
    this._wire = this._viewport
      .append('path')
      .attr('class', 'jp-ForgeLab-GraphView-wire')
      .style('display', 'none');
    this._band = this._viewport
      .append('rect')
      .attr('class', 'jp-ForgeLab-GraphView-band')
      .style('display', 'none');

    const minimap = d3
      .select(this.node)
      .append('svg')
      .attr('class', 'jp-ForgeLab-GraphView-minimap');
    this._minimap = minimap;
    this._minimapNodes = minimap.append('g');
    this._minimapView = minimap
      .append('rect')
      .attr('class', 'jp-ForgeLab-GraphView-minimapView');
    minimap.on('mousedown', (event: MouseEvent) => this._onMinimap(event));

    this._message = document.createElement('div');
    this._message.className = 'jp-ForgeLab-GraphView-message';
    this._message.setAttribute('role', 'alert');
    this.node.appendChild(this._message);

    this._empty = document.createElement('div');
    this._empty.className = 'jp-ForgeLab-GraphView-empty';
    this._empty.textContent = options.emptyMessage ?? '';
    this.node.appendChild(this._empty);

    // The canvas learns its size from a ResizeObserver, which reports after the browser's own
    // layout: reading clientWidth right after drawing hundreds of nodes would force a second,
    // synchronous layout of all of them (most of the time to first render of a large graph).
    if (typeof ResizeObserver !== 'undefined') {
      this._resizeObserver = new ResizeObserver(() => {
        this._knownSize = {
          width: this.node.clientWidth,
          height: this.node.clientHeight
        };
        this._renderMinimap();
        this._fitIfPending();
      });
      this._resizeObserver.observe(this.node);
    }

    this._zoom = d3
      .zoom<SVGSVGElement, unknown>()
      .scaleExtent([0.05, 3])
      // d3's default extent reads the SVG's width.baseVal, which forces a layout of every
      // node; the observed size is already known.
      .extent(() => {
        const { width, height } = this._size();
        return [
          [0, 0],
          [width, height]
        ];
      })
      .filter(
        (event: any) =>
          (!event.button || event.type === 'wheel') && !event.shiftKey
      )
      .on('zoom', (event: d3.D3ZoomEvent<SVGSVGElement, unknown>) => {
        this._transform = event.transform;
        this._viewport.attr('transform', event.transform.toString());
        // Far out, labels are unreadable anyway: not painting them keeps panning smooth.
        this.node.classList.toggle('jp-mod-far', event.transform.k < FAR_SCALE);
        this._updateMinimapView();
      });
    svg.call(this._zoom).on('dblclick.zoom', null);
    svg.on('click', (event: MouseEvent) => {
      if (event.target === svg.node()) {
        this.select([], []);
      }
    });
    svg.on('mousedown.band', (event: MouseEvent) => this._onBandStart(event));

    this._nodeDrag = d3
      .drag<SVGGElement, IViewNode>()
      .filter((event: any) => !event.button)
      .on('start', (event, d) => this._onNodeDragStart(event, d))
      .on('drag', event => this._onNodeDrag(event))
      .on('end', (event, d) => this._onNodeDragEnd(event, d));

    this._wireDrag = d3
      .drag<SVGGElement, { node: string; port: string }>()
      .filter((event: any) => !event.button)
      .on('start', (event, d) => this._onWireStart(event, d))
      .on('drag', event => this._onWireDrag(event))
      .on('end', event => this._onWireEnd(event));

    this.node.addEventListener('keydown', this);
    this.node.addEventListener('mousedown', this, true);
  }

  /** Emitted when the selection changes. */
  get selectionChanged(): ISignal<this, IGraphSelection> {
    return this._selectionChanged;
  }

  /** Emitted when one of a node's header buttons ({@link IViewNode.actions}) is clicked. */
  get nodeAction(): ISignal<this, { node: string; action: string }> {
    return this._nodeAction;
  }

  /** The current selection. */
  get selection(): IGraphSelection {
    return { nodes: this._selectedNodes, edges: this._selectedEdges };
  }

  /** The sizes the view draws with. */
  get metrics(): Readonly<IGraphViewMetrics> {
    return this._m;
  }

  /** The current top-left position of a node (saved, laid out, or being dragged). */
  positionOf(id: string): IPoint | undefined {
    return this._positions.get(id);
  }

  /**
   * Draw `graph`, touching only what changed: elements are joined by id, and a node's content
   * is rebuilt only when its drawn data changed.
   */
  render(graph: IViewGraph): void {
    if (this._held) {
      this._heldGraph = graph;
      return;
    }
    this._graph = graph;
    this._nodeIndex = new Map(graph.nodes.map(n => [n.id, n]));
    this._updatePositions(graph);
    this._pruneSelection();

    const m = this._m;
    const selected = this._selectedNodes;
    const nodes = this._nodesLayer
      .selectAll<NodeElement, IViewNode>('g.jp-ForgeLab-GraphView-node')
      .data(graph.nodes, d => d.id);
    nodes.exit().remove();
    const entered = nodes
      .enter()
      .append('g')
      .attr('data-id', d => d.id)
      .call(this._nodeDrag);
    const wireDrag = this._wireDrag;
    const onAction = (node: string, action: string) =>
      this._nodeAction.emit({ node, action });
    entered.merge(nodes).each(function (d) {
      const el = this as NodeElement;
      const sig = signature(d);
      if (el.__sig !== sig) {
        el.__sig = sig;
        drawNode(this, d, m, wireDrag, onAction);
      }
    });
    this._nodesLayer
      .selectAll<NodeElement, IViewNode>('g.jp-ForgeLab-GraphView-node')
      .attr('transform', d => translate(this._positions.get(d.id)!))
      .classed('jp-mod-selected', d => selected.has(d.id));

    this._renderEdges();
    this._renderMinimap();
    this._empty.style.display = graph.nodes.length ? 'none' : '';
    this._fitIfPending();
  }

  /**
   * Draw nothing until `ready` settles, then the latest graph given to `render`.
   *
   * A document shows a spinner until its content has loaded; removing it and focusing the
   * content each force a synchronous layout, which costs hundreds of milliseconds when a large
   * graph is already drawn beneath it. Held back, the graph is laid out once, in the next frame.
   */
  holdUntil(ready: Promise<unknown>): void {
    this._held = true;
    const release = () => {
      this._held = false;
      const graph = this._heldGraph;
      this._heldGraph = null;
      if (graph && !this.isDisposed) {
        this.render(graph);
      }
    };
    ready.then(release, release);
  }

  /** Zoom and pan so that the whole graph (or the selection) is visible. */
  fit(animate = true): void {
    const nodes = this._graph.nodes;
    if (!nodes.length) {
      return;
    }
    if (!this._hasSize()) {
      this._needsFit = true;
      return;
    }
    const chosen = this._selectedNodes.size
      ? nodes.filter(n => this._selectedNodes.has(n.id))
      : nodes;
    const box = bounds(chosen, this._positions, this._m);
    const size = this._size();
    const t = fitTransform(box, size);
    const target = d3.zoomIdentity.translate(t.x, t.y).scale(t.k);
    const svg = this._svg as d3.Selection<
      SVGSVGElement,
      unknown,
      null,
      undefined
    >;
    if (animate) {
      svg.transition().duration(250).call(this._zoom.transform, target);
    } else {
      svg.call(this._zoom.transform, target);
    }
  }

  /** Lay the whole graph out again with dagre and save every position through the delegate. */
  arrange(): void {
    const positions = layoutPositions(
      this._graph.nodes,
      this._graph.edges,
      this._m,
      true
    );
    this._delegate.moveNodes(positions);
    this.fit();
  }

  /** Select exactly these nodes and edges. */
  select(nodes: Iterable<string>, edges: Iterable<string> = []): void {
    this._selectedNodes = new Set(nodes);
    this._selectedEdges = new Set(edges);
    this._applySelection();
  }

  /** A point of the window (a drop, a click) in graph coordinates. */
  clientToGraph(clientX: number, clientY: number): IPoint {
    const rect = this.node.getBoundingClientRect();
    const [x, y] = this._transform.invert([
      clientX - rect.left,
      clientY - rect.top
    ]);
    return { x, y };
  }

  /** The centre of the visible part of the graph, where a clicked palette item lands. */
  visibleCenter(): IPoint {
    const size = this._size();
    const [x, y] = this._transform.invert([size.width / 2, size.height / 2]);
    return { x: x - this._m.nodeWidth / 2, y: y - 30 };
  }

  /** Show a message over the canvas (a refused connection) for a few seconds. */
  showMessage(text: string, kind: 'error' | 'info' = 'error', ms = 5000): void {
    this._message.textContent = text;
    this._message.className = `jp-ForgeLab-GraphView-message jp-mod-${kind} jp-mod-visible`;
    window.clearTimeout(this._messageTimer);
    if (ms > 0) {
      this._messageTimer = window.setTimeout(() => this.hideMessage(), ms);
    }
  }

  /** Hide the message. */
  hideMessage(): void {
    this._message.classList.remove('jp-mod-visible');
  }

  /** Copy the selected nodes to the clipboard. */
  copySelection(): void {
    if (!this._selectedNodes.size) {
      return;
    }
    GraphView.clipboard = this._delegate.copy([...this._selectedNodes]);
    navigator.clipboard?.writeText(GraphView.clipboard).catch(() => undefined);
  }

  /** Paste the clipboard and select what was pasted. */
  paste(): void {
    if (GraphView.clipboard) {
      const ids = this._delegate.paste(GraphView.clipboard);
      this.select(ids);
    }
  }

  /** Delete the selected nodes and edges. */
  deleteSelection(): void {
    if (this._selectedNodes.size || this._selectedEdges.size) {
      const nodes = [...this._selectedNodes];
      const edges = [...this._selectedEdges];
      this.select([]);
      this._delegate.remove(nodes, edges);
    }
  }

  /** Handle DOM events of the widget's node (keyboard and focus). */
  handleEvent(event: Event): void {
    if (event.type === 'keydown') {
      this._onKeyDown(event as KeyboardEvent);
    } else if (event.type === 'mousedown') {
      const target = event.target as HTMLElement;
      if (!target.closest('input, textarea, select, button')) {
        this.node.focus({ preventScroll: true });
      }
    }
  }

  /** Stop listening and release timers. */
  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    window.clearTimeout(this._messageTimer);
    this.node.removeEventListener('keydown', this);
    this.node.removeEventListener('mousedown', this, true);
    this._resizeObserver?.disconnect();
    this._svg.interrupt();
    Signal.clearData(this);
    super.dispose();
  }

  /** Fit the first time the canvas gets a size. */
  protected onResize(msg: Widget.ResizeMessage): void {
    super.onResize(msg);
    this._renderMinimap();
    this._fitIfPending();
  }

  /** Fit when shown for the first time with a graph. */
  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this._fitIfPending();
  }

  /** Fit now if a fit waits for the canvas to have a size and a graph. */
  private _fitIfPending(): void {
    if (this._needsFit && this._graph.nodes.length && this._hasSize()) {
      this._needsFit = false;
      this.fit(false);
    }
  }

  private _onKeyDown(event: KeyboardEvent): void {
    const target = event.target as HTMLElement;
    if (
      target !== this.node &&
      target.closest('input, textarea, select, [contenteditable]')
    ) {
      return;
    }
    const mod = event.ctrlKey || event.metaKey;
    const key = event.key.toLowerCase();
    let handled = true;
    if (key === 'delete' || key === 'backspace') {
      this.deleteSelection();
    } else if (mod && key === 'c') {
      this.copySelection();
    } else if (mod && key === 'x') {
      this.copySelection();
      this.deleteSelection();
    } else if (mod && key === 'v') {
      this.paste();
    } else if (mod && key === 'z' && event.shiftKey) {
      this._delegate.redo();
    } else if (mod && (key === 'z' || key === 'y')) {
      if (key === 'y') {
        this._delegate.redo();
      } else {
        this._delegate.undo();
      }
    } else if (mod && key === 'a') {
      this.select(
        this._graph.nodes.map(n => n.id),
        this._graph.edges.map(e => e.id)
      );
    } else if (!mod && !event.altKey && key === 'f') {
      this.fit();
    } else if (key === 'escape') {
      this.select([]);
      this.hideMessage();
    } else {
      handled = false;
    }
    if (handled) {
      event.preventDefault();
      event.stopPropagation();
    }
  }

  private _updatePositions(graph: IViewGraph): void {
    const positions = new Map<string, IPoint>();
    let missing = false;
    for (const node of graph.nodes) {
      const p =
        this._dragging?.get(node.id) ??
        node.position ??
        this._auto.get(node.id);
      if (p) {
        positions.set(node.id, p);
      } else {
        missing = true;
      }
    }
    if (missing) {
      const known = graph.nodes.map(n =>
        positions.has(n.id) ? { ...n, position: positions.get(n.id) } : n
      );
      const laid = layoutPositions(known, graph.edges, this._m);
      for (const node of graph.nodes) {
        if (!positions.has(node.id)) {
          this._auto.set(node.id, laid.get(node.id)!);
          positions.set(node.id, laid.get(node.id)!);
        }
      }
      if (!this._rendered) {
        this._needsFit = true;
      }
    }
    if (!this._rendered && graph.nodes.length) {
      this._rendered = true;
      this._needsFit = true;
    }
    for (const id of this._auto.keys()) {
      if (!this._nodeIndex.has(id)) {
        this._auto.delete(id);
      }
    }
    this._positions = positions;
  }

  private _anchor(end: IGraphEndpoint, direction: 'in' | 'out'): IPoint | null {
    const node = this._nodeIndex.get(end.node);
    const p = this._positions.get(end.node);
    const offset = node && portOffset(node, direction, end.port, this._m);
    return p && offset ? { x: p.x + offset.x, y: p.y + offset.y } : null;
  }

  private _edgeD = (d: IViewEdge): string => {
    const from = this._anchor(d.source, 'out');
    const to = this._anchor(d.target, 'in');
    return from && to ? edgePath(from, to) : '';
  };

  private _renderEdges(): void {
    const edges = this._edgesLayer
      .selectAll<SVGGElement, IViewEdge>('g.jp-ForgeLab-GraphView-edge')
      .data(this._graph.edges, d => d.id);
    edges.exit().remove();
    const entered = edges
      .enter()
      .append('g')
      .attr('data-id', d => d.id);
    entered.append('path').attr('class', 'jp-ForgeLab-GraphView-edgeHit');
    entered.append('path').attr('class', 'jp-ForgeLab-GraphView-edgeLine');
    entered.on('click', (event: MouseEvent, d) => {
      event.stopPropagation();
      if (event.shiftKey) {
        toggle(this._selectedEdges, d.id);
        this._applySelection();
      } else {
        this.select([], [d.id]);
      }
    });
    const merged = entered.merge(edges);
    merged
      .attr('class', d => `jp-ForgeLab-GraphView-edge ${d.className ?? ''}`)
      .classed('jp-mod-selected', d => this._selectedEdges.has(d.id));
    merged.selectAll<SVGPathElement, IViewEdge>('path').attr('d', this._edgeD);
    merged.each((d, i, groups) => {
      const g = groups[i];
      let text = g.querySelector<SVGTextElement>(
        'text.jp-ForgeLab-GraphView-edgeLabel'
      );
      if (!d.label) {
        text?.remove();
        return;
      }
      if (!text) {
        text = document.createElementNS(SVG_NS, 'text');
        text.setAttribute('class', 'jp-ForgeLab-GraphView-edgeLabel');
        text.setAttribute('text-anchor', 'middle');
        g.appendChild(text);
      }
      text.textContent = d.label;
    });
    this._placeEdgeLabels(merged);
  }

  /** Put edge labels at the middle of their edges, a little above the line. */
  private _placeEdgeLabels(
    edges: d3.Selection<SVGGElement, IViewEdge, any, unknown>
  ): void {
    edges
      .select<SVGTextElement>('text.jp-ForgeLab-GraphView-edgeLabel')
      .each((d, i, groups) => {
        const from = this._anchor(d.source, 'out');
        const to = this._anchor(d.target, 'in');
        if (from && to) {
          groups[i].setAttribute('x', String((from.x + to.x) / 2));
          groups[i].setAttribute('y', String((from.y + to.y) / 2 - 4));
        }
      });
  }

  private _applySelection(): void {
    this._nodesLayer
      .selectAll<SVGGElement, IViewNode>('g.jp-ForgeLab-GraphView-node')
      .classed('jp-mod-selected', d => this._selectedNodes.has(d.id));
    this._edgesLayer
      .selectAll<SVGGElement, IViewEdge>('g.jp-ForgeLab-GraphView-edge')
      .classed('jp-mod-selected', d => this._selectedEdges.has(d.id));
    this._selectionChanged.emit(this.selection);
  }

  private _pruneSelection(): void {
    const edgeIds = new Set(this._graph.edges.map(e => e.id));
    const before = this._selectedNodes.size + this._selectedEdges.size;
    this._selectedNodes = new Set(
      [...this._selectedNodes].filter(id => this._nodeIndex.has(id))
    );
    this._selectedEdges = new Set(
      [...this._selectedEdges].filter(id => edgeIds.has(id))
    );
    if (before !== this._selectedNodes.size + this._selectedEdges.size) {
      this._selectionChanged.emit(this.selection);
    }
  }

  private _onNodeDragStart(
    event: d3.D3DragEvent<SVGGElement, IViewNode, unknown>,
    d: IViewNode
  ): void {
    const source = event.sourceEvent as MouseEvent;
    this._dragMoved = false;
    if (source.shiftKey) {
      toggle(this._selectedNodes, d.id);
      this._applySelection();
    } else if (!this._selectedNodes.has(d.id)) {
      this.select([d.id]);
    }
    this._dragStart = this._pointer(source);
    this._dragOrigin = new Map(
      [...this._selectedNodes]
        .filter(id => this._positions.has(id))
        .map(id => [id, this._positions.get(id)!])
    );
  }

  private _onNodeDrag(
    event: d3.D3DragEvent<SVGGElement, IViewNode, unknown>
  ): void {
    if (!this._dragStart || !this._dragOrigin) {
      return;
    }
    const p = this._pointer(event.sourceEvent as MouseEvent);
    const dx = p.x - this._dragStart.x;
    const dy = p.y - this._dragStart.y;
    if (!this._dragMoved && Math.hypot(dx, dy) < 3) {
      return;
    }
    this._dragMoved = true;
    this._dragging = new Map();
    for (const [id, origin] of this._dragOrigin) {
      const moved = { x: origin.x + dx, y: origin.y + dy };
      this._dragging.set(id, moved);
      this._positions.set(id, moved);
    }
    const moving = this._dragging;
    this._nodesLayer
      .selectAll<SVGGElement, IViewNode>('g.jp-ForgeLab-GraphView-node')
      .filter(n => moving.has(n.id))
      .attr('transform', n => translate(moving.get(n.id)!));
    this._edgesLayer
      .selectAll<SVGGElement, IViewEdge>('g.jp-ForgeLab-GraphView-edge')
      .filter(e => moving.has(e.source.node) || moving.has(e.target.node))
      .call(moved => this._placeEdgeLabels(moved))
      .selectAll<SVGPathElement, IViewEdge>('path')
      .attr('d', this._edgeD);
  }

  private _onNodeDragEnd(
    event: d3.D3DragEvent<SVGGElement, IViewNode, unknown>,
    d: IViewNode
  ): void {
    const moved = this._dragging;
    this._dragging = null;
    this._dragStart = null;
    this._dragOrigin = null;
    if (moved && this._dragMoved) {
      this._delegate.moveNodes(moved);
    } else if (!(event.sourceEvent as MouseEvent).shiftKey) {
      this.select([d.id]);
    }
  }

  private _onWireStart(
    event: d3.D3DragEvent<SVGGElement, unknown, unknown>,
    d: { node: string; port: string }
  ): void {
    this._wireSource = { node: d.node, port: d.port };
    const from = this._anchor(this._wireSource, 'out');
    if (!from) {
      this._wireSource = null;
      return;
    }
    this._wireFrom = from;
    this.node.classList.add('jp-mod-wiring');
    this._wire
      .style('display', null)
      .attr(
        'd',
        edgePath(from, this._pointer(event.sourceEvent as MouseEvent))
      );
  }

  private _onWireDrag(
    event: d3.D3DragEvent<SVGGElement, unknown, unknown>
  ): void {
    if (!this._wireSource || !this._wireFrom) {
      return;
    }
    const source = event.sourceEvent as MouseEvent;
    const target = this._portAt(source.clientX, source.clientY);
    this._nodesLayer
      .selectAll('.jp-ForgeLab-GraphView-port.jp-mod-target')
      .classed('jp-mod-target jp-mod-refused', false);
    let to = this._pointer(source);
    this._wire.classed('jp-mod-refused', false);
    if (target) {
      const reason = this._delegate.checkConnection(
        this._wireSource,
        target.end
      );
      d3.select(target.element)
        .classed('jp-mod-target', true)
        .classed('jp-mod-refused', !!reason);
      this._wire.classed('jp-mod-refused', !!reason);
      to = this._anchor(target.end, 'in') ?? to;
      if (reason) {
        this.showMessage(reason, 'error', 0);
      } else {
        this.hideMessage();
      }
    } else {
      this.hideMessage();
    }
    this._wire.attr('d', edgePath(this._wireFrom, to));
  }

  private _onWireEnd(
    event: d3.D3DragEvent<SVGGElement, unknown, unknown>
  ): void {
    const sourceEnd = this._wireSource;
    this._wireSource = null;
    this._wireFrom = null;
    this.node.classList.remove('jp-mod-wiring');
    this._wire.style('display', 'none').classed('jp-mod-refused', false);
    this._nodesLayer
      .selectAll('.jp-ForgeLab-GraphView-port.jp-mod-target')
      .classed('jp-mod-target jp-mod-refused', false);
    if (!sourceEnd) {
      return;
    }
    const source = event.sourceEvent as MouseEvent;
    const target = this._portAt(source.clientX, source.clientY);
    if (!target) {
      this.hideMessage();
      return;
    }
    const result = this._delegate.connect(sourceEnd, target.end);
    if (result.ok) {
      this.hideMessage();
    } else {
      this.showMessage(result.reason, 'error');
    }
  }

  private _portAt(
    clientX: number,
    clientY: number
  ): { element: Element; end: IGraphEndpoint } | null {
    const hit = document.elementFromPoint(clientX, clientY);
    const element = hit?.closest('.jp-ForgeLab-GraphView-port.jp-mod-in');
    if (!element || !this.node.contains(element)) {
      return null;
    }
    return {
      element,
      end: {
        node: element.getAttribute('data-node')!,
        port: element.getAttribute('data-port')!
      }
    };
  }

  private _onBandStart(event: MouseEvent): void {
    if (
      !event.shiftKey ||
      event.button !== 0 ||
      event.target !== this._svg.node()
    ) {
      return;
    }
    event.preventDefault();
    const start = this._pointer(event);
    const before = new Set(this._selectedNodes);
    const move = (e: MouseEvent) => {
      const p = this._pointer(e);
      const box: IRect = {
        x: Math.min(start.x, p.x),
        y: Math.min(start.y, p.y),
        width: Math.abs(p.x - start.x),
        height: Math.abs(p.y - start.y)
      };
      this._band
        .style('display', null)
        .attr('x', box.x)
        .attr('y', box.y)
        .attr('width', box.width)
        .attr('height', box.height);
      const inside = this._graph.nodes
        .filter(n => {
          const q = this._positions.get(n.id)!;
          return intersects(box, {
            x: q.x,
            y: q.y,
            width: this._m.nodeWidth,
            height: nodeHeight(n, this._m)
          });
        })
        .map(n => n.id);
      this._selectedNodes = new Set([...before, ...inside]);
      this._applySelection();
    };
    const up = () => {
      this._band.style('display', 'none');
      window.removeEventListener('mousemove', move);
      window.removeEventListener('mouseup', up);
    };
    window.addEventListener('mousemove', move);
    window.addEventListener('mouseup', up);
  }

  private _renderMinimap(): void {
    const nodes = this._graph.nodes;
    this._minimap.classed('jp-mod-hidden', nodes.length < MINIMAP_MIN_NODES);
    if (!nodes.length) {
      return;
    }
    const box = bounds(nodes, this._positions, this._m);
    const pad = 40;
    this._minimapBox = {
      x: box.x - pad,
      y: box.y - pad,
      width: box.width + 2 * pad,
      height: box.height + 2 * pad
    };
    const b = this._minimapBox;
    this._minimap
      .attr('viewBox', `${b.x} ${b.y} ${b.width} ${b.height}`)
      .attr('preserveAspectRatio', 'xMidYMid meet');
    const rects = this._minimapNodes
      .selectAll<SVGRectElement, IViewNode>('rect')
      .data(nodes, d => d.id);
    rects.exit().remove();
    rects
      .enter()
      .append('rect')
      .merge(rects)
      .attr(
        'class',
        d => `jp-ForgeLab-GraphView-minimapNode ${d.className ?? ''}`
      )
      .attr('x', d => this._positions.get(d.id)!.x)
      .attr('y', d => this._positions.get(d.id)!.y)
      .attr('width', this._m.nodeWidth)
      .attr('height', d => nodeHeight(d, this._m));
    this._updateMinimapView();
  }

  private _updateMinimapView(): void {
    const size = this._size();
    const [x0, y0] = this._transform.invert([0, 0]);
    const [x1, y1] = this._transform.invert([size.width, size.height]);
    this._minimapView
      .attr('x', x0)
      .attr('y', y0)
      .attr('width', Math.max(0, x1 - x0))
      .attr('height', Math.max(0, y1 - y0));
  }

  private _onMinimap(event: MouseEvent): void {
    event.preventDefault();
    event.stopPropagation();
    const svg = this._minimap.node()!;
    const centre = (e: MouseEvent) => {
      const ctm = svg.getScreenCTM();
      if (!ctm) {
        return;
      }
      const p = new DOMPoint(e.clientX, e.clientY).matrixTransform(
        ctm.inverse()
      );
      const size = this._size();
      const k = this._transform.k;
      const t = d3.zoomIdentity
        .translate(size.width / 2 - k * p.x, size.height / 2 - k * p.y)
        .scale(k);
      (this._svg as d3.Selection<SVGSVGElement, unknown, null, undefined>).call(
        this._zoom.transform,
        t
      );
    };
    centre(event);
    const up = () => {
      window.removeEventListener('mousemove', centre);
      window.removeEventListener('mouseup', up);
    };
    window.addEventListener('mousemove', centre);
    window.addEventListener('mouseup', up);
  }

  private _pointer(event: MouseEvent): IPoint {
    const [x, y] = d3.pointer(event, this._viewport.node());
    return { x, y };
  }

  /** The canvas's size as last observed (or measured, where ResizeObserver is missing). */
  private _size(): { width: number; height: number } {
    if (this._resizeObserver) {
      return this._knownSize;
    }
    return { width: this.node.clientWidth, height: this.node.clientHeight };
  }

  private _hasSize(): boolean {
    const { width, height } = this._size();
    return width > 0 && height > 0;
  }

  private _held = false;
  private _heldGraph: IViewGraph | null = null;
  private _resizeObserver: ResizeObserver | null = null;
  private _knownSize = { width: 0, height: 0 };

  private _delegate: IGraphViewDelegate;
  private _m: IGraphViewMetrics;
  private _svg: d3.Selection<SVGSVGElement, unknown, null, undefined>;
  private _viewport: d3.Selection<SVGGElement, unknown, null, undefined>;
  private _edgesLayer: d3.Selection<SVGGElement, unknown, null, undefined>;
  private _nodesLayer: d3.Selection<SVGGElement, unknown, null, undefined>;
  private _wire: d3.Selection<SVGPathElement, unknown, null, undefined>;
  private _band: d3.Selection<SVGRectElement, unknown, null, undefined>;
  private _minimap: d3.Selection<SVGSVGElement, unknown, null, undefined>;
  private _minimapNodes: d3.Selection<SVGGElement, unknown, null, undefined>;
  private _minimapView: d3.Selection<SVGRectElement, unknown, null, undefined>;
  private _minimapBox: IRect = { x: 0, y: 0, width: 1, height: 1 };
  private _message: HTMLDivElement;
  private _messageTimer = 0;
  private _empty: HTMLDivElement;
  private _zoom: d3.ZoomBehavior<SVGSVGElement, unknown>;
  private _nodeDrag: d3.DragBehavior<SVGGElement, IViewNode, unknown>;
  private _wireDrag: d3.DragBehavior<
    SVGGElement,
    { node: string; port: string },
    unknown
  >;
  private _transform: d3.ZoomTransform = d3.zoomIdentity;
  private _graph: IViewGraph = { nodes: [], edges: [] };
  private _nodeIndex = new Map<string, IViewNode>();
  private _positions = new Map<string, IPoint>();
  private _auto = new Map<string, IPoint>();
  private _dragging: Map<string, IPoint> | null = null;
  private _dragStart: IPoint | null = null;
  private _dragOrigin: Map<string, IPoint> | null = null;
  private _dragMoved = false;
  private _wireSource: IGraphEndpoint | null = null;
  private _wireFrom: IPoint | null = null;
  private _selectedNodes = new Set<string>();
  private _selectedEdges = new Set<string>();
  private _rendered = false;
  private _needsFit = false;
  private _selectionChanged = new Signal<this, IGraphSelection>(this);
  private _nodeAction = new Signal<this, { node: string; action: string }>(
    this
  );
}

/** The {@link GraphView} namespace. */
export namespace GraphView {
  /** Options of a graph view. */
  export interface IOptions {
    /** Receives every edit the user makes. */
    delegate: IGraphViewDelegate;
    /** Sizes to draw with (defaults: {@link DEFAULT_METRICS}). */
    metrics?: Partial<IGraphViewMetrics>;
    /** Shown when the graph is empty (how to start). */
    emptyMessage?: string;
  }

  /** The last copied nodes, shared by every view so that one can paste into another. */
  // eslint-disable-next-line prefer-const -- reassigned by the views through the namespace
  export let clipboard = '';
}

/** Everything that changes a node's drawing except its position. */
export function signature(d: IViewNode): string {
  return JSON.stringify([
    d.title,
    d.subtitle,
    d.inputs,
    d.outputs,
    d.details,
    d.className,
    d.issues,
    d.notes,
    d.actions
  ]);
}

function translate(p: IPoint): string {
  return `translate(${p.x},${p.y})`;
}

function toggle(set: Set<string>, id: string): void {
  if (set.has(id)) {
    set.delete(id);
  } else {
    set.add(id);
  }
}

function svg<K extends keyof SVGElementTagNameMap>(
  parent: Element,
  tag: K,
  attrs: Record<string, string | number>,
  text?: string
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) {
    el.setAttribute(k, String(v));
  }
  if (text !== undefined) {
    el.textContent = text;
  }
  parent.appendChild(el);
  return el;
}

function clip(text: string, max: number): string {
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}

/** Draw a node's content (plain DOM: hundreds of nodes redraw faster than through joins). */
function drawNode(
  el: SVGGElement,
  d: IViewNode,
  m: IGraphViewMetrics,
  wireDrag: d3.DragBehavior<
    SVGGElement,
    { node: string; port: string },
    unknown
  >,
  onAction?: (node: string, action: string) => void
): void {
  el.textContent = '';
  const issues = d.issues ?? [];
  el.setAttribute(
    'class',
    `jp-ForgeLab-GraphView-node ${d.className ?? ''}${issues.length ? ' jp-mod-issue' : ''}`
  );
  const height = nodeHeight(d, m);
  svg(
    el,
    'title',
    {},
    [d.title, ...issues.map(i => `⚠ ${i}`), ...(d.notes ?? [])].join('\n')
  );
  svg(el, 'rect', {
    class: 'jp-ForgeLab-GraphView-body',
    width: m.nodeWidth,
    height,
    rx: 6
  });
  svg(
    el,
    'text',
    { class: 'jp-ForgeLab-GraphView-title', x: 10, y: 16 },
    clip(d.title, 24)
  );
  if (d.subtitle) {
    svg(
      el,
      'text',
      { class: 'jp-ForgeLab-GraphView-subtitle', x: 10, y: 30 },
      clip(d.subtitle, 28)
    );
  }
  if (issues.length) {
    const badge = svg(el, 'g', {
      class: 'jp-ForgeLab-GraphView-badge',
      transform: `translate(${m.nodeWidth - 14},14)`
    });
    svg(badge, 'circle', { r: 8 });
    svg(
      badge,
      'text',
      { 'text-anchor': 'middle', y: 4 },
      String(issues.length)
    );
  }
  (d.actions ?? []).forEach((action, i) => {
    const button = svg(el, 'g', {
      class: 'jp-ForgeLab-GraphView-action',
      'data-action': action.id,
      role: 'button',
      transform: `translate(${m.nodeWidth - (issues.length ? 36 : 14) - i * 20},14)`
    });
    svg(button, 'title', {}, action.label);
    svg(button, 'rect', { x: -8, y: -8, width: 16, height: 16, rx: 3 });
    svg(button, 'text', { 'text-anchor': 'middle', y: 4 }, action.glyph);
    // Not the start of a node drag: the button only clicks.
    button.addEventListener('mousedown', event => event.stopPropagation());
    button.addEventListener('click', event => {
      event.stopPropagation();
      onAction?.(d.id, action.id);
    });
  });
  const portGroup = (
    direction: 'in' | 'out',
    name: string,
    type: string | undefined,
    i: number
  ) => {
    const y = m.headerHeight + i * m.portRow + m.portRow / 2;
    const g = svg(el, 'g', {
      class: `jp-ForgeLab-GraphView-port jp-mod-${direction}`,
      'data-node': d.id,
      'data-port': name,
      transform: `translate(${direction === 'in' ? 0 : m.nodeWidth},${y})`
    });
    svg(g, 'title', {}, `${name}${type && type !== 'any' ? `: ${type}` : ''}`);
    svg(g, 'circle', { r: 5 });
    svg(
      g,
      'text',
      {
        x: direction === 'in' ? 9 : -9,
        y: 4,
        'text-anchor': direction === 'in' ? 'start' : 'end'
      },
      clip(name, 14)
    );
    return g;
  };
  d.inputs.forEach((p, i) => portGroup('in', p.name, p.type, i));
  d.outputs.forEach((p, i) => {
    const g = portGroup('out', p.name, p.type, i);
    d3.select<SVGGElement, { node: string; port: string }>(g)
      .datum({ node: d.id, port: p.name })
      .call(wireDrag);
  });
  const rows = Math.max(d.inputs.length, d.outputs.length, 1);
  (d.details ?? []).forEach((line, i) =>
    svg(
      el,
      'text',
      {
        class: 'jp-ForgeLab-GraphView-detail',
        x: 10,
        y: m.headerHeight + rows * m.portRow + i * m.detailRow + 10
      },
      clip(line, 30)
    )
  );
}
