import { Widget } from '@lumino/widgets';

import { GraphView } from '../view';
import { IGraphViewDelegate, IViewGraph } from '../types';

const noop: IGraphViewDelegate = {
  checkConnection: () => null,
  connect: () => ({ ok: false, reason: 'no' }),
  moveNodes: () => undefined,
  remove: () => undefined,
  copy: () => '',
  paste: () => [],
  undo: () => undefined,
  redo: () => undefined
};

function graph(label?: string): IViewGraph {
  return {
    nodes: [
      {
        id: 'a',
        title: 'a',
        inputs: [],
        outputs: [{ name: 'out' }],
        position: { x: 0, y: 0 }
      },
      {
        id: 'b',
        title: 'b',
        inputs: [{ name: '0' }],
        outputs: [],
        position: { x: 300, y: 100 }
      }
    ],
    edges: [
      {
        id: 'e',
        source: { node: 'a', port: 'out' },
        target: { node: 'b', port: '0' },
        label
      }
    ]
  };
}

const labels = (view: GraphView) =>
  [...view.node.querySelectorAll('text.jp-ForgeLab-GraphView-edgeLabel')].map(
    t => t.textContent
  );

describe('GraphView edge labels', () => {
  let view: GraphView;

  beforeEach(() => {
    view = new GraphView({ delegate: noop });
    Widget.attach(view, document.body);
  });

  afterEach(() => view.dispose());

  it('draws an edge’s label between its two ends, and updates and removes it', () => {
    view.render(graph('(None, 10)'));
    expect(labels(view)).toEqual(['(None, 10)']);
    const text = view.node.querySelector(
      'text.jp-ForgeLab-GraphView-edgeLabel'
    )!;
    const x = Number(text.getAttribute('x'));
    expect(x).toBeGreaterThan(0);
    expect(x).toBeLessThan(300);
    view.render(graph('#1 (None, 4)'));
    expect(labels(view)).toEqual(['#1 (None, 4)']);
    view.render(graph());
    expect(labels(view)).toEqual([]);
  });
});
