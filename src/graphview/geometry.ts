/**
 * Pure geometry of the graph view: node sizes, port anchors, edge paths, auto-layout and
 * fitting, kept apart from the DOM so that they can be tested and reused.
 */
import * as dagre from 'dagre';

import {
  DEFAULT_METRICS,
  IGraphViewMetrics,
  IPoint,
  IRect,
  IViewEdge,
  IViewNode
} from './types';

/**
 * The port rows inside a node: one per input/output pair when ports sit on the sides, none
 * when edges flow top to bottom (ports on the top and bottom edges).
 */
export function portRows(
  node: IViewNode,
  m: IGraphViewMetrics = DEFAULT_METRICS
): number {
  return m.flow === 'TB'
    ? 0
    : Math.max(node.inputs.length, node.outputs.length, 1);
}

/** The height of a node: title, port rows and detail lines. */
export function nodeHeight(
  node: IViewNode,
  m: IGraphViewMetrics = DEFAULT_METRICS
): number {
  return (
    m.headerHeight +
    portRows(node, m) * m.portRow +
    (node.details?.length ?? 0) * m.detailRow +
    8
  );
}

/**
 * The anchor of a port relative to its node's top-left corner: on the left (inputs) and right
 * (outputs) sides in port rows, or, for a top-to-bottom flow, spread along the top (inputs) and
 * bottom (outputs) edges.
 */
export function portOffset(
  node: IViewNode,
  direction: 'in' | 'out',
  port: string,
  m: IGraphViewMetrics = DEFAULT_METRICS
): IPoint | null {
  const ports = direction === 'in' ? node.inputs : node.outputs;
  const index = ports.findIndex(p => p.name === port);
  if (index < 0) {
    return null;
  }
  if (m.flow === 'TB') {
    return {
      x: Math.round((m.nodeWidth * (index + 1)) / (ports.length + 1)),
      y: direction === 'in' ? 0 : nodeHeight(node, m)
    };
  }
  return {
    x: direction === 'in' ? 0 : m.nodeWidth,
    y: m.headerHeight + index * m.portRow + m.portRow / 2
  };
}

/**
 * An S-curve from an output anchor to an input anchor: leaving rightwards and entering from
 * the left, or, for a top-to-bottom flow, leaving downwards and entering from above.
 */
export function edgePath(
  from: IPoint,
  to: IPoint,
  flow: LayoutDirection = 'LR'
): string {
  if (flow === 'TB') {
    const dy = Math.max(30, Math.abs(to.y - from.y) / 2);
    return `M${from.x},${from.y}C${from.x},${from.y + dy} ${to.x},${to.y - dy} ${to.x},${to.y}`;
  }
  const dx = Math.max(30, Math.abs(to.x - from.x) / 2);
  return `M${from.x},${from.y}C${from.x + dx},${from.y} ${to.x - dx},${to.y} ${to.x},${to.y}`;
}

/**
 * Top-left positions of every node: saved positions are kept; the others come from a dagre
 * layout (left to right) of the whole graph, shifted below the saved ones when there are any.
 */
export function layoutPositions(
  nodes: ReadonlyArray<IViewNode>,
  edges: ReadonlyArray<IViewEdge>,
  m: IGraphViewMetrics = DEFAULT_METRICS,
  force = false,
  direction: LayoutDirection = 'LR'
): Map<string, IPoint> {
  const positions = new Map<string, IPoint>();
  const missing = nodes.filter(n => force || !n.position);
  for (const node of nodes) {
    if (!force && node.position) {
      positions.set(node.id, node.position);
    }
  }
  if (!missing.length) {
    return positions;
  }
  const laidOut =
    missing.length > DAGRE_LIMIT && direction === 'LR'
      ? layeredLayout(missing, edges, m)
      : dagreLayout(missing, edges, m, direction);
  let dy = 0;
  if (positions.size) {
    const saved = bounds(
      nodes.filter(n => positions.has(n.id)),
      positions,
      m
    );
    dy = saved.y + saved.height + m.rankGap;
  }
  for (const [id, p] of laidOut) {
    positions.set(id, { x: p.x, y: p.y + dy });
  }
  return positions;
}

