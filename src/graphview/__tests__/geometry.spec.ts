import {
  bounds,
  edgePath,
  fitTransform,
  layeredLayout,
  layoutPositions,
  nodeHeight,
  portOffset
} from '../geometry';
import { DEFAULT_METRICS, IViewEdge, IViewNode } from '../types';
import { signature } from '../render';

function node(id: string, extra: Partial<IViewNode> = {}): IViewNode {
  return {
    id,
    title: id,
    inputs: [{ name: 'x' }],
    outputs: [{ name: 'y' }, { name: 'z' }],
    ...extra
  };
}

function chain(n: number): { nodes: IViewNode[]; edges: IViewEdge[] } {
  const nodes = Array.from({ length: n }, (_, i) => node(`n${i}`));
  const edges = nodes.slice(1).map((d, i) => ({
    id: `e${i}`,
    source: { node: `n${Math.floor(i / 2)}`, port: 'y' },
    target: { node: d.id, port: 'x' }
  }));
  return { nodes, edges };
}

describe('graph view geometry', () => {
  it('sizes a node by its port rows and detail lines', () => {
    const m = DEFAULT_METRICS;
    expect(nodeHeight(node('a'), m)).toBe(m.headerHeight + 2 * m.portRow + 8);
    expect(nodeHeight(node('a', { details: ['a = 1'] }), m)).toBe(
      m.headerHeight + 2 * m.portRow + m.detailRow + 8
    );
  });

  it('anchors inputs on the left and outputs on the right', () => {
    const m = DEFAULT_METRICS;
    expect(portOffset(node('a'), 'in', 'x', m)).toEqual({
      x: 0,
      y: m.headerHeight + m.portRow / 2
    });
    expect(portOffset(node('a'), 'out', 'z', m)).toEqual({
      x: m.nodeWidth,
      y: m.headerHeight + 1.5 * m.portRow
    });
    expect(portOffset(node('a'), 'out', 'nope', m)).toBeNull();
    expect(edgePath({ x: 0, y: 0 }, { x: 100, y: 10 })).toBe(
      'M0,0C50,0 50,10 100,10'
    );
  });

  it('anchors inputs on the top edge and outputs on the bottom for a top-to-bottom flow', () => {
    const m = { ...DEFAULT_METRICS, flow: 'TB' as const };
    const a = node('a', { details: ['a = 1'] });
    // No port rows inside: the ports sit on the edges.
    const height = m.headerHeight + m.detailRow + 8;
    expect(nodeHeight(a, m)).toBe(height);
    expect(portOffset(a, 'in', 'x', m)).toEqual({ x: m.nodeWidth / 2, y: 0 });
    expect(portOffset(a, 'out', 'y', m)).toEqual({
      x: Math.round(m.nodeWidth / 3),
      y: height
    });
    expect(portOffset(a, 'out', 'z', m)).toEqual({
      x: Math.round((2 * m.nodeWidth) / 3),
      y: height
    });
    expect(edgePath({ x: 0, y: 0 }, { x: 10, y: 100 }, 'TB')).toBe(
      'M0,0C0,50 10,50 10,100'
    );
  });

  it.each([100, 1000])(
    'lays out a tree of %i nodes left to right, children right of parents',
    n => {
      const { nodes, edges } = chain(n);
      const positions = layoutPositions(nodes, edges);
      expect(positions.size).toBe(n);
      for (const e of edges) {
        expect(positions.get(e.target.node)!.x).toBeGreaterThan(
          positions.get(e.source.node)!.x
        );
      }
      const seen = new Set([...positions.values()].map(p => `${p.x},${p.y}`));
      expect(seen.size).toBe(n);
    }
  );

  it('places the nodes of a cycle (a hand-edited file) too', () => {
    const nodes = [node('a'), node('b')];
    const edges = [
      {
        id: '1',
        source: { node: 'a', port: 'y' },
        target: { node: 'b', port: 'x' }
      },
      {
        id: '2',
        source: { node: 'b', port: 'y' },
        target: { node: 'a', port: 'x' }
      }
    ];
    expect(layeredLayout(nodes, edges).size).toBe(2);
  });

  it('keeps saved positions and places the new nodes below them', () => {
    const nodes = [node('a', { position: { x: 500, y: 700 } }), node('b')];
    const positions = layoutPositions(nodes, []);
    expect(positions.get('a')).toEqual({ x: 500, y: 700 });
    expect(positions.get('b')!.y).toBeGreaterThan(700 + nodeHeight(nodes[0]));
    const forced = layoutPositions(nodes, [], DEFAULT_METRICS, true);
    expect(forced.get('a')).not.toEqual({ x: 500, y: 700 });
  });

  it('fits a box in the middle of the viewport', () => {
    const box = bounds(
      [node('a'), node('b')],
      new Map([
        ['a', { x: 0, y: 0 }],
        ['b', { x: 400, y: 200 }]
      ])
    );
    expect(box).toEqual({
      x: 0,
      y: 0,
      width: 400 + DEFAULT_METRICS.nodeWidth,
      height: 200 + nodeHeight(node('b'))
    });
    const t = fitTransform(
      { x: 0, y: 0, width: 100, height: 100 },
      { width: 300, height: 200 },
      0
    );
    expect(t).toEqual({ k: 1, x: 100, y: 50 });
  });

  it('redraws a node only when what it shows changes', () => {
    expect(signature(node('a'))).toEqual(
      signature(node('a', { position: { x: 1, y: 2 } }))
    );
    expect(signature(node('a'))).not.toEqual(
      signature(node('a', { className: 'jp-mod-status-running' }))
    );
  });
});
