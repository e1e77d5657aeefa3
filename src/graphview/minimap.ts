/**
 * The minimap: the whole graph in small with the visible part outlined; pressing or dragging
 * on it centres the view there. Shown from {@link MINIMAP_MIN_NODES} nodes on.
 */
import * as d3 from 'd3';

import { bounds, nodeHeight } from './geometry';
import { IGraphViewMetrics, IPoint, IViewNode } from './types';

/** The minimap shows from this many nodes on. */
export const MINIMAP_MIN_NODES = 12;

/** The minimap part of a canvas. */
export class Minimap {
  /** Add the minimap to `container`; a press at a graph point calls `centreOn` with it. */
  constructor(
    container: HTMLElement,
    private readonly _centreOn: (p: IPoint) => void
  ) {
    const minimap = d3
      .select(container)
      .append('svg')
      .attr('class', 'jp-ForgeLab-GraphView-minimap');
    this._svg = minimap;
    this._nodes = minimap.append('g');
    this._view = minimap
      .append('rect')
      .attr('class', 'jp-ForgeLab-GraphView-minimapView');
    minimap.on('mousedown', (event: MouseEvent) => this._onPress(event));
  }

  /**
   * Draw `nodes` at `positions` (hidden below {@link MINIMAP_MIN_NODES} nodes); `false` when
   * there is nothing to draw.
   */
  render(
    nodes: ReadonlyArray<IViewNode>,
    positions: ReadonlyMap<string, IPoint>,
    m: IGraphViewMetrics
  ): boolean {
    this._svg.classed('jp-mod-hidden', nodes.length < MINIMAP_MIN_NODES);
    if (!nodes.length) {
      return false;
    }
    const box = bounds(nodes, positions, m);
    const pad = 40;
    const b = {
      x: box.x - pad,
      y: box.y - pad,
      width: box.width + 2 * pad,
      height: box.height + 2 * pad
    };
    this._svg
      .attr('viewBox', `${b.x} ${b.y} ${b.width} ${b.height}`)
      .attr('preserveAspectRatio', 'xMidYMid meet');
    const rects = this._nodes
      .selectAll<SVGRectElement, IViewNode>('rect')
      .data(nodes, d => d.id);
    rects.exit().remove();
    rects
      .enter()
      .append('rect')
      .merge(rects)
      .attr(
        'class',
        d => `jp-ForgeLab-GraphView-minimapNode ${d.className ?? ''}`
      )
      .attr('x', d => positions.get(d.id)!.x)
      .attr('y', d => positions.get(d.id)!.y)
      .attr('width', m.nodeWidth)
      .attr('height', d => nodeHeight(d, m));
    return true;
  }

  /** Outline the part of the graph a canvas of `size` shows under `transform`. */
  showView(
    transform: d3.ZoomTransform,
    size: { width: number; height: number }
  ): void {
    const [x0, y0] = transform.invert([0, 0]);
    const [x1, y1] = transform.invert([size.width, size.height]);
    this._view
      .attr('x', x0)
      .attr('y', y0)
      .attr('width', Math.max(0, x1 - x0))
      .attr('height', Math.max(0, y1 - y0));
  }

  private _onPress(event: MouseEvent): void {
    event.preventDefault();
    event.stopPropagation();
    const svg = this._svg.node()!;
    const centre = (e: MouseEvent) => {
      const ctm = svg.getScreenCTM();
      if (!ctm) {
        return;
      }
      const p = new DOMPoint(e.clientX, e.clientY).matrixTransform(
        ctm.inverse()
      );
      this._centreOn({ x: p.x, y: p.y });
    };
    centre(event);
    const up = () => {
      window.removeEventListener('mousemove', centre);
      window.removeEventListener('mouseup', up);
    };
    window.addEventListener('mousemove', centre);
    window.addEventListener('mouseup', up);
  }

  private _svg: d3.Selection<SVGSVGElement, unknown, null, undefined>;
  private _nodes: d3.Selection<SVGGElement, unknown, null, undefined>;
  private _view: d3.Selection<SVGRectElement, unknown, null, undefined>;
}