/**
 * Above this many nodes the layout uses {@link layeredLayout}: dagre's crossing minimisation
 * grows too fast to stay interactive (seconds at 500 nodes).
 */
export const DAGRE_LIMIT = 150;

/** Which way layers follow each other: left to right (pipelines), top to bottom (networks). */
export type LayoutDirection = 'LR' | 'TB';

/** Top-left positions from dagre, in layers along `direction`, for small graphs. */
export function dagreLayout(
  nodes: ReadonlyArray<IViewNode>,
  edges: ReadonlyArray<IViewEdge>,
  m: IGraphViewMetrics = DEFAULT_METRICS,
  direction: LayoutDirection = 'LR'
): Map<string, IPoint> {
  const missing = nodes;
  const g = new dagre.graphlib.Graph({ multigraph: false });
  g.setGraph({
    rankdir: direction,
    ranksep: m.rankGap,
    nodesep: m.nodeGap,
    marginx: 0,
    marginy: 0
  });
  g.setDefaultEdgeLabel(() => ({}));
  const ids = new Set(missing.map(n => n.id));
  for (const node of missing) {
    g.setNode(node.id, { width: m.nodeWidth, height: nodeHeight(node, m) });
  }
  for (const edge of edges) {
    if (ids.has(edge.source.node) && ids.has(edge.target.node)) {
      g.setEdge(edge.source.node, edge.target.node);
    }
  }
  dagre.layout(g);
  const positions = new Map<string, IPoint>();
  for (const node of missing) {
    const laid = g.node(node.id);
    positions.set(node.id, {
      x: Math.round(laid.x - m.nodeWidth / 2),
      y: Math.round(laid.y - laid.height / 2)
    });
  }
  return positions;
}

/**
 * A linear-time layered layout for large graphs: each node's column is its longest path from
 * a source; within a column nodes are ordered by the mean row of their predecessors.
 */
export function layeredLayout(
  nodes: ReadonlyArray<IViewNode>,
  edges: ReadonlyArray<IViewEdge>,
  m: IGraphViewMetrics = DEFAULT_METRICS
): Map<string, IPoint> {
  const ids = new Set(nodes.map(n => n.id));
  const preds = new Map<string, string[]>(nodes.map(n => [n.id, []]));
  const succs = new Map<string, string[]>(nodes.map(n => [n.id, []]));
  for (const e of edges) {
    if (
      ids.has(e.source.node) &&
      ids.has(e.target.node) &&
      e.source.node !== e.target.node
    ) {
      preds.get(e.target.node)!.push(e.source.node);
      succs.get(e.source.node)!.push(e.target.node);
    }
  }
  // Kahn's order gives ranks; nodes left over (a cycle in a hand-edited file) go last.
  const indegree = new Map(nodes.map(n => [n.id, preds.get(n.id)!.length]));
  const order = nodes.filter(n => indegree.get(n.id) === 0).map(n => n.id);
  const rank = new Map<string, number>();
  for (let i = 0; i < order.length; i++) {
    const id = order[i];
    const r = Math.max(0, ...preds.get(id)!.map(p => (rank.get(p) ?? -1) + 1));
    rank.set(id, r);
    for (const s of succs.get(id)!) {
      indegree.set(s, indegree.get(s)! - 1);
      if (indegree.get(s) === 0) {
        order.push(s);
      }
    }
  }
  const last = Math.max(0, ...rank.values()) + 1;
  for (const n of nodes) {
    if (!rank.has(n.id)) {
      rank.set(n.id, last);
    }
  }
  const columns: IViewNode[][] = [];
  for (const n of nodes) {
    (columns[rank.get(n.id)!] ??= []).push(n);
  }
  const row = new Map<string, number>();
  const positions = new Map<string, IPoint>();
  columns.forEach((column, c) => {
    const key = (n: IViewNode) => {
      const rows = preds
        .get(n.id)!
        .map(p => row.get(p))
        .filter((r): r is number => r !== undefined);
      return rows.length
        ? rows.reduce((a, b) => a + b, 0) / rows.length
        : Infinity;
    };
    const keys = new Map(column.map(n => [n.id, key(n)]));
    column.sort((a, b) => keys.get(a.id)! - keys.get(b.id)!);
    let y = 0;
    column.forEach((n, i) => {
      row.set(n.id, i);
      positions.set(n.id, { x: c * (m.nodeWidth + m.rankGap), y });
      y += nodeHeight(n, m) + m.nodeGap;
    });
  });
  return positions;
}

