/**
 * Shape feedback: after each edit (debounced), the kernel builds the model symbolically
 * (`arch.check`) and answers each layer's output shapes and parameter counts, or the
 * framework's error on the layer that caused it. A newer edit makes the answer to an older one
 * irrelevant: it is dropped when it arrives.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { Architecture } from '../formats';

/** One layer's outcome of a check. */
export interface ILayerCheck {
  /** The layer id. */
  id: string;
  /** The layer class. */
  type?: string;
  /** `ok`, `error` (this layer failed), or `not_computed` (an earlier layer failed). */
  status: 'ok' | 'error' | 'not_computed';
  /** The shape of each output (batch dimension first, `null` where unknown). */
  output_shapes?: (number | null)[][];
  /** The dtype of each output. */
  dtypes?: string[];
  /** The layer's parameter count. */
  params?: number;
  /** Its trainable parameter count. */
  trainable_params?: number;
  /** The framework's message, when `status` is `error`. */
  error?: string;
}

/** The kernel's answer to `arch.check`. */
export interface ICheckResult {
  /** Whether the whole model could be built. */
  ok: boolean;
  /** The Keras version that built it. */
  keras_version?: string;
  /** Problems of the document itself (unknown inputs, cycles...). */
  document_errors?: string[];
  /** The outcome per layer id. */
  layers: Record<string, ILayerCheck>;
  /** The model's output shapes. */
  output_shapes?: (number | null)[][];
  /** The model's parameter count. */
  total_params?: number;
  /** Its trainable parameter count. */
  trainable_params?: number;
}

/** Where the shape feedback stands. */
export type ShapeCheckState =
  'idle' | 'waiting' | 'checking' | 'done' | 'unavailable';

/** How long after an edit the check is sent, in milliseconds. */
export const CHECK_DEBOUNCE_MS = 150;

/** Asks the kernel to check a document. */
export type CheckRequest = (document: Architecture) => Promise<ICheckResult>;

/** Debounced, cancel-on-newer shape checks of one document. */
export class ShapeChecker {
  /** Create a checker sending its checks through `request`. */
  constructor(
    private readonly _request: CheckRequest,
    readonly debounceMs = CHECK_DEBOUNCE_MS
  ) {}

  /** Emitted when `state`, `result` or `error` change. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** Where the feedback stands. */
  get state(): ShapeCheckState {
    return this._state;
  }

  /** The answer to the latest check that was answered. */
  get result(): ICheckResult | null {
    return this._result;
  }

  /** Why the latest check got no answer (kernel dead, busy, ForgeLab not loaded...). */
  get error(): string | null {
    return this._error;
  }

  /** Check `document` once no newer edit came for `debounceMs`. */
  schedule(document: Architecture): void {
    this._generation++;
    if (this._timer !== null) {
      clearTimeout(this._timer);
    }
    this._timer = setTimeout(() => {
      this._timer = null;
      void this.check(document);
    }, this.debounceMs);
    this._set('waiting');
  }

  /** Check `document` now; an answer that arrives after a newer edit is dropped. */
  async check(document: Architecture): Promise<void> {
    const generation = ++this._generation;
    this._set('checking');
    try {
      const result = await this._request(document);
      if (generation === this._generation && !this._disposed) {
        this._result = result;
        this._error = null;
        this._set('done', true);
      }
    } catch (error) {
      if (generation === this._generation && !this._disposed) {
        this._error = (error as Error).message ?? String(error);
        this._set('unavailable', true);
      }
    }
  }

  /** Stop: drop the pending check and any answer still to come. */
  dispose(): void {
    this._disposed = true;
    this._generation++;
    if (this._timer !== null) {
      clearTimeout(this._timer);
    }
    Signal.clearData(this);
  }

  private _set(state: ShapeCheckState, force = false): void {
    if (force || state !== this._state) {
      this._state = state;
      this._changed.emit();
    }
  }

  private _changed = new Signal<this, void>(this);
  private _state: ShapeCheckState = 'idle';
  private _result: ICheckResult | null = null;
  private _error: string | null = null;
  private _generation = 0;
  private _timer: ReturnType<typeof setTimeout> | null = null;
  private _disposed = false;
}

/** A shape as Python prints it: `(None, 26, 26, 32)`. */
export function formatShape(shape: ReadonlyArray<number | null>): string {
  const dims = shape.map(d => (d === null ? 'None' : String(d)));
  return `(${dims.join(', ')}${dims.length === 1 ? ',' : ''})`;
}

/** The output shapes of a layer's check, or `''`. */
export function formatShapes(check: ILayerCheck | undefined): string {
  return (check?.output_shapes ?? []).map(formatShape).join(', ');
}

/** The error message of a layer's check, or `''`. */
export function layerError(check: ILayerCheck | undefined): string {
  return check?.status === 'error' ? (check.error ?? 'error') : '';
}

/** A parameter count with thousands separators. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
