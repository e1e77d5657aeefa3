import { Widget } from '@lumino/widgets';

import { GraphView } from '../view';
import { IGraphViewDelegate, IViewGraph, IViewNode } from '../types';

function node(id: string, extra: Partial<IViewNode> = {}): IViewNode {
  return {
    id,
    title: id,
    inputs: [{ name: 'x' }],
    outputs: [{ name: 'y' }],
    ...extra
  };
}

function delegate(log: string[]): IGraphViewDelegate {
  return {
    checkConnection: () => null,
    connect: (s, t) => {
      log.push(`connect ${s.node}->${t.node}`);
      return { ok: false, reason: 'no' };
    },
    moveNodes: p => log.push(`move ${[...p.keys()]}`),
    remove: (n, e) => log.push(`remove ${n} | ${e}`),
    copy: n => JSON.stringify(n),
    paste: text => {
      log.push(`paste ${text}`);
      return [];
    },
    undo: () => log.push('undo'),
    redo: () => log.push('redo')
  };
}

describe('GraphView', () => {
  let view: GraphView;
  let log: string[];
  const graph: IViewGraph = {
    nodes: [node('a', { position: { x: 0, y: 0 } }), node('b'), node('c')],
    edges: [
      {
        id: 'e1',
        source: { node: 'a', port: 'y' },
        target: { node: 'b', port: 'x' }
      },
      {
        id: 'e2',
        source: { node: 'b', port: 'y' },
        target: { node: 'c', port: 'x' }
      }
    ]
  };

  beforeEach(() => {
    log = [];
    view = new GraphView({ delegate: delegate(log) });
    Widget.attach(view, document.body);
    view.render(graph);
  });

  afterEach(() => {
    view.dispose();
  });

  it('draws one element per node and edge, with ports', () => {
    expect(
      view.node.querySelectorAll('g.jp-ForgeLab-GraphView-node')
    ).toHaveLength(3);
    expect(
      view.node.querySelectorAll('g.jp-ForgeLab-GraphView-edge')
    ).toHaveLength(2);
    expect(
      view.node.querySelectorAll(
        '.jp-ForgeLab-GraphView-port.jp-mod-out[data-node="a"][data-port="y"]'
      )
    ).toHaveLength(1);
    expect(view.positionOf('a')).toEqual({ x: 0, y: 0 });
    expect(view.positionOf('b')).toBeDefined();
    const d = view.node.querySelector(
      'g.jp-ForgeLab-GraphView-edge[data-id="e1"] .jp-ForgeLab-GraphView-edgeLine'
    )!;
    expect(d.getAttribute('d')).toMatch(/^M180,45C/);
  });

  it('keeps the elements of unchanged nodes and redraws only the changed one', () => {
    const before = [
      ...view.node.querySelectorAll('g.jp-ForgeLab-GraphView-node')
    ];
    const title = before[1].querySelector('.jp-ForgeLab-GraphView-title');
    view.render({
      nodes: [
        graph.nodes[0],
        node('b'),
        node('c', { issues: ['Input x is not connected'] })
      ],
      edges: graph.edges.slice(0, 1)
    });
    const after = [
      ...view.node.querySelectorAll('g.jp-ForgeLab-GraphView-node')
    ];
    expect(after).toEqual(before);
    expect(after[1].querySelector('.jp-ForgeLab-GraphView-title')).toBe(title);
    expect(after[2].classList.contains('jp-mod-issue')).toBe(true);
    expect(after[2].querySelector('title')!.textContent).toContain(
      'Input x is not connected'
    );
    expect(
      view.node.querySelectorAll('g.jp-ForgeLab-GraphView-edge')
    ).toHaveLength(1);
  });

  it('copies, pastes and cuts from the keyboard; Delete and Ctrl+Z are commands', () => {
    view.select(['a'], ['e2']);
    const key = (k: string, init: KeyboardEventInit = {}) =>
      view.node.dispatchEvent(
        new KeyboardEvent('keydown', {
          key: k,
          bubbles: true,
          cancelable: true,
          ...init
        })
      );
    key('c', { ctrlKey: true });
    key('v', { ctrlKey: true });
    // Delete, Undo and Redo are JupyterLab commands (shortcuts in the settings): not the canvas's.
    key('z', { ctrlKey: true });
    key('Delete');
    // Pasting selects what was pasted (nothing here): select again to cut.
    view.select(['a'], ['e2']);
    key('x', { ctrlKey: true });
    expect(log).toEqual(['paste ["a"]', 'remove a | e2']);
    expect(view.selection.nodes.size).toBe(0);
  });

  it('duplicates the selection, undoes and redoes through its methods', () => {
    view.select(['a']);
    view.duplicateSelection();
    view.undo();
    view.redo();
    expect(log).toEqual(['paste ["a"]', 'undo', 'redo']);
  });

  it('drops the selection of nodes that disappear and says so', () => {
    const seen: number[] = [];
    view.selectionChanged.connect((_, s) => seen.push(s.nodes.size));
    view.select(['a', 'c']);
    view.render({
      nodes: graph.nodes.slice(0, 2),
      edges: graph.edges.slice(0, 1)
    });
    expect([...view.selection.nodes]).toEqual(['a']);
    expect(seen).toEqual([2, 1]);
  });

  it("reports a click on a node's header button, without selecting or dragging", () => {
    const actions: string[] = [];
    view.nodeAction.connect((_, a) => actions.push(`${a.node}:${a.action}`));
    view.render({
      nodes: [
        node('a', {
          position: { x: 0, y: 0 },
          actions: [{ id: 'source', label: 'Show the source', glyph: '</>' }]
        }),
        node('b')
      ],
      edges: []
    });
    const button = view.node.querySelector<SVGGElement>(
      'g.jp-ForgeLab-GraphView-node[data-id="a"] .jp-ForgeLab-GraphView-action'
    )!;
    expect(button.getAttribute('data-action')).toBe('source');
    expect(button.querySelector('title')!.textContent).toBe('Show the source');
    button.dispatchEvent(new MouseEvent('mousedown', { bubbles: true }));
    button.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    expect(actions).toEqual(['a:source']);
    expect(view.selection.nodes.size).toBe(0);
    expect(log).toEqual([]);
    expect(
      view.node.querySelector(
        'g.jp-ForgeLab-GraphView-node[data-id="b"] .jp-ForgeLab-GraphView-action'
      )
    ).toBeNull();
  });

  it('draws nodes that look alike each with its own id, ports and buttons', () => {
    const actions: string[] = [];
    view.nodeAction.connect((_, a) => actions.push(`${a.node}:${a.action}`));
    const same = {
      title: 'Step',
      actions: [{ id: 'source', label: 'Show the source', glyph: '</>' }]
    };
    view.render({
      nodes: [
        node('p', { ...same, position: { x: 0, y: 0 } }),
        node('q', { ...same, position: { x: 300, y: 0 } })
      ],
      edges: []
    });
    for (const id of ['p', 'q']) {
      const el = view.node.querySelector(
        `g.jp-ForgeLab-GraphView-node[data-id="${id}"]`
      )!;
      expect(
        el.querySelector('.jp-ForgeLab-GraphView-title')!.textContent
      ).toBe('Step');
      expect(
        [...el.querySelectorAll('.jp-ForgeLab-GraphView-port')].map(p =>
          p.getAttribute('data-node')
        )
      ).toEqual([id, id]);
      const button = el.querySelector('.jp-ForgeLab-GraphView-action')!;
      button.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    }
    expect(actions).toEqual(['p:source', 'q:source']);
    const [p, q] = view.node.querySelectorAll('g.jp-ForgeLab-GraphView-node');
    expect(p.querySelector('rect')).not.toBe(q.querySelector('rect'));
  });

  it('shows a message that says why', () => {
    view.showMessage('would create a cycle');
    const message = view.node.querySelector('.jp-ForgeLab-GraphView-message')!;
    expect(message.textContent).toBe('would create a cycle');
    expect(message.classList.contains('jp-mod-visible')).toBe(true);
  });

  it('draws nothing while held, then the latest graph it was given', async () => {
    const held = new GraphView({ delegate: delegate(log) });
    Widget.attach(held, document.body);
    let ready!: () => void;
    held.holdUntil(new Promise<void>(resolve => (ready = resolve)));
    held.render({ nodes: [node('old')], edges: [] });
    held.render(graph);
    const drawn = () =>
      [...held.node.querySelectorAll('g.jp-ForgeLab-GraphView-node')].map(n =>
        n.getAttribute('data-id')
      );
    expect(drawn()).toEqual([]);
    ready();
    await Promise.resolve();
    await Promise.resolve();
    expect(drawn()).toEqual(['a', 'b', 'c']);
    held.dispose();
  });
});
