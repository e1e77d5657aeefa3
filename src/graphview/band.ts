/**
 * Band selection: shift-dragging on the empty canvas draws a band, and the nodes it touches
 * join the selection.
 */
import * as d3 from 'd3';

import { intersects, nodeHeight } from './geometry';
import { SelectionState } from './selection';
import { CanvasState } from './state';
import { IRect } from './types';

/** The band-selection part of a canvas. */
export class BandSelection {
  /** Draw the band in `viewport`; start on shift-drags that begin on `canvas` itself. */
  constructor(
    private readonly _state: CanvasState,
    private readonly _selection: SelectionState,
    private readonly _canvas: SVGSVGElement,
    viewport: SVGGElement
  ) {
    this._band = d3
      .select(viewport)
      .append('rect')
      .attr('class', 'jp-ForgeLab-GraphView-band')
      .style('display', 'none');
    d3.select(_canvas).on('mousedown.band', (event: MouseEvent) =>
      this._onStart(event)
    );
  }

  /** Stop listening to the canvas. */
  dispose(): void {
    d3.select(this._canvas).on('mousedown.band', null);
  }

  private _onStart(event: MouseEvent): void {
    if (
      !event.shiftKey ||
      event.button !== 0 ||
      event.target !== this._canvas
    ) {
      return;
    }
    event.preventDefault();
    const state = this._state;
    const m = state.metrics;
    const start = state.pointer(event);
    const before = new Set(this._selection.nodes);
    let moved = false;
    const move = (e: MouseEvent) => {
      moved = true;
      const p = state.pointer(e);
      const box: IRect = {
        x: Math.min(start.x, p.x),
        y: Math.min(start.y, p.y),
        width: Math.abs(p.x - start.x),
        height: Math.abs(p.y - start.y)
      };
      this._band
        .style('display', null)
        .attr('x', box.x)
        .attr('y', box.y)
        .attr('width', box.width)
        .attr('height', box.height);
      const inside = state.graph.nodes
        .filter(n => {
          const q = state.positions.get(n.id)!;
          return intersects(box, {
            x: q.x,
            y: q.y,
            width: m.nodeWidth,
            height: nodeHeight(n, m)
          });
        })
        .map(n => n.id);
      this._selection.nodes = new Set([...before, ...inside]);
      this._selection.apply();
    };
    const up = () => {
      this._band.style('display', 'none');
      window.removeEventListener('mousemove', move);
      window.removeEventListener('mouseup', up);
      if (moved) {
        // The click that ends a band is no click on the empty canvas, which would clear the
        // selection just made; it follows the mouseup at once, or never.
        const swallow = (e: MouseEvent) => e.stopPropagation();
        window.addEventListener('click', swallow, {
          capture: true,
          once: true
        });
        window.setTimeout(
          () => window.removeEventListener('click', swallow, { capture: true }),
          0
        );
      }
    };
    window.addEventListener('mousemove', move);
    window.addEventListener('mouseup', up);
  }

  private _band: d3.Selection<SVGRectElement, unknown, null, undefined>;
}
