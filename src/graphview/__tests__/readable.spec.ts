import {
  anyOverlap,
  fitTransform,
  layoutPositions,
  minReadableScale,
  nodeHeight,
  READABLE_TITLE_PX
} from '../geometry';
import { DEFAULT_METRICS, IPoint, IViewEdge, IViewNode } from '../types';

function node(id: string): IViewNode {
  return { id, title: id, inputs: [{ name: 'x' }], outputs: [{ name: 'y' }] };
}

/** A chain a → b → c → ... of `n` nodes. */
function chain(n: number): { nodes: IViewNode[]; edges: IViewEdge[] } {
  const nodes = Array.from({ length: n }, (_, i) => node(`n${i}`));
  const edges = nodes.slice(1).map((d, i) => ({
    id: `e${i}`,
    source: { node: `n${i}`, port: 'y' },
    target: { node: d.id, port: 'x' }
  }));
  return { nodes, edges };
}

describe('readable graphs', () => {
  it('computes the zoom at which titles reach the readable size', () => {
    expect(minReadableScale(12)).toBeCloseTo(11 / 12);
    expect(minReadableScale(11)).toBe(1);
    expect(minReadableScale(22, READABLE_TITLE_PX)).toBe(0.5);
    expect(minReadableScale(12) * 12).toBeGreaterThanOrEqual(11 - 1e-9);
  });

  it('never fits below the minimum zoom, and then shows where the graph starts', () => {
    const box = { x: 100, y: 50, width: 4000, height: 300 };
    const view = { width: 1000, height: 800 };
    const free = fitTransform(box, view, 40, 1, 0.05);
    expect(free.k).toBeCloseTo(920 / 4000);
    const readable = fitTransform(box, view, 40, 1, 11 / 12);
    expect(readable.k).toBeCloseTo(11 / 12);
    // Too wide: the left edge sits at the padding; the height fits, so it is centred.
    expect(readable.x).toBeCloseTo(40 - readable.k * 100);
    expect(readable.y).toBeCloseTo(400 - readable.k * 200);
  });

  it('keeps the node a graph starts from in view when the graph is too big', () => {
    // A wide, tall layered graph: its first node sits half way down its first layer.
    const box = { x: 0, y: 0, width: 4000, height: 2000 };
    const view = { width: 1000, height: 800 };
    const start = { x: 90, y: 928 };
    const t = fitTransform(box, view, 40, 1, 1, start);
    expect(t.k).toBe(1);
    expect(t.x).toBe(40); // the left edge, where the first layer is
    expect(t.y + start.y).toBe(400); // the first node in the middle, not the empty top corner
    // Near an edge the view stops at the box, with the padding.
    const low = fitTransform(box, view, 40, 1, 1, { x: 90, y: 1990 });
    expect(low.y).toBe(800 - 40 - 2000);
    const high = fitTransform(box, view, 40, 1, 1, { x: 90, y: 10 });
    expect(high.y).toBe(40);
  });

  it('zooms a small graph to at most 100 %', () => {
    const t = fitTransform(
      { x: 0, y: 0, width: 100, height: 100 },
      { width: 1000, height: 800 }
    );
    expect(t.k).toBe(1);
  });

  it('detects node boxes that intersect', () => {
    const nodes = [node('a'), node('b'), node('c')];
    const h = nodeHeight(nodes[0]);
    const apart = new Map<string, IPoint>([
      ['a', { x: 0, y: 0 }],
      ['b', { x: 0, y: h + 1 }],
      ['c', { x: DEFAULT_METRICS.nodeWidth, y: 0 }]
    ]);
    expect(anyOverlap(nodes, apart)).toBe(false);
    // Layers 80 px apart, nodes taller than that (examples/redshift.arch.json before).
    const stacked = new Map<string, IPoint>([
      ['a', { x: 0, y: 0 }],
      ['b', { x: 500, y: 0 }],
      ['c', { x: 10, y: h - 1 }]
    ]);
    expect(anyOverlap(nodes, stacked)).toBe(true);
  });

  it('lays layers out top to bottom, without overlaps', () => {
    const { nodes, edges } = chain(5);
    const positions = layoutPositions(
      nodes,
      edges,
      DEFAULT_METRICS,
      true,
      'TB'
    );
    const ys = nodes.map(n => positions.get(n.id)!.y);
    const xs = nodes.map(n => positions.get(n.id)!.x);
    expect([...ys].sort((a, b) => a - b)).toEqual(ys);
    expect(new Set(xs).size).toBe(1);
    expect(anyOverlap(nodes, positions)).toBe(false);
    const lr = layoutPositions(nodes, edges, DEFAULT_METRICS, true);
    expect(new Set(nodes.map(n => lr.get(n.id)!.y)).size).toBe(1);
  });
});
