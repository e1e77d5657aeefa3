/**
 * Tell the user when a run they follow fails, whether or not its view is still open: the view's
 * live model while it is open, then the server, asked every few seconds, once it closes early.
 */
import { Execution } from '../formats';
import { ISignal } from '@lumino/signaling';
import { ExecutionModel, FINAL_EXECUTION_STATES } from './model';

/** What the watch needs of the executions API. */
export interface IExecutionSource {
  get(id: string): Promise<Execution>;
}

/** How often a closed run's state is asked for, from the first try to the slowest. */
export const WATCH_INTERVAL_MS = { first: 1000, max: 10000 };

/** Failed requests in a row after which a closed run is no longer followed (about 5 minutes). */
export const WATCH_GIVE_UP_AFTER = 30;

/** Runs followed until they end: each failure is told once, with the ended execution. */
export class FailureWatch {
  /**
   * @param source where a closed run's state is read
   * @param notify called once per failed run, with the execution as it ended
   */
  constructor(
    private readonly _source: IExecutionSource,
    private readonly _notify: (execution: Execution) => void
  ) {}

  /** Whether the run is followed on the server now (its view closed before it ended). */
  isPolling(id: string): boolean {
    return this._timers.has(id);
  }

  /**
   * Follow a view's model. A run that had ended before is not told again; a run whose view
   * closes before it ends is followed on the server; a view opened again takes it back.
   */
  follow(model: ExecutionModel, closed: ISignal<unknown, void>): void {
    this._stopPolling(model.id);
    if (model.isFinal) {
      return;
    }
    let done = false;
    const onState = () => {
      if (!done && model.isFinal) {
        done = true;
        model.stateChanged.disconnect(onState);
        this._ended(model.execution);
      }
    };
    model.stateChanged.connect(onState);
    closed.connect(() => {
      model.stateChanged.disconnect(onState);
      if (!done && !model.isFinal) {
        done = true;
        this._poll(model.id, WATCH_INTERVAL_MS.first);
      }
    });
  }

  /** Stop every poll (the plugin is going away). */
  dispose(): void {
    for (const timer of this._timers.values()) {
      clearTimeout(timer);
    }
    this._timers.clear();
  }

  private _poll(id: string, delay: number, failures = 0): void {
    this._timers.set(
      id,
      setTimeout(async () => {
        if (!this._timers.has(id)) {
          return;
        }
        let execution: Execution | null = null;
        try {
          execution = await this._source.get(id);
        } catch {
          // The server restarts or the network drops: ask again later. A run deleted
          // meanwhile keeps failing and is given up after WATCH_GIVE_UP_AFTER tries.
        }
        if (!this._timers.has(id)) {
          return; // a view took the run back meanwhile
        }
        if (execution && FINAL_EXECUTION_STATES.has(execution.status)) {
          this._timers.delete(id);
          this._ended(execution);
          return;
        }
        const failed = execution ? 0 : failures + 1;
        if (failed >= WATCH_GIVE_UP_AFTER) {
          this._timers.delete(id);
          return;
        }
        this._poll(id, Math.min(delay * 2, WATCH_INTERVAL_MS.max), failed);
      }, delay)
    );
  }

  private _stopPolling(id: string): void {
    const timer = this._timers.get(id);
    if (timer !== undefined) {
      clearTimeout(timer);
      this._timers.delete(id);
    }
  }

  private _ended(execution: Execution): void {
    if (execution.status === 'failed') {
      this._notify(execution);
    }
  }

  private _timers = new Map<string, ReturnType<typeof setTimeout>>();
}
