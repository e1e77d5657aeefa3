import { Widget } from '@lumino/widgets';

import {
  contains,
  CULL_MIN_NODES,
  edgeBox,
  edgesIn,
  isFarView,
  nodesIn,
  viewRect
} from '../geometry';
import { FAR_EDGES_CLASS, FAR_NODE_CLASS } from '../far';
import { IGraphViewDelegate, IPoint, IViewGraph, IViewNode } from '../types';
import { GraphView } from '../view';

/** A node at `position` with one input `x` and one output `y` (62 px high). */
function node(id: string, position: IPoint): IViewNode {
  return {
    id,
    title: id,
    inputs: [{ name: 'x' }],
    outputs: [{ name: 'y' }],
    position
  };
}

/** `n` nodes in rows of 20, 300 px apart across and 100 px down; each wired to the next. */
function grid(n: number): IViewGraph {
  const nodes = Array.from({ length: n }, (_, i) =>
    node(`n${i}`, { x: (i % 20) * 300, y: Math.floor(i / 20) * 100 })
  );
  const edges = nodes.slice(1).map((d, i) => ({
    id: `e${i}`,
    source: { node: `n${i}`, port: 'y' },
    target: { node: d.id, port: 'x' }
  }));
  return { nodes, edges };
}

const READ_ONLY: IGraphViewDelegate = {
  checkConnection: () => null,
  connect: () => ({ ok: false, reason: 'read-only' }),
  moveNodes: () => undefined,
  remove: () => undefined,
  copy: () => '',
  paste: () => [],
  undo: () => undefined,
  redo: () => undefined
};

const nextFrame = () =>
  new Promise<void>(resolve => requestAnimationFrame(() => resolve()));

describe('culling geometry', () => {
  it('gives the graph area a viewport shows, grown by a margin', () => {
    const size = { width: 800, height: 600 };
    expect(viewRect({ k: 1, x: 0, y: 0 }, size)).toEqual({
      x: 0,
      y: 0,
      width: 800,
      height: 600
    });
    // Panned right by 100 and zoomed to 2: 400 × 300 of the graph, from x = -50.
    expect(viewRect({ k: 2, x: 100, y: 0 }, size)).toEqual({
      x: -50,
      y: 0,
      width: 400,
      height: 300
    });
    expect(viewRect({ k: 1, x: 0, y: 0 }, size, 0.5)).toEqual({
      x: -400,
      y: -300,
      width: 1600,
      height: 1200
    });
    expect(
      contains(viewRect({ k: 1, x: 0, y: 0 }, size, 0.5), {
        x: 0,
        y: 0,
        width: 800,
        height: 600
      })
    ).toBe(true);
    expect(
      contains(
        { x: 0, y: 0, width: 800, height: 600 },
        { x: 10, y: 0, width: 800, height: 600 }
      )
    ).toBe(false);
  });

  it('finds the nodes whose boxes meet the area, including those cut by its edge', () => {
    const { nodes } = grid(60);
    const positions = new Map(nodes.map(n => [n.id, n.position!]));
    // x 0..450 holds columns 0 (0..180) and 1 (300..480, cut); y 0..150 rows 0 and 1.
    const rect = { x: 0, y: 0, width: 450, height: 150 };
    expect(nodesIn(nodes, positions, rect).map(n => n.id)).toEqual([
      'n0',
      'n1',
      'n20',
      'n21'
    ]);
  });

  it('keeps an edge that crosses the area though both its nodes are outside it', () => {
    const nodes = [node('a', { x: 0, y: 0 }), node('b', { x: 2000, y: 0 })];
    const positions = new Map(nodes.map(n => [n.id, n.position!]));
    const index = new Map(nodes.map(n => [n.id, n]));
    const anchor = (end: { node: string }, dir: 'in' | 'out') => {
      const p = positions.get(end.node)!;
      return index.has(end.node)
        ? { x: p.x + (dir === 'out' ? 180 : 0), y: p.y + 45 }
        : null;
    };
    const edges = [
      {
        id: 'ab',
        source: { node: 'a', port: 'y' },
        target: { node: 'b', port: 'x' }
      },
      {
        id: 'gone',
        source: { node: 'a', port: 'y' },
        target: { node: 'missing', port: 'x' }
      }
    ];
    const middle = { x: 900, y: 0, width: 200, height: 100 };
    expect(nodesIn(nodes, positions, middle)).toEqual([]);
    expect(edgesIn(edges, anchor, middle).map(e => e.id)).toEqual(['ab']);
    expect(
      edgesIn(edges, anchor, { x: 900, y: 500, width: 200, height: 100 })
    ).toEqual([]);
    // A horizontal edge still has an area to meet.
    expect(edgeBox({ x: 0, y: 5 }, { x: 100, y: 5 }).height).toBe(1);
  });

  it('switches to the far view when titles would be under 5 px on screen', () => {
    expect(isFarView(1, 12)).toBe(false);
    expect(isFarView(0.42, 12)).toBe(false);
    expect(isFarView(0.41, 12)).toBe(true);
    expect(isFarView(0.05, 12)).toBe(true);
  });
});