/** The box around the given nodes (a unit box at the origin when there are none). */
export function bounds(
  nodes: ReadonlyArray<IViewNode>,
  positions: ReadonlyMap<string, IPoint>,
  m: IGraphViewMetrics = DEFAULT_METRICS
): IRect {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const node of nodes) {
    const p = positions.get(node.id);
    if (!p) {
      continue;
    }
    x0 = Math.min(x0, p.x);
    y0 = Math.min(y0, p.y);
    x1 = Math.max(x1, p.x + m.nodeWidth);
    y1 = Math.max(y1, p.y + nodeHeight(node, m));
  }
  if (x0 === Infinity) {
    return { x: 0, y: 0, width: 1, height: 1 };
  }
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/**
 * The zoom (scale `k`, translation `x`, `y`) that shows `box` centred in a viewport.
 *
 * Where the whole box would need a zoom below `minScale`, the zoom is `minScale`, the box is
 * centred along any axis that fits, and along an axis that does not, the view shows where the
 * graph starts: `start` (the centre of its first node) in the middle when given, kept inside the
 * box, else the box's top-left edge. The rest is reached by panning.
 */
export function fitTransform(
  box: IRect,
  viewport: { width: number; height: number },
  padding = 40,
  maxScale = 1,
  minScale = 0.05,
  start?: IPoint
): { k: number; x: number; y: number } {
  const w = Math.max(1, viewport.width - 2 * padding);
  const h = Math.max(1, viewport.height - 2 * padding);
  const k = Math.max(
    minScale,
    Math.min(maxScale, w / Math.max(1, box.width), h / Math.max(1, box.height))
  );
  const along = (
    size: number,
    from: number,
    extent: number,
    view: number,
    anchor: number | undefined
  ) => {
    if (k * extent <= size) {
      return view / 2 - k * (from + extent / 2);
    }
    const first = padding - k * from; // the box's leading edge at the padding
    if (anchor === undefined) {
      return first;
    }
    const last = view - padding - k * (from + extent); // its trailing edge at the padding
    return Math.min(first, Math.max(last, view / 2 - k * anchor));
  };
  return {
    k,
    x: along(w, box.x, box.width, viewport.width, start?.x),
    y: along(h, box.y, box.height, viewport.height, start?.y)
  };
}

/** On-screen size (CSS pixels) below which a node's title is hard to read. */
export const READABLE_TITLE_PX = 11;

/** The smallest zoom at which text of `fontPx` is drawn at least `readablePx` on screen. */
export function minReadableScale(
  fontPx: number,
  readablePx: number = READABLE_TITLE_PX
): number {
  return fontPx > 0 ? readablePx / fontPx : 1;
}

/** Whether any two of the nodes' boxes (at `positions`) intersect. */
export function anyOverlap(
  nodes: ReadonlyArray<IViewNode>,
  positions: ReadonlyMap<string, IPoint>,
  m: IGraphViewMetrics = DEFAULT_METRICS
): boolean {
  const boxes: IRect[] = [];
  for (const node of nodes) {
    const p = positions.get(node.id);
    if (p) {
      boxes.push({ ...p, width: m.nodeWidth, height: nodeHeight(node, m) });
    }
  }
  // Sweep along x: only boxes whose horizontal spans meet can intersect.
  boxes.sort((a, b) => a.x - b.x);
  for (let i = 0; i < boxes.length; i++) {
    for (
      let j = i + 1;
      j < boxes.length && boxes[j].x < boxes[i].x + boxes[i].width;
      j++
    ) {
      if (intersects(boxes[i], boxes[j])) {
        return true;
      }
    }
  }
  return false;
}

