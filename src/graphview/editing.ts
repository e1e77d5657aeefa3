/**
 * Editing a graph model through the canvas: the delegate over the model interface both editors'
 * models implement, dropping palette items on the canvas, and where a new node goes.
 */
import { IDisposable } from '@lumino/disposable';

import {
  ConnectResult,
  IEditableGraphModel,
  IGraphClip,
  IGraphEndpoint
} from '../graph';
import { IGraphViewDelegate, IPoint } from './types';
import { GraphView } from './view';

/**
 * The canvas delegate of an editable model: every user action goes to the model; pasted text
 * that is not JSON or not a clip of `clipFormat` is ignored.
 */
export class ModelDelegate<
  TClip extends IGraphClip
> implements IGraphViewDelegate {
  /** Delegate the canvas's edits to `model`, whose clips are tagged `clipFormat`. */
  constructor(
    readonly model: IEditableGraphModel<TClip>,
    readonly clipFormat: TClip['format']
  ) {}

  /** {@inheritDoc IGraphViewDelegate.checkConnection} */
  checkConnection(
    source: IGraphEndpoint,
    target: IGraphEndpoint
  ): string | null {
    return this.model.checkConnection(source, target);
  }

  /** {@inheritDoc IGraphViewDelegate.connect} */
  connect(source: IGraphEndpoint, target: IGraphEndpoint): ConnectResult {
    return this.model.connect(source, target);
  }

  /** {@inheritDoc IGraphViewDelegate.moveNodes} */
  moveNodes(positions: ReadonlyMap<string, IPoint>): void {
    this.model.moveNodes(positions);
  }

  /** {@inheritDoc IGraphViewDelegate.remove} */
  remove(nodes: string[], edges: string[]): void {
    this.model.remove(nodes, edges);
  }

  /** {@inheritDoc IGraphViewDelegate.copy} */
  copy(nodes: string[]): string {
    return JSON.stringify(this.model.copy(nodes));
  }

  /** {@inheritDoc IGraphViewDelegate.paste} */
  paste(text: string): string[] {
    let clip: TClip;
    try {
      clip = JSON.parse(text);
    } catch {
      return [];
    }
    if (clip?.format !== this.clipFormat) {
      return [];
    }
    return this.model.paste(clip);
  }

  /** {@inheritDoc IGraphViewDelegate.undo} */
  undo(): void {
    this.model.undo();
  }

  /** {@inheritDoc IGraphViewDelegate.redo} */
  redo(): void {
    this.model.redo();
  }
}

/**
 * Lets a palette's items be dropped on a canvas: data of type `mime` dropped at a point is
 * handed to `drop` with the top-left corner a node there would have.
 */
export class PaletteDropTarget implements IDisposable {
  /** Listen for drops of `mime` on `canvas`. */
  constructor(
    readonly canvas: GraphView,
    readonly mime: string,
    private readonly _drop: (data: string, at: IPoint) => void
  ) {
    canvas.node.addEventListener('dragover', this);
    canvas.node.addEventListener('drop', this);
  }

  /** Whether the listeners were removed. */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Handle the canvas's `dragover` and `drop` events. */
  handleEvent(event: Event): void {
    const drag = event as DragEvent;
    if (!drag.dataTransfer?.types.includes(this.mime)) {
      return;
    }
    event.preventDefault();
    if (event.type === 'dragover') {
      drag.dataTransfer.dropEffect = 'copy';
    } else if (event.type === 'drop') {
      const p = this.canvas.clientToGraph(drag.clientX, drag.clientY);
      this._drop(drag.dataTransfer.getData(this.mime), {
        x: p.x - this.canvas.metrics.nodeWidth / 2,
        y: p.y - 20
      });
      this.canvas.node.focus();
    }
  }

  /** Stop listening. */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this.canvas.node.removeEventListener('dragover', this);
    this.canvas.node.removeEventListener('drop', this);
  }

  private _isDisposed = false;
}

/**
 * Where a node added without a place goes: the middle of the canvas's view, or right of it
 * while that spot is taken by one of `nodes` (repeated clicks on a palette item).
 */
export function freeSpot(
  canvas: GraphView,
  nodes: ReadonlyArray<{ id: string; position?: IPoint | null }>
): IPoint {
  const c = canvas.visibleCenter();
  const width = canvas.metrics.nodeWidth;
  const taken = (p: IPoint) =>
    nodes.some(n => {
      const q = canvas.positionOf(n.id) ?? n.position;
      return q && Math.abs(q.x - p.x) < width + 20 && Math.abs(q.y - p.y) < 80;
    });
  let p = { x: Math.round(c.x), y: Math.round(c.y) };
  for (let i = 0; i < 200 && taken(p); i++) {
    p = { x: p.x + width + 60, y: p.y };
  }
  return p;
}