describe('GraphView culling', () => {
  let view: GraphView;
  const observer = (window as any).ResizeObserver;

  beforeAll(() => {
    // Without an observer the canvas reads its size from the element.
    (window as any).ResizeObserver = undefined;
  });

  afterAll(() => {
    (window as any).ResizeObserver = observer;
  });

  beforeEach(() => {
    view = new GraphView({ delegate: READ_ONLY });
    // jsdom lays nothing out: give the canvas the size a browser would.
    Object.defineProperty(view.node, 'clientWidth', { value: 800 });
    Object.defineProperty(view.node, 'clientHeight', { value: 600 });
    Widget.attach(view, document.body);
  });

  afterEach(() => {
    view.dispose();
  });

  const drawn = () =>
    [
      ...view.node.querySelectorAll<SVGGElement>('g.jp-ForgeLab-GraphView-node')
    ].map(el => el.getAttribute('data-id')!);
  const element = (id: string) =>
    view.node.querySelector(`g.jp-ForgeLab-GraphView-node[data-id="${id}"]`);

  it('draws a graph under the threshold whole, off-screen nodes included', () => {
    view.render(grid(CULL_MIN_NODES - 1));
    expect(drawn()).toHaveLength(CULL_MIN_NODES - 1);
    expect(element(`n${CULL_MIN_NODES - 2}`)).not.toBeNull();
  });

  it('draws only the nodes and edges near the visible area of a large graph', async () => {
    const graph = grid(600);
    view.render(graph);
    await nextFrame();
    const visible = view.visibleNodeIds();
    expect(visible.length).toBeGreaterThan(0);
    const ids = drawn();
    // Everything in view is drawn, with a margin around it, and nothing far away.
    expect(visible.every(id => ids.includes(id))).toBe(true);
    expect(ids.length).toBeGreaterThan(visible.length);
    expect(ids.length).toBeLessThan(100);
    expect(element('n599')).toBeNull();
    const edges = view.node.querySelectorAll('g.jp-ForgeLab-GraphView-edge');
    expect(edges.length).toBeGreaterThan(0);
    expect(edges.length).toBeLessThan(graph.edges.length);
    // The minimap, drawn when the browser is idle, still shows every node.
    await new Promise(resolve => setTimeout(resolve, 400));
    expect(
      view.node.querySelectorAll('.jp-ForgeLab-GraphView-minimapNode')
    ).toHaveLength(600);
  });

  it('creates and removes elements as the view moves, keeping those that stay', async () => {
    view.render(grid(600));
    await nextFrame();
    const kept = element('n1');
    expect(kept).not.toBeNull();
    // A small pan stays within the drawn margin: nothing is created or removed.
    view.reveal('n2', false);
    await nextFrame();
    expect(element('n1')).toBe(kept);
    // Far away: the last node is drawn (and selected), the first ones are gone.
    view.reveal('n599', false);
    await nextFrame();
    expect(element('n599')).not.toBeNull();
    expect(element('n599')!.classList).toContain('jp-mod-selected');
    expect(view.selection.nodes).toEqual(new Set(['n599']));
    expect(element('n1')).toBeNull();
    // Back to the start, then far again: n598, gone meanwhile, is drawn anew.
    const stayed = element('n598');
    view.reveal('n1', false);
    await nextFrame();
    expect(element('n1')).not.toBeNull();
    view.reveal('n598', false);
    await nextFrame();
    expect(element('n598')).not.toBe(stayed);
  });

  it('keeps the elements of drawn nodes when the graph is rendered again', async () => {
    const graph = grid(600);
    view.render(graph);
    await nextFrame();
    const before = element('n0');
    view.render({ ...graph, nodes: [...graph.nodes] });
    expect(element('n0')).toBe(before);
  });

  it('draws the far view (a box per node, one path of edges) when zoomed out', async () => {
    view.render(grid(600));
    view.select(['n5']);
    view.fit(false);
    await nextFrame();
    expect(drawn()).toEqual([]);
    expect(
      view.node.querySelectorAll('g.jp-ForgeLab-GraphView-edge')
    ).toHaveLength(0);
    const boxes = view.node.querySelectorAll(`rect.${FAR_NODE_CLASS}`);
    expect(boxes).toHaveLength(600);
    expect(view.node.querySelectorAll(`path.${FAR_EDGES_CLASS}`)).toHaveLength(
      1
    );
    expect(
      view.node.querySelector(`rect.${FAR_NODE_CLASS}[data-id="n5"]`)!.classList
    ).toContain('jp-mod-selected');
    expect(view.node.querySelectorAll('text')).toHaveLength(0);
    // Centred on a node again, titles are readable: the near drawing comes back.
    view.reveal('n5', false);
    await nextFrame();
    expect(element('n5')).not.toBeNull();
    expect(view.node.querySelectorAll(`rect.${FAR_NODE_CLASS}`)).toHaveLength(
      0
    );
  });
});