/** Whether two rectangles overlap (for the rubber band and culling). */
export function intersects(a: IRect, b: IRect): boolean {
  return (
    a.x < b.x + b.width &&
    b.x < a.x + a.width &&
    a.y < b.y + b.height &&
    b.y < a.y + a.height
  );
}

/**
 * From this many nodes on, a canvas draws only the nodes and edges near the visible area
 * ({@link viewRect}): Chromium's style and paint of every element of a large graph, not
 * JavaScript, bound its first render and its panning. Smaller graphs are drawn whole.
 */
export const CULL_MIN_NODES = 150;

/** How far beyond the visible area, in viewport sizes on each side, culled nodes are drawn. */
export const CULL_MARGIN = 0.5;

/** On-screen title size (CSS pixels) below which a culled canvas draws its far view. */
export const FAR_TITLE_PX = 5;

/** A zoom (scale `k`, translation `x`, `y`), as d3's zoom transform has it. */
export interface IViewTransform {
  k: number;
  x: number;
  y: number;
}

/**
 * Whether titles of `titleFontPx` are under {@link FAR_TITLE_PX} on screen at zoom `k`: too small
 * to read, so that each node is drawn as one box and the edges as one path (the far view).
 */
export function isFarView(k: number, titleFontPx: number): boolean {
  return k * titleFontPx < FAR_TITLE_PX;
}

/**
 * The graph area a viewport of `size` shows under `t`, grown by `margin` viewport sizes on every
 * side (0: exactly what is visible).
 */
export function viewRect(
  t: IViewTransform,
  size: { width: number; height: number },
  margin = 0
): IRect {
  const width = size.width / t.k;
  const height = size.height / t.k;
  return {
    x: (0 - t.x) / t.k - margin * width,
    y: (0 - t.y) / t.k - margin * height,
    width: width * (1 + 2 * margin),
    height: height * (1 + 2 * margin)
  };
}

/** Whether `inner` lies wholly inside `outer`. */
export function contains(outer: IRect, inner: IRect): boolean {
  return (
    inner.x >= outer.x &&
    inner.y >= outer.y &&
    inner.x + inner.width <= outer.x + outer.width &&
    inner.y + inner.height <= outer.y + outer.height
  );
}

/** The nodes whose boxes (at `positions`) intersect `rect`, in graph order. */
export function nodesIn(
  nodes: ReadonlyArray<IViewNode>,
  positions: ReadonlyMap<string, IPoint>,
  rect: IRect,
  m: IGraphViewMetrics = DEFAULT_METRICS
): IViewNode[] {
  return nodes.filter(n => {
    const p = positions.get(n.id);
    return (
      !!p &&
      intersects(rect, {
        x: p.x,
        y: p.y,
        width: m.nodeWidth,
        height: nodeHeight(n, m)
      })
    );
  });
}

/**
 * The box an {@link edgePath} from `from` to `to` stays in: the hull of its control points
 * (a Bézier curve never leaves it).
 */
export function edgeBox(from: IPoint, to: IPoint): IRect {
  const dx = Math.max(30, Math.abs(to.x - from.x) / 2);
  const x0 = Math.min(from.x, to.x - dx);
  const x1 = Math.max(from.x + dx, to.x);
  const y0 = Math.min(from.y, to.y);
  const y1 = Math.max(from.y, to.y);
  // A horizontal edge has no height; a pixel keeps it intersecting what it crosses.
  return { x: x0, y: y0, width: x1 - x0, height: Math.max(1, y1 - y0) };
}

/**
 * The edges whose curves may cross `rect`, in graph order; `anchor` gives an end's point, or
 * `null` for an end that is not drawn (such an edge is left out).
 */
export function edgesIn(
  edges: ReadonlyArray<IViewEdge>,
  anchor: (end: IViewEdge['source'], direction: 'in' | 'out') => IPoint | null,
  rect: IRect
): IViewEdge[] {
  return edges.filter(e => {
    const from = anchor(e.source, 'out');
    const to = anchor(e.target, 'in');
    return !!from && !!to && intersects(rect, edgeBox(from, to));
  });
}
