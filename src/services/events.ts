/**
 * The live event stream of one execution (websocket `events?execution=ID&since=CURSOR`).
 */
import { URLExt } from '@jupyterlab/coreutils';

import { ForgeLabServer } from './server';

/** One message of the event stream (a stored job event or a status change). */
export interface IExecutionEvent {
  /** The job, or `null` for the execution's own status. */
  job: string | null;
  /** The job's event sequence number (stored events only). */
  seq?: number;
  /** `stdout`, `stderr`, `progress`, `figure`, `image`, `metric` or `status`. */
  kind: string;
  /** When it happened (ISO 8601). */
  time?: string;
  /** The payload; for `status`: `{status, error?}`. */
  data: any;
  /** Position in the execution's stream, to resume after a drop. */
  cursor?: number;
  /** The execution's id. */
  execution?: string;
}

/**
 * The websocket of one execution's events. After a drop it reconnects (with a growing delay)
 * asking for the events after the last cursor it saw, so nothing is missed or repeated.
 */
export class EventStream {
  /** Open the stream; `onEvent` gets each message, `onState` the connection's state. */
  constructor(
    private readonly _server: ForgeLabServer,
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
    const settings = this._server.settings;
    const base = this._server.wsUrl('events');
    const params: Record<string, string> = {
      execution: this.execution,
      since: String(this._cursor)
    };
    if (settings.token && settings.appendToken) {
      params.token = settings.token;
    }
    return base + URLExt.objectToQueryString(params);
  }

  /** Connect (again). */
  open(): void {
    if (this._closed || this._socket) {
      return;
    }
    const socket = new this._server.settings.WebSocket(this.url);
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
