/**
 * Tells a notebook kernel's recorder which notebook it records: the kernel only knows the path
 * its session had when it started, and a notebook can be renamed while its kernel runs.
 */
import { DocumentRegistry } from '@jupyterlab/docregistry';
import { IDisposable } from '@lumino/disposable';

import { KernelBridge, KernelBridgeState } from '../services/kernel';

/** A document path without its drive prefix (`RTC:a/b.ipynb` → `a/b.ipynb`). */
export function localPath(path: string): string {
  return path.replace(/^[A-Za-z0-9_-]+:/, '');
}

/** Sends `provenance.context` with the notebook's path whenever the kernel or path changes. */
export class NotebookPathSync implements IDisposable {
  constructor(
    readonly bridge: KernelBridge,
    readonly context: DocumentRegistry.IContext<DocumentRegistry.IModel>
  ) {
    bridge.stateChanged.connect(this._onState, this);
    context.pathChanged.connect(this._send, this);
    if (bridge.state === 'ready') {
      this._send();
    }
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this.bridge.stateChanged.disconnect(this._onState, this);
    this.context.pathChanged.disconnect(this._send, this);
  }

  private _onState(_: KernelBridge, state: KernelBridgeState): void {
    if (state === 'ready') {
      this._send();
    }
  }

  private _send(): void {
    if (this._isDisposed || this.bridge.state !== 'ready') {
      return;
    }
    this.bridge
      .request('provenance.context', { notebook: localPath(this.context.path) })
      .catch(error =>
        console.warn('ForgeLab: the notebook path was not sent:', error.message)
      );
  }

  private _isDisposed = false;
}
