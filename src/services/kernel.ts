/**
 * The bridge between the front end and ForgeLab's IPython extension in one kernel.
 *
 * It loads the extension silently (`%load_ext forgelab`) when the kernel starts and after every
 * restart, opens the `forgelab` comm, and turns request/answer messages into promises that
 * time out instead of hanging on a busy or dead kernel.
 */
import { ISessionContext } from '@jupyterlab/apputils';
import { Kernel, KernelMessage } from '@jupyterlab/services';
import { PromiseDelegate } from '@lumino/coreutils';
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

/** The comm target name registered by `forgelab.kernel`. */
export const COMM_TARGET = 'forgelab';

/** Where the bridge stands with its kernel. */
export type KernelBridgeState =
  | 'idle' // no kernel, or not a Python kernel
  | 'loading'
  | 'ready'
  | 'failed';

/** A request to the kernel failed or was not answered in time. */
export class KernelRequestError extends Error {
  constructor(
    message: string,
    readonly kind: 'timeout' | 'dead' | 'failed' | 'remote',
    readonly remoteType?: string
  ) {
    super(message);
    this.name = 'KernelRequestError';
  }
}

/** The kernel's answer to a ping. */
export interface IKernelPing {
  pong: true;
  forgelab: string;
  python: string;
  ipython: string;
  [key: string]: unknown;
}

interface IAnswer {
  id: string;
  ok: boolean;
  result?: unknown;
  error?: { type: string; message: string; traceback?: string };
}

let nextId = 0;

/** Talks to ForgeLab inside the kernel of one session context. */
export class KernelBridge implements IDisposable {
  constructor(
    readonly sessionContext: ISessionContext,
    options: { timeoutMs?: number; autoLoad?: boolean } = {}
  ) {
    this.timeoutMs = options.timeoutMs ?? 30000;
    this.autoLoad = options.autoLoad ?? true;
    sessionContext.kernelChanged.connect(this._onKernelChanged, this);
    sessionContext.statusChanged.connect(this._onStatusChanged, this);
    sessionContext.connectionStatusChanged.connect(
      this._onConnectionStatusChanged,
      this
    );
    void sessionContext.ready.then(() => {
      if (!this.isDisposed) {
        this._attach();
      }
    });
  }

  /** How long a request may wait for its answer, in milliseconds. */
  timeoutMs: number;

  /** Whether the extension is loaded automatically on start and restart. */
  autoLoad: boolean;

  /** Where the bridge stands. */
  get state(): KernelBridgeState {
    return this._state;
  }

  /** Emitted when the state changes. */
  get stateChanged(): ISignal<this, KernelBridgeState> {
    return this._stateChanged;
  }

  /** Why loading failed, when `state` is 'failed'. */
  get error(): string | null {
    return this._error;
  }

