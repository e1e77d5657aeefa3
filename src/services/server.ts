/**
 * The connection to ForgeLab's server extension (`/forgelab/api/...`): the one request function
 * that every resource client of `services/` goes through, and the server's status.
 *
 * Requests go through JupyterLab's `ServerConnection`, so they carry the user's token and XSRF
 * cookie like every other JupyterLab request. Failures become {@link ForgeLabRequestError}s
 * whose message a user can read.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import type { IAdapterStatus } from './adapters';

/** One dependency of ForgeLab, as reported by the server or the kernel. */
export interface IComponentStatus {
  available: boolean;
  version?: string;
  detail?: string;
  install?: string;
}

/** The answer of `GET /forgelab/api/status`. */
export interface IServerStatus {
  status: 'ok';
  forgelab: string;
  python: string;
  platform: string;
  components: Record<string, IComponentStatus>;
  missing: { name: string; reason: string; install: string }[];
  adapters: { compute: IAdapterStatus[]; storage: IAdapterStatus[] };
}

/** A request to the ForgeLab server failed; `message` says why in plain words. */
export class ForgeLabRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly details?: unknown
  ) {
    super(message);
    this.name = 'ForgeLabRequestError';
  }
}

/** Calls ForgeLab's REST API on the Jupyter server. */
export class ForgeLabServer {
  constructor(
    readonly settings: ServerConnection.ISettings = ServerConnection.makeSettings()
  ) {}

  /** The URL of `/forgelab/api/<endpoint>` on this server. */
  url(endpoint: string): string {
    return URLExt.join(this.settings.baseUrl, 'forgelab', 'api', endpoint);
  }

  /** The websocket URL of `/forgelab/api/<endpoint>` on this server. */
  wsUrl(endpoint: string): string {
    return URLExt.join(this.settings.wsUrl, 'forgelab', 'api', endpoint);
  }

  /** Send a request to `/forgelab/api/<endpoint>` and return its JSON answer. */
  async request<T>(endpoint: string, init: RequestInit = {}): Promise<T> {
    const url = this.url(endpoint);
    let response: Response;
    try {
      response = await ServerConnection.makeRequest(url, init, this.settings);
    } catch (error) {
      throw new ForgeLabRequestError(
        `The Jupyter server cannot be reached (${(error as Error).message}).`,
        0
      );
    }
    const text = await response.text();
    let body: any = null;
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    if (!response.ok) {
      const message =
        (body && typeof body === 'object' && (body.message || body.reason)) ||
        `${response.status} ${response.statusText}`;
      throw new ForgeLabRequestError(String(message), response.status, body);
    }
    return body as T;
  }

  /** Versions of ForgeLab and its dependencies, and the adapters, as the server sees them. */
  status(): Promise<IServerStatus> {
    return this.request<IServerStatus>('status');
  }
}
