/**
 * Drawing a canvas: nodes with their ports, header buttons and details; edges with their labels.
 * Plain DOM inside d3 joins by id, so that only what changed is drawn again.
 */
import * as d3 from 'd3';

import { nodeHeight, portOffset, portRows } from './geometry';
import { CanvasState } from './state';
import { fitText } from './textfit';
import { IGraphViewMetrics, IPoint, IViewEdge, IViewNode } from './types';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** A node's element, with the signature of what it was last drawn from. */
type NodeElement = SVGGElement & { __sig?: string };

/** The drag behaviour that starts a wire from an output port. */
export type WireDragBehavior = d3.DragBehavior<
  SVGGElement,
  { node: string; port: string },
  unknown
>;

/**
 * Draw `nodes` (by default every node of `state.graph`) into `layer`: elements are joined by id,
 * so that a node entering is created and one leaving is removed, the others kept; a node's
 * content is rebuilt only when its {@link signature} changed; every node is moved to its
 * position and marked when selected.
 */
export function renderNodes(
  layer: SVGGElement,
  state: CanvasState,
  selected: ReadonlySet<string>,
  behaviours: {
    nodeDrag: d3.DragBehavior<SVGGElement, IViewNode, unknown>;
    wireDrag: WireDragBehavior;
    onAction: (node: string, action: string) => void;
  },
  drawn: ReadonlyArray<IViewNode> = state.graph.nodes
): void {
  const m = state.metrics;
  const nodes = d3
    .select(layer)
    .selectAll<NodeElement, IViewNode>('g.jp-ForgeLab-GraphView-node')
    .data(drawn, d => d.id);
  nodes.exit().remove();
  const entered = nodes
    .enter()
    .append('g')
    .attr('data-id', d => d.id)
    .call(behaviours.nodeDrag);
  entered.merge(nodes).each(function (d) {
    const el = this as NodeElement;
    const sig = signature(d);
    if (el.__sig !== sig) {
      el.__sig = sig;
      drawNode(this, d, m, behaviours.wireDrag, behaviours.onAction, sig);
    }
  });
  d3.select(layer)
    .selectAll<NodeElement, IViewNode>('g.jp-ForgeLab-GraphView-node')
    .attr('transform', d => translate(state.positions.get(d.id)!))
    .classed('jp-mod-selected', d => selected.has(d.id));
}

/**
 * Draw `edges` (by default every edge of `state.graph`) into `layer`, joined by id, with their
 * labels; a click on one calls `onClick` (with the shift key's state).
 */
export function renderEdges(
  layer: SVGGElement,
  state: CanvasState,
  selected: ReadonlySet<string>,
  onClick: (edge: string, shift: boolean) => void,
  drawn: ReadonlyArray<IViewEdge> = state.graph.edges
): void {
  const edges = d3
    .select(layer)
    .selectAll<SVGGElement, IViewEdge>('g.jp-ForgeLab-GraphView-edge')
    .data(drawn, d => d.id);
  edges.exit().remove();
  const entered = edges
    .enter()
    .append('g')
    .attr('data-id', d => d.id);
  entered.append('path').attr('class', 'jp-ForgeLab-GraphView-edgeHit');
  entered.append('path').attr('class', 'jp-ForgeLab-GraphView-edgeLine');
  entered.on('click', (event: MouseEvent, d) => {
    event.stopPropagation();
    onClick(d.id, event.shiftKey);
  });
  const merged = entered.merge(edges);
  merged
    .attr('class', d => `jp-ForgeLab-GraphView-edge ${d.className ?? ''}`)
    .classed('jp-mod-selected', d => selected.has(d.id));
  merged.selectAll<SVGPathElement, IViewEdge>('path').attr('d', state.edgePath);
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
  placeEdgeLabels(merged, state);
}