  /** The last ping answer, once ready. */
  get info(): IKernelPing | null {
    return this._info;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Resolves once the extension is loaded and answers; rejects if loading fails. */
  ready(): Promise<IKernelPing> {
    return this._ready.promise;
  }

  /**
   * Load the extension into the current kernel now (idempotent in the kernel). A load already
   * under way into the same kernel is joined rather than started again: a new session reports
   * both its kernel change and its readiness, and a second load would close the first one's
   * channel under the requests already sent through it.
   */
  load(): Promise<IKernelPing> {
    const kernel = this.sessionContext.session?.kernel;
    if (this._loading && this._loading.kernel === kernel) {
      return this._loading.promise;
    }
    const promise = this._load();
    this._loading = { kernel, promise };
    const done = () => {
      if (this._loading?.promise === promise) {
        this._loading = null;
      }
    };
    promise.then(done, done);
    return promise;
  }

  private async _load(): Promise<IKernelPing> {
    const kernel = this.sessionContext.session?.kernel;
    if (!kernel) {
      throw new KernelRequestError('No kernel is running.', 'dead');
    }
    this._setState('loading');
    try {
      const info = await kernel.info;
      if (info.language_info.name !== 'python') {
        this._setState('idle');
        throw new KernelRequestError(
          `ForgeLab needs a Python kernel; this one runs ${info.language_info.name}.`,
          'failed'
        );
      }
      const reply = await this._withTimeout(
        kernel.requestExecute({
          code: '%load_ext forgelab',
          silent: true,
          store_history: false,
          stop_on_error: false
        }).done,
        'loading the ForgeLab kernel extension'
      );
      const content =
        reply.content as KernelMessage.IExecuteReplyMsg['content'];
      if (content.status !== 'ok') {
        const detail =
          content.status === 'error'
            ? `${content.ename}: ${content.evalue}`
            : content.status;
        throw new KernelRequestError(
          `ForgeLab could not be loaded into the kernel (${detail}). Is forgelab installed in the kernel's environment?`,
          'failed'
        );
      }
      this._openComm(kernel);
      const ping = (await this.request('ping')) as IKernelPing;
      this._info = ping;
      this._error = null;
      this._setState('ready');
      this._ready.resolve(ping);
      return ping;
    } catch (error) {
      if (this._state === 'loading') {
        this._error = (error as Error).message;
        this._setState('failed');
      }
      this._ready.reject(error);
      this._ready.promise.catch(() => undefined);
      throw error;
    }
  }

  /** Send a request of `type` to the kernel and wait for its answer. */
  async request(
    type: string,
    payload: Record<string, unknown> = {}
  ): Promise<unknown> {
    const comm = this._comm;
    if (!comm || comm.isDisposed) {
      throw new KernelRequestError(
        'ForgeLab is not loaded in this kernel.',
        'dead'
      );
    }
    const id = `r${++nextId}`;
    const answer = new PromiseDelegate<IAnswer>();
    this._pending.set(id, answer);
    comm.send({ ...payload, id, type });
    try {
      const reply = await this._withTimeout(
        answer.promise,
        `the kernel's answer to '${type}'`
      );
      if (!reply.ok) {
        const err = reply.error ?? { type: 'Error', message: 'unknown error' };
        throw new KernelRequestError(err.message, 'remote', err.type);
      }
      return reply.result;
    } finally {
      this._pending.delete(id);
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._closeComm();
    Signal.clearData(this);
  }

  private _attach(): void {
    const kernel = this.sessionContext.session?.kernel;
    if (!kernel || !this.autoLoad) {
      return;
    }
    void this.load().catch(error =>
      console.warn('ForgeLab:', (error as Error).message)
    );
  }

  private _onKernelChanged(): void {
    this._closeComm();
    this._resetReady();
    this._setState('idle');
    this._attach();
  }

  private _onStatusChanged(_: ISessionContext, status: Kernel.Status): void {
    if (status === 'restarting' || status === 'autorestarting') {
      this._closeComm();
      this._resetReady();
      this._setState('idle');
      this._restarted = true;
    } else if (status === 'dead') {
      this._closeComm();
      this._error = 'The kernel died.';
      this._setState('failed');
    }
  }

  /**
   * After a restart, load again once the connection to the NEW kernel is up. The old kernel
   * still reports 'idle' while it handles its shutdown request, so the kernel status alone
   * would send the load request to a process about to die.
   */
  private _onConnectionStatusChanged(
    _: ISessionContext,
    status: Kernel.ConnectionStatus
  ): void {
    const kernel = this.sessionContext.session?.kernel;
    if (status !== 'connected' || !this._restarted || !kernel) {
      return;
    }
    this._restarted = false;
    void kernel.requestKernelInfo().then(
      () => this._attach(),
      error =>
        console.warn('ForgeLab: the restarted kernel does not answer:', error)
    );
  }

  private _openComm(kernel: Kernel.IKernelConnection): void {
    this._closeComm();
    const comm = kernel.createComm(COMM_TARGET);
    comm.onMsg = msg => {
      const data = msg.content.data as unknown as IAnswer;
      this._pending.get(data?.id)?.resolve(data);
    };
    comm.onClose = () => {
      this._rejectPending('The kernel closed the ForgeLab channel.');
    };
    comm.open();
    this._comm = comm;
  }

  private _closeComm(): void {
    this._rejectPending('The kernel was restarted or changed.');
    const comm = this._comm;
    this._comm = null;
    if (comm && !comm.isDisposed) {
      try {
        comm.close();
      } catch {
        // The kernel is already gone: nothing to close.
      }
    }
  }

  private _rejectPending(message: string): void {
    for (const answer of this._pending.values()) {
      answer.reject(new KernelRequestError(message, 'dead'));
    }
    this._pending.clear();
  }

  private _resetReady(): void {
    this._ready = new PromiseDelegate<IKernelPing>();
    this._info = null;
  }

  private _withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new KernelRequestError(
            `No answer from the kernel for ${Math.round(this.timeoutMs / 1000)} s while waiting for ${what}; it is busy or dead.`,
            'timeout'
          )
        );
      }, this.timeoutMs);
      promise.then(
        value => {
          clearTimeout(timer);
          resolve(value);
        },
        error => {
          clearTimeout(timer);
          reject(error);
        }
      );
    });
  }

  private _setState(state: KernelBridgeState): void {
    if (this._state !== state) {
      this._state = state;
      this._stateChanged.emit(state);
    }
  }

  private _loading: {
    kernel: Kernel.IKernelConnection | null | undefined;
    promise: Promise<IKernelPing>;
  } | null = null;
  private _comm: Kernel.IComm | null = null;
  private _pending = new Map<string, PromiseDelegate<IAnswer>>();
  private _ready = new PromiseDelegate<IKernelPing>();
  private _state: KernelBridgeState = 'idle';
  private _stateChanged = new Signal<this, KernelBridgeState>(this);
  private _error: string | null = null;
  private _info: IKernelPing | null = null;
  private _restarted = false;
  private _isDisposed = false;
}
