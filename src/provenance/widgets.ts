/**
 * Widget edits observed from the front end: when the user changes an ipywidget, its model sends
 * the kernel a `comm_msg` with `method: 'update'`; each changed trait is forwarded to the
 * recorder (`provenance.widget`), which records code that does the same (`slider.value = 5`).
 */
import { ISessionContext } from '@jupyterlab/apputils';
import { Kernel, KernelMessage } from '@jupyterlab/services';
import { IDisposable } from '@lumino/disposable';

import { KernelBridge } from '../services/kernel';

/** One trait of one widget model set by the user. */
export interface IWidgetEdit {
  /** The widget model's id (its comm id). */
  model_id: string;
  /** The trait's name (`value`). */
  name: string;
  /** The new value, as JSON. */
  value: unknown;
}

/**
 * The edits a message carries: none unless it is a widget `update` sent to the kernel. Traits
 * sent as binary buffers are left out (their value is not in the JSON).
 */
export function widgetEdits(msg: KernelMessage.IMessage): IWidgetEdit[] {
  if (msg.header.msg_type !== 'comm_msg') {
    return [];
  }
  const content = msg.content as KernelMessage.ICommMsgMsg['content'];
  const data = content.data as {
    method?: string;
    state?: Record<string, unknown>;
    buffer_paths?: unknown[];
  };
  if (data?.method !== 'update' || !data.state || !content.comm_id) {
    return [];
  }
  const binary = new Set(
    (data.buffer_paths ?? []).map(p => String(Array.isArray(p) ? p[0] : p))
  );
  return Object.entries(data.state)
    .filter(([name]) => !binary.has(name))
    .map(([name, value]) => ({ model_id: content.comm_id, name, value }));
}

/**
 * Forwards widget edits of one session's kernel to its recorder. A slider being dragged sends
 * an update per step; only the value it rests on (no change for `delayMs`) is recorded.
 */
export class WidgetEditForwarder implements IDisposable {
  constructor(
    readonly bridge: KernelBridge,
    options: { delayMs?: number } = {}
  ) {
    this.delayMs = options.delayMs ?? 300;
    bridge.sessionContext.kernelChanged.connect(this._onKernelChanged, this);
    this._watch(bridge.sessionContext.session?.kernel ?? null);
  }

  /** How long a trait must rest before its value is recorded, in milliseconds. */
  readonly delayMs: number;

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._watch(null);
    this.bridge.sessionContext.kernelChanged.disconnect(
      this._onKernelChanged,
      this
    );
    for (const timer of this._timers.values()) {
      clearTimeout(timer);
    }
    this._timers.clear();
  }

  private _onKernelChanged(
    _: ISessionContext,
    change: { newValue: Kernel.IKernelConnection | null }
  ): void {
    this._watch(change.newValue);
  }

  private _watch(kernel: Kernel.IKernelConnection | null): void {
    this._kernel?.anyMessage.disconnect(this._onMessage, this);
    this._kernel = kernel;
    kernel?.anyMessage.connect(this._onMessage, this);
  }

  private _onMessage(
    _: Kernel.IKernelConnection,
    args: Kernel.IAnyMessageArgs
  ): void {
    if (args.direction !== 'send') {
      return;
    }
    for (const edit of widgetEdits(args.msg)) {
      const key = `${edit.model_id}\u0000${edit.name}`;
      clearTimeout(this._timers.get(key));
      this._timers.set(
        key,
        setTimeout(() => {
          this._timers.delete(key);
          void this._forward(edit);
        }, this.delayMs)
      );
    }
  }

  private async _forward(edit: IWidgetEdit): Promise<void> {
    if (this._isDisposed || this.bridge.state !== 'ready') {
      return;
    }
    try {
      await this.bridge.request('provenance.widget', { ...edit });
    } catch (error) {
      // A widget no variable holds (a slider made inline) has no code to record: not an error.
      console.debug(
        'ForgeLab: widget edit not recorded:',
        (error as Error).message
      );
    }
  }

  private _kernel: Kernel.IKernelConnection | null = null;
  private _timers = new Map<string, ReturnType<typeof setTimeout>>();
  private _isDisposed = false;
}
