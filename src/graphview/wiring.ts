/**
 * Wiring: dragging from an output port to an input port draws a wire; the delegate says while
 * dragging whether the target port accepts it, and makes the connection on release.
 */
import * as d3 from 'd3';

import { IGraphEndpoint } from '../graph';
import { edgePath } from './geometry';
import { WireDragBehavior } from './render';
import { CanvasState } from './state';
import { IGraphViewDelegate, IPoint } from './types';

/** Where the wiring part reports what it finds. */
export interface IWiringHost {
  /** The canvas's element (marked while wiring; ports outside it are ignored). */
  readonly node: HTMLElement;
  /** Asked whether a wire may end at a port, and told to connect. */
  readonly delegate: IGraphViewDelegate;
  /** Show why a wire is refused (`ms` 0: until hidden). */
  showMessage(text: string, kind: 'error' | 'info', ms?: number): void;
  /** Hide the message. */
  hideMessage(): void;
}

/** The wiring part of a canvas. */
export class Wiring {
  /** Draw wires in `viewport` (above the nodes of `nodesLayer`). */
  constructor(
    private readonly _host: IWiringHost,
    private readonly _state: CanvasState,
    viewport: SVGGElement,
    private readonly _nodesLayer: SVGGElement
  ) {
    this._wire = d3
      .select(viewport)
      .append('path')
      .attr('class', 'jp-ForgeLab-GraphView-wire')
      .style('display', 'none');
    this.behavior = d3
      .drag<SVGGElement, { node: string; port: string }>()
      .filter((event: any) => !event.button)
      .on('start', (event, d) => this._onStart(event, d))
      .on('drag', event => this._onDrag(event))
      .on('end', event => this._onEnd(event));
  }

  /** The d3 behaviour each output port is called with. */
  readonly behavior: WireDragBehavior;

  private _onStart(
    event: d3.D3DragEvent<SVGGElement, unknown, unknown>,
    d: { node: string; port: string }
  ): void {
    this._source = { node: d.node, port: d.port };
    const from = this._state.anchor(this._source, 'out');
    if (!from) {
      this._source = null;
      return;
    }
    this._from = from;
    this._host.node.classList.add('jp-mod-wiring');
    this._wire
      .style('display', null)
      .attr(
        'd',
        edgePath(
          from,
          this._state.pointer(event.sourceEvent as MouseEvent),
          this._state.metrics.flow
        )
      );
  }

  private _onDrag(event: d3.D3DragEvent<SVGGElement, unknown, unknown>): void {
    if (!this._source || !this._from) {
      return;
    }
    const source = event.sourceEvent as MouseEvent;
    const target = this._portAt(source.clientX, source.clientY);
    this._clearTargets();
    let to = this._state.pointer(source);
    this._wire.classed('jp-mod-refused', false);
    if (target) {
      const reason = this._host.delegate.checkConnection(
        this._source,
        target.end
      );
      d3.select(target.element)
        .classed('jp-mod-target', true)
        .classed('jp-mod-refused', !!reason);
      this._wire.classed('jp-mod-refused', !!reason);
      to = this._state.anchor(target.end, 'in') ?? to;
      if (reason) {
        this._host.showMessage(reason, 'error', 0);
      } else {
        this._host.hideMessage();
      }
    } else {
      this._host.hideMessage();
    }
    this._wire.attr('d', edgePath(this._from, to, this._state.metrics.flow));
  }

  private _onEnd(event: d3.D3DragEvent<SVGGElement, unknown, unknown>): void {
    const sourceEnd = this._source;
    this._source = null;
    this._from = null;
    this._host.node.classList.remove('jp-mod-wiring');
    this._wire.style('display', 'none').classed('jp-mod-refused', false);
    this._clearTargets();
    if (!sourceEnd) {
      return;
    }
    const source = event.sourceEvent as MouseEvent;
    const target = this._portAt(source.clientX, source.clientY);
    if (!target) {
      this._host.hideMessage();
      return;
    }
    const result = this._host.delegate.connect(sourceEnd, target.end);
    if (result.ok) {
      this._host.hideMessage();
    } else {
      this._host.showMessage(result.reason, 'error');
    }
  }

  private _clearTargets(): void {
    d3.select(this._nodesLayer)
      .selectAll('.jp-ForgeLab-GraphView-port.jp-mod-target')
      .classed('jp-mod-target jp-mod-refused', false);
  }

  /** The input port under a point of the window, if it is one of this canvas's. */
  private _portAt(
    clientX: number,
    clientY: number
  ): { element: Element; end: IGraphEndpoint } | null {
    const hit = document.elementFromPoint(clientX, clientY);
    const element = hit?.closest('.jp-ForgeLab-GraphView-port.jp-mod-in');
    if (!element || !this._host.node.contains(element)) {
      return null;
    }
    return {
      element,
      end: {
        node: element.getAttribute('data-node')!,
        port: element.getAttribute('data-port')!
      }
    };
  }

  private _wire: d3.Selection<SVGPathElement, unknown, null, undefined>;
  private _source: IGraphEndpoint | null = null;
  private _from: IPoint | null = null;
}
