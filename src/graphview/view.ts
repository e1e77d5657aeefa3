/**
 * The graph canvas shared by ForgeLab's editors: a d3 SVG drawing of nodes with ports and
 * edges, with dagre auto-layout, pan and zoom, a minimap, selection, node dragging, wiring by
 * dragging from an output port to an input port, and keyboard shortcuts.
 *
 * The view owns no document: it draws what {@link GraphView.render} is given and reports every
 * edit to its {@link IGraphViewDelegate}, whose model changes and renders again. It composes its
 * parts: drawing (`render.ts`), selection, node dragging (`drag.ts`), wiring, band selection,
 * the minimap and the keyboard shortcuts (`keys.ts`), which share a {@link CanvasState}.
 *
 * A graph of {@link CULL_MIN_NODES} nodes or more is culled: only the nodes and edges near the
 * visible area have elements, updated at most once per animation frame while panning and
 * zooming, and zoomed out until titles are unreadable it is drawn in its far view (`far.ts`).
 * Everything that acts on nodes works from the graph and its positions, not from elements.
 */
import * as d3 from 'd3';
import { ISignal, Signal } from '@lumino/signaling';
import { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';

import { BandSelection } from './band';
import { NodeDrag } from './drag';
import { renderFar } from './far';
import {
  anyOverlap,
  bounds,
  contains,
  CULL_MARGIN,
  CULL_MIN_NODES,
  edgesIn,
  fitTransform,
  IViewTransform,
  isFarView,
  LayoutDirection,
  layoutPositions,
  minReadableScale,
  nodesIn,
  viewRect
} from './geometry';
import { handleKey, IKeyActions } from './keys';
import { Minimap } from './minimap';
import { renderEdges, renderNodes } from './render';
import { IGraphSelection, SelectionState } from './selection';
import { CanvasState } from './state';
import {
  DEFAULT_METRICS,
  IGraphViewDelegate,
  IGraphViewMetrics,
  IPoint,
  IViewEdge,
  IViewGraph,
  IViewNode
} from './types';
import { Wiring } from './wiring';

/** Below this zoom, port labels and detail lines are not drawn. */
const FAR_SCALE = 0.3;

/** The title font size of `style/pipeline.css`, used until a title is drawn. */
const TITLE_FONT_PX = 12;

/** A reusable graph canvas (a Lumino widget). */
export class GraphView extends Widget {
  /** Create a canvas that reports edits to `options.delegate`. */
  constructor(options: GraphView.IOptions) {
    super();
    this.addClass('jp-ForgeLab-GraphView');
    this.node.tabIndex = 0;
    this.delegate = options.delegate;
    this._direction = options.layout ?? 'LR';
    this._relayoutOverlaps = options.relayoutOverlaps ?? false;
    this._refitOnWiden = options.refitOnWiden ?? false;
    const m = { ...DEFAULT_METRICS, flow: this._direction, ...options.metrics };

    const svg = d3
      .select(this.node)
      .append('svg')
      .attr('class', 'jp-ForgeLab-GraphView-canvas');
    this._svg = svg;
    const viewport = svg
      .append('g')
      .attr('class', 'jp-ForgeLab-GraphView-viewport');
    this._viewport = viewport;
    this._edgesLayer = viewport
      .append('g')
      .attr('class', 'jp-ForgeLab-GraphView-edges')
      .node()!;
    this._nodesLayer = viewport
      .append('g')
      .attr('class', 'jp-ForgeLab-GraphView-nodes')
      .node()!;
    this._state = new CanvasState(m, viewport.node()!);
    this._selection = new SelectionState(
      this._nodesLayer,
      this._edgesLayer,
      selection => this._selectionChanged.emit(selection)
    );
    this._wiring = new Wiring(
      this,
      this._state,
      viewport.node()!,
      this._nodesLayer
    );
    this._minimap = new Minimap(this.node, p => this._centreOn(p));

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
        const before = this._knownSize;
        this._knownSize = {
          width: this.node.clientWidth,
          height: this.node.clientHeight
        };
        const { width, height } = this._knownSize;
        // Back from hidden (a tab, a theme switch): any zoom computed before is stale.
        const fromZero = !(before.width > 0 && before.height > 0);
        const widened = this._refitOnWiden && width > before.width;
        if (
          this._rendered &&
          width > 0 &&
          height > 0 &&
          (fromZero || widened)
        ) {
          this._requestFit(true);
        }
        this._renderMinimap();
        this._drawnRect = null;
        this._fitIfPending();
        this._scheduleCull();
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
      // While panning, the viewport is marked as a layer the compositor may move (one transform
      // per event); culling catches up once per frame.
      .on('start', () => this.node.classList.add('jp-mod-panning'))
      .on('end', () => this.node.classList.remove('jp-mod-panning'))
      .on('zoom', (event: d3.D3ZoomEvent<SVGSVGElement, unknown>) => {
        this._transform = event.transform;
        this._viewport.attr('transform', event.transform.toString());
        // Far out, labels are unreadable anyway: not painting them keeps panning smooth.
        this.node.classList.toggle('jp-mod-far', event.transform.k < FAR_SCALE);
        this._minimap.showView(this._transform, this._size());
        this._scheduleCull();
      });
    svg.call(this._zoom).on('dblclick.zoom', null);
    svg.on('click', (event: MouseEvent) => {
      if (event.target === svg.node()) {
        this.select([], []);
      }
    });
    this._band = new BandSelection(
      this._state,
      this._selection,
      svg.node()!,
      viewport.node()!
    );

    this._nodeDrag = new NodeDrag(
      this._state,
      this._selection,
      this._nodesLayer,
      this._edgesLayer,
      positions => this.delegate.moveNodes(positions)
    );

    this.node.addEventListener('keydown', this);
    this.node.addEventListener('mousedown', this, true);
  }

  /** Receives every edit the user makes. */
  readonly delegate: IGraphViewDelegate;

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
    return this._selection.current;
  }

  /** The sizes the view draws with. */
  get metrics(): Readonly<IGraphViewMetrics> {
    return this._state.metrics;
  }

  /** The current top-left position of a node (saved, laid out, or being dragged). */
  positionOf(id: string): IPoint | undefined {
    return this._state.positions.get(id);
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
    const state = this._state;
    state.graph = graph;
    state.nodeIndex = new Map(graph.nodes.map(n => [n.id, n]));
    this._updatePositions(graph);
    this._selection.prune(state.nodeIndex, new Set(graph.edges.map(e => e.id)));
    if (this._culled()) {
      this._cull(true);
    } else {
      this._draw(graph.nodes, graph.edges, false);
    }
    this._scheduleMinimap();
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

  /**
   * Zoom and pan so that the whole graph is visible, whatever is selected.
   *
   * With `readable`, the zoom stays at or above the one at which node titles are
   * {@link READABLE_TITLE_PX} on screen, and the start of a larger graph is shown (the rest is
   * panned to). A canvas that is hidden (no size) fits when it is shown.
   */
  fit(animate = true, readable = false): void {
    const nodes = this._state.graph.nodes;
    if (!nodes.length) {
      return;
    }
    if (!this._hasSize()) {
      this._needsFit = true;
      this._fitReadable = readable;
      return;
    }
    const box = bounds(nodes, this._state.positions, this._state.metrics);
    const t = fitTransform(
      box,
      this._size(),
      40,
      1,
      readable ? minReadableScale(this._titleFontPx()) : 0.05,
      this._startPoint()
    );
    const target = d3.zoomIdentity.translate(t.x, t.y).scale(t.k);
    if (animate) {
      this._svg.transition().duration(250).call(this._zoom.transform, target);
    } else {
      this._svg.call(this._zoom.transform, target);
    }
  }

  /**
   * Centre the view on node `id` and select it: at the current zoom, or at the one where titles
   * are readable when it is further out. A node off-screen in a culled graph is drawn there.
   */
  reveal(id: string, animate = true): void {
    const p = this._state.positions.get(id);
    if (!p || !this._hasSize()) {
      this.select(this._state.nodeIndex.has(id) ? [id] : []);
      return;
    }
    const m = this._state.metrics;
    const size = this._size();
    const k = Math.min(
      3,
      Math.max(this._transform.k, minReadableScale(this._titleFontPx()))
    );
    const target = d3.zoomIdentity
      .translate(
        size.width / 2 - k * (p.x + m.nodeWidth / 2),
        size.height / 2 - k * (p.y + m.headerHeight)
      )
      .scale(k);
    this.select([id]);
    if (animate) {
      this._svg.transition().duration(250).call(this._zoom.transform, target);
    } else {
      this._svg.call(this._zoom.transform, target);
    }
  }

  /**
   * Ids of the nodes whose boxes intersect the canvas now, drawn or not (culled graphs draw
   * these and a margin around them).
   */
  visibleNodeIds(): string[] {
    const rect = viewRect(this._transform, this._size());
    const state = this._state;
    return nodesIn(state.graph.nodes, state.positions, rect, state.metrics).map(
      n => n.id
    );
  }

  /** Lay the whole graph out again with dagre and save every position through the delegate. */
  arrange(): void {
    const graph = this._state.graph;
    const positions = layoutPositions(
      graph.nodes,
      graph.edges,
      this._state.metrics,
      true,
      this._direction
    );
    this.delegate.moveNodes(positions);
    this.fit();
  }

  /** Select exactly these nodes and edges. */
  select(nodes: Iterable<string>, edges: Iterable<string> = []): void {
    this._selection.select(nodes, edges);
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
    return { x: x - this._state.metrics.nodeWidth / 2, y: y - 30 };
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
    if (!this._selection.nodes.size) {
      return;
    }
    GraphView.clipboard = this.delegate.copy([...this._selection.nodes]);
    navigator.clipboard?.writeText(GraphView.clipboard).catch(() => undefined);
  }

  /** Paste the clipboard and select what was pasted. */
  paste(): void {
    if (GraphView.clipboard) {
      const ids = this.delegate.paste(GraphView.clipboard);
      this.select(ids);
    }
  }

  /** Delete the selected nodes and edges. */
  deleteSelection(): void {
    const selection = this._selection;
    if (selection.nodes.size || selection.edges.size) {
      const nodes = [...selection.nodes];
      const edges = [...selection.edges];
      this.select([]);
      this.delegate.remove(nodes, edges);
    }
  }

  /** Copy the selected nodes and paste them beside; the copies become the selection. */
  duplicateSelection(): void {
    const nodes = [...this._selection.nodes];
    if (nodes.length) {
      this.select(this.delegate.paste(this.delegate.copy(nodes)));
    }
  }

  /** Undo the last edit. */
  undo(): void {
    this.delegate.undo();
  }

  /** Redo the last undone edit. */
  redo(): void {
    this.delegate.redo();
  }

  /** Handle DOM events of the widget's node (keyboard and focus). */
  handleEvent(event: Event): void {
    if (event.type === 'keydown') {
      handleKey(event as KeyboardEvent, this.node, this._keyActions);
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
    cancelAnimationFrame(this._cullFrame);
    this.node.removeEventListener('keydown', this);
    this.node.removeEventListener('mousedown', this, true);
    this._resizeObserver?.disconnect();
    this._band.dispose();
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
  /**
   * The centre of the node a graph starts from, which a fit that cannot show everything keeps
   * in view: the first along the flow (leftmost, or topmost top to bottom), the upper, or the
   * more left, of a tie.
   */
  private _startPoint(): IPoint | undefined {
    const m = this._state.metrics;
    const [main, cross]: ('x' | 'y')[] =
      m.flow === 'TB' ? ['y', 'x'] : ['x', 'y'];
    let best: IPoint | undefined;
    for (const node of this._state.graph.nodes) {
      const p = this._state.positions.get(node.id);
      if (
        p &&
        (!best ||
          p[main] < best[main] ||
          (p[main] === best[main] && p[cross] < best[cross]))
      ) {
        best = p;
      }
    }
    return best && { x: best.x + m.nodeWidth / 2, y: best.y + m.headerHeight };
  }

  private _fitIfPending(): void {
    if (this._needsFit && this._state.graph.nodes.length && this._hasSize()) {
      this._needsFit = false;
      this.fit(false, this._fitReadable);
    }
  }

  /** Fit when the canvas can, unless a fit asked for explicitly is already waiting. */
  private _requestFit(readable: boolean): void {
    if (!this._needsFit) {
      this._needsFit = true;
      this._fitReadable = readable;
    }
  }

  /**
   * The font size of node titles as styled (the theme may change it), read from the first
   * title drawn and kept: reading a computed style while panning would force a style update.
   */
  private _titleFontPx(): number {
    if (this._titlePx) {
      return this._titlePx;
    }
    const title = this._nodesLayer.querySelector(
      '.jp-ForgeLab-GraphView-title'
    );
    const px = title ? parseFloat(getComputedStyle(title).fontSize) : NaN;
    if (Number.isFinite(px) && px > 0) {
      this._titlePx = px;
      return px;
    }
    return TITLE_FONT_PX;
  }

  /** Whether the graph is large enough to draw only what is near the visible area. */
  private _culled(): boolean {
    return this._state.graph.nodes.length >= CULL_MIN_NODES;
  }

  /**
   * Draw these nodes and edges (the others' elements are removed), near or far. Elements are
   * joined by id: those that stay are kept, not drawn again.
   */
  private _draw(
    nodes: ReadonlyArray<IViewNode>,
    edges: ReadonlyArray<IViewEdge>,
    far: boolean
  ): void {
    const state = this._state;
    const selection = this._selection;
    renderNodes(
      this._nodesLayer,
      state,
      selection.nodes,
      {
        nodeDrag: this._nodeDrag.behavior,
        wireDrag: this._wiring.behavior,
        onAction: (node, action) => this._nodeAction.emit({ node, action })
      },
      far ? [] : nodes
    );
    renderEdges(
      this._edgesLayer,
      state,
      selection.edges,
      (edge, shift) => {
        if (shift) {
          selection.toggleEdge(edge);
        } else {
          this.select([], [edge]);
        }
      },
      far ? [] : edges
    );
    if (far || this._drawnFar) {
      renderFar(
        this._nodesLayer,
        this._edgesLayer,
        state,
        far ? nodes : [],
        far ? edges : [],
        selection.nodes,
        this._nodeDrag.behavior as unknown as d3.DragBehavior<
          SVGRectElement,
          IViewNode,
          unknown
        >
      );
    }
    this._drawnFar = far;
  }

  /** Update the culled drawing in the next animation frame (once, however often asked). */
  private _scheduleCull(): void {
    if (this._cullFrame || !this._culled()) {
      return;
    }
    this._cullFrame = requestAnimationFrame(() => {
      this._cullFrame = 0;
      if (!this.isDisposed && this._culled()) {
        this._cull(false);
      }
    });
  }

  /**
   * Draw the nodes and edges near the visible area: those within {@link CULL_MARGIN} viewport
   * sizes of it. Unless `force`d (the graph changed), nothing is done while the view stays well
   * inside the area drawn last (a pan of a few pixels creates and removes nothing).
   */
  private _cull(force: boolean): void {
    const size = this._size();
    const t: IViewTransform = this._transform;
    const far = isFarView(t.k, this._titleFontPx());
    const needed = viewRect(t, size, CULL_MARGIN / 4);
    const drawn = this._drawnRect;
    if (
      !force &&
      drawn &&
      far === this._drawnFar &&
      contains(drawn, needed) &&
      drawn.width <= 4 * needed.width
    ) {
      return;
    }
    const state = this._state;
    const sized = size.width > 0 && size.height > 0;
    const rect = viewRect(t, size, CULL_MARGIN);
    // Without a size yet, nothing is visible; the first size draws.
    this._drawnRect = sized ? rect : null;
    const nodes = sized
      ? nodesIn(state.graph.nodes, state.positions, rect, state.metrics)
      : [];
    const edges = nodes.length
      ? edgesIn(state.graph.edges, state.anchor.bind(state), rect)
      : [];
    this._draw(nodes, edges, far);
  }

  /** Place every node: where it is dragged, where it was saved, or where dagre lays it out. */
  private _updatePositions(graph: IViewGraph): void {
    const positions = new Map<string, IPoint>();
    const dragging = this._nodeDrag.dragging;
    let missing = false;
    for (const node of graph.nodes) {
      const p =
        dragging?.get(node.id) ?? node.position ?? this._auto.get(node.id);
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
      const laid = layoutPositions(
        known,
        graph.edges,
        this._state.metrics,
        false,
        this._direction
      );
      for (const node of graph.nodes) {
        if (!positions.has(node.id)) {
          this._auto.set(node.id, laid.get(node.id)!);
          positions.set(node.id, laid.get(node.id)!);
        }
      }
      if (!this._rendered) {
        this._requestFit(true);
      }
    }
    if (!this._rendered && graph.nodes.length) {
      this._rendered = true;
      this._requestFit(true);
      if (
        this._relayoutOverlaps &&
        anyOverlap(graph.nodes, positions, this._state.metrics)
      ) {
        // Saved boxes on top of each other (a hand-written file): lay the graph out again.
        const laid = layoutPositions(
          graph.nodes,
          graph.edges,
          this._state.metrics,
          true,
          this._direction
        );
        for (const [id, p] of laid) {
          positions.set(id, p);
        }
        queueMicrotask(() => {
          if (!this.isDisposed) {
            this.delegate.moveNodes(laid);
          }
        });
      }
    }
    for (const id of this._auto.keys()) {
      if (!this._state.nodeIndex.has(id)) {
        this._auto.delete(id);
      }
    }
    this._state.positions = positions;
  }

  /**
   * Draw the minimap when the browser is next idle: the first frame of a large graph need not
   * wait for a second drawing of every node; edits in a burst draw it once.
   */
  private _scheduleMinimap(): void {
    if (this._minimapPending) {
      return;
    }
    this._minimapPending = true;
    const draw = () => {
      this._minimapPending = false;
      if (!this.isDisposed) {
        this._renderMinimap();
      }
    };
    if (typeof requestIdleCallback === 'function') {
      requestIdleCallback(draw, { timeout: 300 });
    } else {
      window.setTimeout(draw, 0);
    }
  }

  private _renderMinimap(): void {
    const state = this._state;
    if (
      this._minimap.render(state.graph.nodes, state.positions, state.metrics)
    ) {
      this._minimap.showView(this._transform, this._size());
    }
  }

  /** Centre the view on a graph point at the current zoom (a press on the minimap). */
  private _centreOn(p: IPoint): void {
    const size = this._size();
    const k = this._transform.k;
    const t = d3.zoomIdentity
      .translate(size.width / 2 - k * p.x, size.height / 2 - k * p.y)
      .scale(k);
    this._svg.call(this._zoom.transform, t);
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
    return width > 0 && height > 0 && this.isVisible;
  }

  private readonly _keyActions: IKeyActions = {
    deleteSelection: () => this.deleteSelection(),
    copySelection: () => this.copySelection(),
    paste: () => this.paste(),
    selectAll: () =>
      this.select(
        this._state.graph.nodes.map(n => n.id),
        this._state.graph.edges.map(e => e.id)
      ),
    escape: () => {
      this.select([]);
      this.hideMessage();
    }
  };

  private _held = false;
  private _titlePx = 0;
  private _cullFrame = 0;
  private _drawnRect: ReturnType<typeof viewRect> | null = null;
  private _drawnFar = false;
  private _minimapPending = false;
  private _heldGraph: IViewGraph | null = null;
  private _resizeObserver: ResizeObserver | null = null;
  private _knownSize = { width: 0, height: 0 };

  private _state: CanvasState;
  private _selection: SelectionState;
  private _nodeDrag: NodeDrag;
  private _wiring: Wiring;
  private _band: BandSelection;
  private _minimap: Minimap;
  private _svg: d3.Selection<SVGSVGElement, unknown, null, undefined>;
  private _viewport: d3.Selection<SVGGElement, unknown, null, undefined>;
  private _edgesLayer: SVGGElement;
  private _nodesLayer: SVGGElement;
  private _message: HTMLDivElement;
  private _messageTimer = 0;
  private _empty: HTMLDivElement;
  private _zoom: d3.ZoomBehavior<SVGSVGElement, unknown>;
  private _transform: d3.ZoomTransform = d3.zoomIdentity;
  private _auto = new Map<string, IPoint>();
  private _rendered = false;
  private _needsFit = false;
  private _fitReadable = true;
  private _direction: LayoutDirection;
  private _relayoutOverlaps: boolean;
  private _refitOnWiden: boolean;
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
    /** Which way the auto-layout lays layers out (default: left to right). */
    layout?: LayoutDirection;
    /** Lay the graph out again on first render when saved node boxes overlap. */
    relayoutOverlaps?: boolean;
    /** Fit again whenever the canvas gets wider (a side panel being widened). */
    refitOnWiden?: boolean;
  }

  /** The last copied nodes, shared by every view so that one can paste into another. */
  // eslint-disable-next-line prefer-const -- reassigned by the views through the namespace
  export let clipboard = '';
}
