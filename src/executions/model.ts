/**
 * The state of one execution as the browser sees it: its jobs and their states, and per job a
 * bounded buffer of what the job printed and drew. Pure: it only applies messages of the event
 * stream (or a fresh copy of the execution) and says what changed.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { Execution, ExecutionStatus, Job, JobStatus } from '../formats';
import type { IExecutionEvent } from '../services/events';
import { pipelineName } from './naming';

export type { IExecutionEvent } from '../services/events';

/** One console line. */
export interface IConsoleLine {
  /** `stdout` or `stderr`. */
  stream: 'stdout' | 'stderr';
  /** The text, ANSI escapes included. */
  text: string;
}

/** A progress bar (from tqdm). */
export interface IProgress {
  /** The bar's id. */
  id: string;
  /** Steps done. */
  n: number;
  /** Steps in all (unknown: `null`). */
  total: number | null;
  /** The bar's description. */
  desc: string;
}

/** A figure or image: base64 PNG. */
export interface IPicture {
  /** The figure number (figures) or a running index (images). */
  id: string;
  /** Base64 PNG data. */
  png: string;
  /** Width in pixels, when known. */
  width?: number;
  /** Height in pixels, when known. */
  height?: number;
  /** How many times it was drawn. */
  version: number;
}

/** One metric value. */
export interface IMetric {
  /** The metric's name. */
  name: string;
  /** Its value. */
  value: unknown;
  /** The step it belongs to, when given. */
  step?: number;
}

/** States after which a job does not change any more. */
export const FINAL_JOB_STATES: ReadonlySet<JobStatus> = new Set([
  'succeeded',
  'failed',
  'cancelled',
  'skipped'
]);

/** States after which an execution does not change any more. */
export const FINAL_EXECUTION_STATES: ReadonlySet<ExecutionStatus> = new Set([
  'succeeded',
  'failed',
  'cancelled',
  'interrupted'
]);

/** What a job printed and drew, bounded so that long logs stay cheap. */
export class JobLog {
  /** Keep at most `maxLines` console lines (older ones are dropped and counted). */
  constructor(readonly maxLines = 5000) {}

  /** The kept console lines, oldest first. */
  readonly lines: IConsoleLine[] = [];
  /** How many lines were dropped from the start. */
  dropped = 0;
  /** Progress bars by id. */
  readonly progress = new Map<string, IProgress>();
  /** Figures by figure id, each the last drawing. */
  readonly figures = new Map<string, IPicture>();
  /** Images in order. */
  readonly images: IPicture[] = [];
  /** Metric values in order. */
  readonly metrics: IMetric[] = [];
  /** The last sequence number applied (events at or below it are repeats). */
  lastSeq = -1;

  /** Total lines ever received. */
  get totalLines(): number {
    return this.dropped + this.lines.length;
  }

  /** Apply one event of this job; `false` if it was a repeat or of no interest. */
  apply(event: IExecutionEvent): boolean {
    if (typeof event.seq === 'number') {
      if (event.seq <= this.lastSeq) {
        return false;
      }
      this.lastSeq = event.seq;
    }
    const data = event.data;
    switch (event.kind) {
      case 'stdout':
      case 'stderr':
        for (const text of String(data ?? '')
          .replace(/\r?\n$/, '')
          .split('\n')) {
          this.lines.push({ stream: event.kind, text });
        }
        if (this.lines.length > this.maxLines) {
          const extra = this.lines.length - this.maxLines;
          this.lines.splice(0, extra);
          this.dropped += extra;
        }
        return true;
      case 'progress': {
        const id = String(data?.id ?? '0');
        this.progress.set(id, {
          id,
          n: Number(data?.n ?? 0),
          total: typeof data?.total === 'number' ? data.total : null,
          desc: String(data?.desc ?? '')
        });
        return true;
      }
      case 'figure': {
        const id = String(data?.id ?? '0');
        const previous = this.figures.get(id);
        this.figures.set(id, {
          id,
          png: String(data?.png ?? ''),
          width: data?.width,
          height: data?.height,
          version: (previous?.version ?? 0) + 1
        });
        return true;
      }
      case 'image':
        this.images.push({
          id: String(this.images.length),
          png: String(data?.png ?? data ?? ''),
          width: data?.width,
          height: data?.height,
          version: 1
        });
        return true;
      case 'metric':
        if (data && typeof data === 'object' && 'name' in data) {
          this.metrics.push({
            name: String(data.name),
            value: data.value,
            step: data.step
          });
        } else if (data && typeof data === 'object') {
          for (const [name, value] of Object.entries(data)) {
            this.metrics.push({ name, value });
          }
        }
        return true;
      default:
        return false;
    }
  }

  /** The last value of each metric. */
  latestMetrics(): Map<string, IMetric> {
    const latest = new Map<string, IMetric>();
    for (const metric of this.metrics) {
      latest.set(metric.name, metric);
    }
    return latest;
  }
}

/** One execution: its jobs' states, their logs, and signals for the views. */
export class ExecutionModel {
  /** Start from the server's Execution JSON. */
  constructor(
    execution: Execution,
    readonly maxLines = 5000
  ) {
    this._execution = execution;
    this.update(execution);
  }

  /** The execution's id. */
  get id(): string {
    return this._execution.id;
  }

  /** The execution as last known (job states included). */
  get execution(): Execution {
    return this._execution;
  }

  /** The execution's state. */
  get status(): ExecutionStatus {
    return this._execution.status;
  }

  /** Whether it can still change. */
  get isFinal(): boolean {
    return FINAL_EXECUTION_STATES.has(this.status);
  }

  /** The jobs in the server's order. */
  get jobs(): ReadonlyArray<Job> {
    return this._execution.jobs;
  }