/** Put edge labels at the middle of their edges, a little above the line. */
export function placeEdgeLabels(
  edges: d3.Selection<SVGGElement, IViewEdge, any, unknown>,
  state: CanvasState
): void {
  edges
    .select<SVGTextElement>('text.jp-ForgeLab-GraphView-edgeLabel')
    .each((d, i, groups) => {
      const from = state.anchor(d.source, 'out');
      const to = state.anchor(d.target, 'in');
      if (from && to) {
        groups[i].setAttribute('x', String((from.x + to.x) / 2));
        groups[i].setAttribute('y', String((from.y + to.y) / 2 - 4));
      }
    });
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

/** The SVG transform that puts a node's top-left corner at `p`. */
export function translate(p: IPoint): string {
  return `translate(${p.x},${p.y})`;
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

const TITLE = 'jp-ForgeLab-GraphView-title';
const SUBTITLE = 'jp-ForgeLab-GraphView-subtitle';
const DETAIL = 'jp-ForgeLab-GraphView-detail';
/** The 10 px texts, by an average character width where nothing can measure them. */
const SMALL = { fallbackPx: 6 };
const PORT = { port: true, fallbackPx: 6 };

/** The most drawings of node contents kept for cloning, per set of metrics. */
const TEMPLATE_LIMIT = 256;

/** Node contents drawn once, by metrics and {@link signature}, to be cloned for equal nodes. */
const templates = new WeakMap<IGraphViewMetrics, Map<string, SVGGElement>>();

/**
 * Draw a node's content. Nodes that draw the same (the same operation, say) are cloned from
 * one drawing: a deep clone costs a fraction of building the elements one attribute at a time,
 * which is most of the time to first render of a large pipeline. Only the node's id and its
 * listeners differ between clones; they are set here.
 */
export function drawNode(
  el: SVGGElement,
  d: IViewNode,
  m: IGraphViewMetrics,
  wireDrag: WireDragBehavior,
  onAction?: (node: string, action: string) => void,
  sig: string = signature(d)
): void {
  let byMetrics = templates.get(m);
  if (!byMetrics) {
    byMetrics = new Map();
    templates.set(m, byMetrics);
  }
  let template = byMetrics.get(sig);
  if (!template) {
    if (byMetrics.size >= TEMPLATE_LIMIT) {
      byMetrics.clear();
    }
    template = document.createElementNS(SVG_NS, 'g');
    drawContent(template, d, m);
    byMetrics.set(sig, template);
  }
  el.setAttribute('class', template.getAttribute('class')!);
  el.textContent = '';
  const clone = template.cloneNode(true) as SVGGElement;
  let child = clone.firstElementChild;
  while (child) {
    const next = child.nextElementSibling;
    if (child.classList.contains('jp-ForgeLab-GraphView-port')) {
      child.setAttribute('data-node', d.id);
      if (child.classList.contains('jp-mod-out')) {
        d3.select(child as SVGGElement)
          .datum({ node: d.id, port: child.getAttribute('data-port')! })
          .call(wireDrag);
      }
    } else if (child.classList.contains('jp-ForgeLab-GraphView-action')) {
      const action = child.getAttribute('data-action')!;
      // Not the start of a node drag: the button only clicks.
      child.addEventListener('mousedown', event => event.stopPropagation());
      child.addEventListener('click', event => {
        event.stopPropagation();
        onAction?.(d.id, action);
      });
    }
    el.appendChild(child);
    child = next;
  }
}

/** Draw what a node shows into `el` (plain DOM: faster than d3 joins for hundreds of nodes). */
function drawContent(
  el: SVGGElement,
  d: IViewNode,
  m: IGraphViewMetrics
): void {
  el.textContent = '';
  const issues = d.issues ?? [];
  el.setAttribute(
    'class',
    `jp-ForgeLab-GraphView-node ${d.className ?? ''}${issues.length ? ' jp-mod-issue' : ''}`
  );
  const height = nodeHeight(d, m);
  // Texts are cut to the node's width; what was cut is whole in the node's tooltip.
  const actions = d.actions ?? [];
  const rightmost = actions.length
    ? m.nodeWidth - (issues.length ? 36 : 14) - (actions.length - 1) * 20 - 8
    : m.nodeWidth - (issues.length ? 22 : 0);
  const title = fitText(d.title, TITLE, rightmost - 14);
  const subtitle =
    d.subtitle && fitText(d.subtitle, SUBTITLE, m.nodeWidth - 18, SMALL);
  const details = (d.details ?? []).map(line =>
    fitText(line, DETAIL, m.nodeWidth - 18, SMALL)
  );
  svg(
    el,
    'title',
    {},
    [
      d.title,
      ...(subtitle !== d.subtitle ? [d.subtitle] : []),
      ...(d.details ?? []).filter((line, i) => details[i] !== line),
      ...issues.map(i => `⚠ ${i}`),
      ...(d.notes ?? [])
    ].join('\n')
  );
  svg(el, 'rect', {
    class: 'jp-ForgeLab-GraphView-body',
    width: m.nodeWidth,
    height,
    rx: 6
  });
  svg(el, 'text', { class: TITLE, x: 10, y: 16 }, title);
  if (subtitle) {
    svg(el, 'text', { class: SUBTITLE, x: 10, y: 30 }, subtitle);
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
  actions.forEach((action, i) => {
    const button = svg(el, 'g', {
      class: 'jp-ForgeLab-GraphView-action',
      'data-action': action.id,
      role: 'button',
      transform: `translate(${m.nodeWidth - (issues.length ? 36 : 14) - i * 20},14)`
    });
    svg(button, 'title', {}, action.label);
    svg(button, 'rect', { x: -8, y: -8, width: 16, height: 16, rx: 3 });
    svg(button, 'text', { 'text-anchor': 'middle', y: 4 }, action.glyph);
  });
  const portGroup = (
    direction: 'in' | 'out',
    name: string,
    type: string | undefined,
    i: number
  ) => {
    const at = portOffset(d, direction, name, m)!;
    const g = svg(el, 'g', {
      class: `jp-ForgeLab-GraphView-port jp-mod-${direction}`,
      'data-port': name,
      transform: translate(at)
    });
    svg(g, 'title', {}, `${name}${type && type !== 'any' ? `: ${type}` : ''}`);
    svg(g, 'circle', { r: 5 });
    if (m.flow === 'TB') {
      return; // on the top or bottom edge: named in the tooltip only
    }
    svg(
      g,
      'text',
      {
        x: direction === 'in' ? 9 : -9,
        y: 4,
        'text-anchor': direction === 'in' ? 'start' : 'end'
      },
      // A row with an input and an output shares the width between their labels.
      fitText(
        name,
        '',
        (i < d.inputs.length && i < d.outputs.length
          ? m.nodeWidth / 2
          : m.nodeWidth) - 22,
        PORT
      )
    );
  };
  d.inputs.forEach((p, i) => portGroup('in', p.name, p.type, i));
  d.outputs.forEach((p, i) => portGroup('out', p.name, p.type, i));
  const rows = portRows(d, m);
  details.forEach((line, i) =>
    svg(
      el,
      'text',
      {
        class: DETAIL,
        x: 10,
        y: m.headerHeight + rows * m.portRow + i * m.detailRow + 10
      },
      line
    )
  );
}
