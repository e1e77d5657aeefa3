/**
 * What the graph view draws and how it reports what the user did; both editors (pipelines and
 * architectures) describe their documents in these terms.
 */
import { ConnectResult, IGraphEndpoint, IGraphPort } from '../graph';

/** A point or a size in graph (canvas) coordinates. */
export interface IPoint {
  /** Horizontal coordinate. */
  x: number;
  /** Vertical coordinate. */
  y: number;
}

/** A rectangle in graph coordinates. */
export interface IRect extends IPoint {
  /** Width. */
  width: number;
  /** Height. */
  height: number;
}

/** A node as the view draws it. */
export interface IViewNode {
  /** Unique id (the join key). */
  id: string;
  /** The title line (the label or the operation's name). */
  title: string;
  /** A second, dimmer line (the operation's name under a label, the layer type...). */
  subtitle?: string;
  /** Input ports, drawn on the left. */
  inputs: ReadonlyArray<IGraphPort>;
  /** Output ports, drawn on the right. */
  outputs: ReadonlyArray<IGraphPort>;
  /** A few key values shown in the node (`epochs = 5`). */
  details?: ReadonlyArray<string>;
  /** The saved top-left position; absent nodes are placed by the auto-layout. */
  position?: IPoint;
  /** Extra CSS classes: a kind (`fl-mod-input`) or a status (`fl-mod-status-running`). */
  className?: string;
  /** Notes shown in the node's tooltip only (a stale value read, in full). */
  notes?: ReadonlyArray<string>;
  /** Problems to highlight (shown in the node's tooltip and as a badge). */
  issues?: ReadonlyArray<string>;
  /** Small buttons in the node's header (such as "show the source"), reported by the view. */
  actions?: ReadonlyArray<IViewNodeAction>;
}

/** A button drawn in a node's header; clicking it emits the view's `nodeAction`. */
export interface IViewNodeAction {
  /** What the action is, as the owner knows it (`source`). */
  id: string;
  /** The tooltip. */
  label: string;
  /** One or two characters drawn as the button. */
  glyph: string;
}

/** An edge as the view draws it. */
export interface IViewEdge {
  /** Unique id (the join key). */
  id: string;
  /** The output port it leaves. */
  source: IGraphEndpoint;
  /** The input port it enters. */
  target: IGraphEndpoint;
  /** Extra CSS classes. */
  className?: string;
  /** A short text drawn at the middle of the edge (a tensor shape, an input's position). */
  label?: string;
}

/** Everything the view draws. */
export interface IViewGraph {
  /** The nodes. */
  nodes: ReadonlyArray<IViewNode>;
  /** The edges. */
  edges: ReadonlyArray<IViewEdge>;
}

/** What the view asks of its owner: every change of the document goes through these. */
export interface IGraphViewDelegate {
  /** Why `source → target` cannot be wired (`null`: it can); asked while dragging a wire. */
  checkConnection(
    source: IGraphEndpoint,
    target: IGraphEndpoint
  ): string | null;
  /** Wire `source → target`; a refusal's reason is shown to the user. */
  connect(source: IGraphEndpoint, target: IGraphEndpoint): ConnectResult;
  /** Save the positions of moved nodes. */
  moveNodes(positions: ReadonlyMap<string, IPoint>): void;
  /** Delete nodes and edges. */
  remove(nodes: string[], edges: string[]): void;
  /** Serialise nodes for the clipboard. */
  copy(nodes: string[]): string;
  /** Paste clipboard text; returns the ids of the new nodes (to select them). */
  paste(text: string): string[];
  /** Undo the last edit. */
  undo(): void;
  /** Redo the last undone edit. */
  redo(): void;
}

/** The delegate of a graph nobody edits (an execution, a provenance graph): wiring is refused
 * with `reason`, and every other change is ignored. */
export function readOnlyDelegate(reason: string): IGraphViewDelegate {
  return {
    checkConnection: () => reason,
    connect: () => ({ ok: false, reason }),
    moveNodes: () => undefined,
    remove: () => undefined,
    copy: () => '',
    paste: () => [],
    undo: () => undefined,
    redo: () => undefined
  };
}

/** Sizes of the drawing, so that an editor can make its nodes bigger or smaller. */
export interface IGraphViewMetrics {
  /** Node width. */
  nodeWidth: number;
  /** Height of the title block. */
  headerHeight: number;
  /** Height of one port row. */
  portRow: number;
  /** Height of one detail line. */
  detailRow: number;
  /** Horizontal gap between layout ranks. */
  rankGap: number;
  /** Vertical gap between nodes of one rank. */
  nodeGap: number;
  /**
   * Which way edges flow: left to right (ports on the nodes' sides, the default) or top to
   * bottom (inputs on the top edge, outputs on the bottom edge, named in their tooltips).
   */
  flow?: 'LR' | 'TB';
}

/** The default sizes. */
export const DEFAULT_METRICS: Readonly<IGraphViewMetrics> = {
  nodeWidth: 180,
  headerHeight: 36,
  portRow: 18,
  detailRow: 14,
  rankGap: 70,
  nodeGap: 24
};