  /** The highest stream cursor applied (to resume the stream). */
  get cursor(): number {
    return this._cursor;
  }

  /** Emitted when the execution's or a job's state changes. */
  get stateChanged(): ISignal<this, void> {
    return this._stateChanged;
  }

  /** Emitted with the job's id when its log gets something new. */
  get logChanged(): ISignal<this, string> {
    return this._logChanged;
  }

  /** A job by id. */
  job(id: string): Job | undefined {
    return this._execution.jobs.find(j => j.id === id);
  }

  /** The first job that failed (in the server's order), if any. */
  failedJob(): Job | undefined {
    return this._execution.jobs.find(j => j.status === 'failed');
  }

  /** The job to show first: the failed one, else the first running, else the first. */
  shownJob(): Job | undefined {
    return (
      this.failedJob() ??
      this._execution.jobs.find(j => j.status === 'running') ??
      this._execution.jobs[0]
    );
  }

  /** The job that runs a pipeline node. */
  jobForNode(node: string): Job | undefined {
    return this._execution.jobs.find(j => j.node === node);
  }

  /** A job's log (created empty on first use). */
  log(job: string): JobLog {
    let log = this._logs.get(job);
    if (!log) {
      log = new JobLog(this.maxLines);
      this._logs.set(job, log);
    }
    return log;
  }

  /** Job state by pipeline node id (the graph's colours). */
  statuses(): Map<string, JobStatus> {
    return new Map(this._execution.jobs.map(j => [j.node, j.status]));
  }

  /** How many jobs are in each state. */
  counts(): Map<JobStatus, number> {
    const counts = new Map<JobStatus, number>();
    for (const job of this._execution.jobs) {
      counts.set(job.status, (counts.get(job.status) ?? 0) + 1);
    }
    return counts;
  }

  /** Take the states of a fresh `GET executions/{id}` (logs are kept). */
  update(execution: Execution): void {
    if (execution.id !== this._execution.id) {
      throw new Error(
        `Execution ${execution.id} cannot update the model of execution ${this._execution.id}.`
      );
    }
    this._execution = {
      ...execution,
      jobs: execution.jobs.map(j => ({ ...j }))
    };
    this._stateChanged.emit();
  }

  /** Apply one message of the event stream. */
  apply(event: IExecutionEvent): void {
    if (typeof event.cursor === 'number') {
      this._cursor = Math.max(this._cursor, event.cursor);
    }
    if (event.kind === 'status') {
      const status = event.data?.status;
      if (event.job === null || event.job === undefined) {
        if (status && status !== this._execution.status) {
          this._execution = { ...this._execution, status };
          if (FINAL_EXECUTION_STATES.has(status)) {
            this._execution.endedAt ??= event.time ?? null;
          }
          this._stateChanged.emit();
        }
        return;
      }
      const log = this.log(event.job);
      if (typeof event.seq === 'number') {
        if (event.seq <= log.lastSeq) {
          return;
        }
        log.lastSeq = event.seq;
      }
      const job = this.job(event.job);
      if (job && status) {
        job.status = status;
        if (status === 'queued') {
          job.queuedAt ??= event.time ?? null;
        } else if (status === 'running') {
          job.startedAt ??= event.time ?? null;
        } else if (FINAL_JOB_STATES.has(status)) {
          job.endedAt ??= event.time ?? null;
          if (event.data?.error) {
            job.error = { message: String(event.data.error) };
            if (event.data.type) {
              job.error.type = String(event.data.type);
            }
            if (event.data.known) {
              job.error.known = true;
            }
          }
        }
        this._stateChanged.emit();
      }
      return;
    }
    if (!event.job) {
      return;
    }
    if (this.log(event.job).apply(event)) {
      this._logChanged.emit(event.job);
    }
  }

  private _execution: Execution;
  private _cursor = 0;
  private _logs = new Map<string, JobLog>();
  private _stateChanged = new Signal<this, void>(this);
  private _logChanged = new Signal<this, string>(this);
}

/** How long a job ran (or has been running at `now`), in seconds; `null` before it started. */
export function jobDuration(job: Job, now = Date.now()): number | null {
  if (!job.startedAt) {
    return null;
  }
  const end = job.endedAt ? Date.parse(job.endedAt) : now;
  return Math.max(0, (end - Date.parse(job.startedAt)) / 1000);
}

/** Longest failure notice: JupyterLab's notifications cut longer messages short. */
export const NOTICE_LENGTH = 140;

/**
 * One line that says a failed execution failed and why:
 * `digits failed: Train keras — FileNotFoundError: …`, the error's first line, shortened.
 */
export function failureNotice(execution: Execution): string {
  const title = pipelineName(execution);
  const job = execution.jobs.find(j => j.status === 'failed');
  if (!job) {
    return `${title} ${execution.status}${execution.error ? `: ${execution.error}` : ''}`;
  }
  const name = job.name ?? job.node;
  const message = job.error?.message ?? 'the job failed';
  const type =
    job.error?.type && !message.startsWith(`${job.error.type}:`)
      ? `${job.error.type}: `
      : '';
  const line = `${title} failed: ${name} — ${type}${message.split('\n')[0]}`;
  return line.length > NOTICE_LENGTH
    ? `${line.slice(0, NOTICE_LENGTH - 1)}…`
    : line;
}

/**
 * What the job panel says of a job's error: a known error type is its one line (cause and
 * remedy; the traceback is in the console below), any other error its type, text and traceback.
 */
export function errorText(error: NonNullable<Job['error']>): string {
  if (error.known) {
    return error.message;
  }
  const type =
    error.type && !error.message.startsWith(`${error.type}:`)
      ? `${error.type}: `
      : '';
  return `${type}${error.message}${error.traceback ? `\n${error.traceback}` : ''}`;
}
