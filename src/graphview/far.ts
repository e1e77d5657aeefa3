/**
 * The far view of a large graph: zoomed out until titles are too small to read, each node is one
 * `<rect>` coloured by its state and all edges are one `<path>` of straight lines, a few elements
 * where the near drawing has some twenty per node.
 */
import * as d3 from 'd3';

import { nodeHeight } from './geometry';
import { CanvasState } from './state';
import { IViewEdge, IViewNode } from './types';

/** The class of a node's box in the far view (its `data-id` is the node's id). */
export const FAR_NODE_CLASS = 'jp-ForgeLab-GraphView-farNode';

/** The class of the one path that draws every edge of the far view. */
export const FAR_EDGES_CLASS = 'jp-ForgeLab-GraphView-farEdges';

/**
 * Draw `nodes` as boxes into `nodesLayer` and `edges` as one path into `edgesLayer`, joined by
 * id; empty arrays take the far view away. Boxes are dragged (and so selected) with `nodeDrag`.
 */
export function renderFar(
  nodesLayer: SVGGElement,
  edgesLayer: SVGGElement,
  state: CanvasState,
  nodes: ReadonlyArray<IViewNode>,
  edges: ReadonlyArray<IViewEdge>,
  selected: ReadonlySet<string>,
  nodeDrag: d3.DragBehavior<SVGRectElement, IViewNode, unknown>
): void {
  const m = state.metrics;
  const boxes = d3
    .select(nodesLayer)
    .selectAll<SVGRectElement, IViewNode>(`rect.${FAR_NODE_CLASS}`)
    .data(nodes, d => d.id);
  boxes.exit().remove();
  boxes
    .enter()
    .append('rect')
    .attr('data-id', d => d.id)
    .attr('rx', 6)
    .call(nodeDrag)
    .merge(boxes)
    .attr('class', d => `${FAR_NODE_CLASS} ${d.className ?? ''}`)
    .classed('jp-mod-selected', d => selected.has(d.id))
    .attr('x', d => state.positions.get(d.id)!.x)
    .attr('y', d => state.positions.get(d.id)!.y)
    .attr('width', m.nodeWidth)
    .attr('height', d => nodeHeight(d, m));
  const path = d3
    .select(edgesLayer)
    .selectAll<SVGPathElement, unknown>(`path.${FAR_EDGES_CLASS}`)
    .data(edges.length ? [farEdgesPath(edges, state)] : []);
  path.exit().remove();
  path
    .enter()
    .append('path')
    .attr('class', FAR_EDGES_CLASS)
    .merge(path)
    .attr('d', d => d);
}

/** One path of straight lines between the anchors of `edges` (those with both ends placed). */
export function farEdgesPath(
  edges: ReadonlyArray<IViewEdge>,
  state: CanvasState
): string {
  const parts: string[] = [];
  for (const e of edges) {
    const from = state.anchor(e.source, 'out');
    const to = state.anchor(e.target, 'in');
    if (from && to) {
      parts.push(`M${from.x},${from.y}L${to.x},${to.y}`);
    }
  }
  return parts.join('');
}
