/**
 * The typed client of the executions API (`/forgelab/api/executions`, `artifacts`) and of the
 * live event stream (websocket `events?execution=ID&since=CURSOR`).
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { Artifact, Execution, ExecutionStatus } from '../formats';
import { ForgeLabServer } from '../services/server';
import { IExecutionEvent } from './model';

/** What `GET executions` can be narrowed to. */
export interface IExecutionFilter {
  /** The pipeline file's path. */
  pipeline?: string;
  /** The execution's state. */
  status?: ExecutionStatus | '';
}

/** One provenance record (provenance.schema.json), as far as the views use it. */
export interface IProvenanceRecord {
  /** The record's id. */
  id: string;
  /** `job` (computed), `upload` (a plain file) and so on. */
  kind: string;
  [key: string]: unknown;
}

/** The generated files of a job (`GET …/code`), credentials masked by the server. */
export interface IJobCode {
  /** File name to text (`main.py`, `job.json`, `operation.py`). */
  files: Record<string, string>;
}

/** Calls the executions and artifacts endpoints. */
export class ExecutionsClient {
  /** Create a client on a ForgeLab server connection. */
  constructor(readonly server: ForgeLabServer) {}

  /** The executions, newest first as the server orders them. */
  async list(filter: IExecutionFilter = {}): Promise<Execution[]> {
    const query = URLExt.objectToQueryString(
      Object.fromEntries(
        Object.entries(filter).filter(([, v]) => v !== undefined && v !== '')
      )
    );
    const answer = await this.server.request<{ executions: Execution[] }>(
      `executions${query}`
    );
    return answer.executions;
  }

  /** One execution with its jobs. */
  get(id: string): Promise<Execution> {
    return this.server.request<Execution>(`executions/${enc(id)}`);
  }

  /** Delete an execution's record (its artifacts stay). */
  async remove(id: string): Promise<void> {
    await this.server.request(`executions/${enc(id)}`, { method: 'DELETE' });
  }

  /** Stop the running jobs of an execution and cancel those waiting. */
  async cancel(id: string): Promise<void> {
    await this.server.request(`executions/${enc(id)}/cancel`, {
      method: 'POST'
    });
  }

  /** Cancel one job. */
  async cancelJob(id: string, job: string): Promise<void> {
    await this.server.request(`executions/${enc(id)}/jobs/${enc(job)}/cancel`, {
      method: 'POST'
    });
  }

  /** Run an execution again, every job or only those that did not succeed; the new execution. */
  rerun(id: string, from: 'all' | 'failed'): Promise<Execution> {
    return this.server.request<Execution>(`executions/${enc(id)}/rerun`, {
      method: 'POST',
      body: JSON.stringify({ from })
    });
  }

  /** A job's stored events after sequence number `since`. */
  events(
    id: string,
    job: string,
    since = -1
  ): Promise<{ events: IExecutionEvent[]; next: number }> {
    return this.server.request(
      `executions/${enc(id)}/jobs/${enc(job)}/events?since=${since}`
    );
  }

  /** The code generated for a job. */
  code(id: string, job: string): Promise<IJobCode> {
    return this.server.request<IJobCode>(
      `executions/${enc(id)}/jobs/${enc(job)}/code`
    );
  }

  /** Every artifact. */
  async artifacts(): Promise<Artifact[]> {
    const answer = await this.server.request<{ artifacts: Artifact[] }>(
      'artifacts'
    );
    return answer.artifacts;
  }

  /** The provenance records that lead to an artifact, back to its sources. */
  async provenance(id: string): Promise<IProvenanceRecord[]> {
    const answer = await this.server.request<
      IProvenanceRecord[] | { records?: IProvenanceRecord[] }
    >(`artifacts/${enc(id)}/provenance`);
    return Array.isArray(answer) ? answer : (answer.records ?? []);
  }

  /** The URL that downloads an artifact's bytes (cookie-authenticated, like file downloads). */
  downloadUrl(id: string): string {
    return URLExt.join(
      this.server.settings.baseUrl,
      'forgelab',
      'api',
      'artifacts',
      enc(id),
      'download'
    );
  }

  /** Follow an execution's events live. */
  stream(id: string, since = 0): EventStream {
    return new EventStream(this.server.settings, id, since);
  }
}

/**
 * The websocket of one execution's events. After a drop it reconnects (with a growing delay)
 * asking for the events after the last cursor it saw, so nothing is missed or repeated.
 */
export class EventStream {
  /** Open the stream; `onEvent` gets each message, `onState` the connection's state. */
  constructor(
    private readonly _settings: ServerConnection.ISettings,
    readonly execution: string,
    private _cursor = 0
  ) {}

  /** Called with each message. */
  onEvent: (event: IExecutionEvent) => void = () => undefined;

  /** Called when the connection opens (`true`) or drops (`false`). */
  onState: (connected: boolean) => void = () => undefined;

  /** The last cursor received. */
  get cursor(): number {
    return this._cursor;
  }

  /** The websocket URL for the current cursor (the token appended when the settings ask). */
  get url(): string {
    const base = URLExt.join(this._settings.wsUrl, 'forgelab', 'api', 'events');
    const params: Record<string, string> = {
      execution: this.execution,
      since: String(this._cursor)
    };
    if (this._settings.token && this._settings.appendToken) {
      params.token = this._settings.token;
    }
    return base + URLExt.objectToQueryString(params);
  }

  /** Connect (again). */
  open(): void {
    if (this._closed || this._socket) {
      return;
    }
    const socket = new this._settings.WebSocket(this.url);
    this._socket = socket;
    socket.onopen = () => {
      this._delay = INITIAL_DELAY;
      this.onState(true);
    };
    socket.onmessage = (message: MessageEvent) => {
      let event: IExecutionEvent;
      try {
        event = JSON.parse(String(message.data));
      } catch {
        return;
      }
      if (typeof event.cursor === 'number') {
        this._cursor = Math.max(this._cursor, event.cursor);
      }
      this.onEvent(event);
    };
    socket.onclose = () => {
      this._socket = null;
      this.onState(false);
      if (!this._closed) {
        this._timer = setTimeout(() => this.open(), this._delay);
        this._delay = Math.min(this._delay * 2, MAX_DELAY);
      }
    };
  }

  /** Disconnect for good. */
  close(): void {
    this._closed = true;
    if (this._timer) {
      clearTimeout(this._timer);
    }
    this._socket?.close();
    this._socket = null;
  }

  private _socket: WebSocket | null = null;
  private _closed = false;
  private _delay = INITIAL_DELAY;
  private _timer: ReturnType<typeof setTimeout> | null = null;
}

const INITIAL_DELAY = 500;
const MAX_DELAY = 10000;

function enc(part: string): string {
  return encodeURIComponent(part);
}
