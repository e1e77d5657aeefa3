/**
 * The client of the executions resource: start a pipeline's execution, list, get, cancel,
 * re-run and delete executions, a job's stored events and generated code, and the live stream.
 */
import { URLExt } from '@jupyterlab/coreutils';

import { Execution, ExecutionStatus, Pipeline } from '../formats';
import { EventStream, IExecutionEvent } from './events';
import { INotebookCells } from './pipelines';
import { ForgeLabRequestError, ForgeLabServer } from './server';

/** What to run and where. */
export interface IRunRequest {
  /** The pipeline as it is in the editor (unsaved edits included). */
  pipeline: Pipeline | null;
  /** The pipeline file's path, to group executions by pipeline. */
  path: string | null;
  /** The compute adapter's name. */
  compute: string;
  /** The storage adapter's name. */
  storage: string;
  /** Attribute overrides, `"nodeId.attribute": value`. */
  set?: Record<string, unknown>;
}

/** One problem the server found in a submitted pipeline. */
export interface IRunIssue {
  /** A JSON Pointer into the pipeline. */
  path: string;
  /** What is wrong. */
  message: string;
  /** The node concerned. */
  node?: string;
}

/** The server refused or failed to start an execution; `issues` lists what to fix. */
export class RunError extends Error {
  constructor(
    message: string,
    readonly issues: IRunIssue[] = []
  ) {
    super(message);
    this.name = 'RunError';
  }
}

/** What the list of executions can be narrowed to. */
export interface IExecutionFilter {
  /** The pipeline file's path. */
  pipeline?: string;
  /** The execution's state. */
  status?: ExecutionStatus | '';
}

/** The generated files of a job, credentials masked by the server. */
export interface IJobCode {
  /** File name to text (`main.py`, `job.json`, `operation.py`). */
  files: Record<string, string>;
}

/** Starts, lists, follows, cancels and re-runs executions. */
export class ExecutionsClient {
  /** Create a client on a ForgeLab server connection. */
  constructor(readonly server: ForgeLabServer) {}

  /**
   * Start an execution of a pipeline; resolves to the server's Execution or rejects with a
   * {@link RunError} that lists what to fix.
   */
  async run(request: IRunRequest): Promise<Execution> {
    try {
      return await this.server.request<Execution>('executions', {
        method: 'POST',
        body: JSON.stringify({ set: {}, ...request })
      });
    } catch (error) {
      if (error instanceof ForgeLabRequestError) {
        const details = error.details as { issues?: IRunIssue[] } | undefined;
        const message =
          error.status === 404
            ? 'This server cannot run pipelines yet (POST /forgelab/api/executions is missing): update the forgelab server extension.'
            : error.message;
        throw new RunError(
          message,
          Array.isArray(details?.issues) ? details!.issues : []
        );
      }
      throw new RunError(String((error as Error)?.message ?? error));
    }
  }

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

  /** A job's code as notebook cells that load its inputs from their artifacts. */
  jobNotebook(id: string, job: string): Promise<INotebookCells> {
    return this.server.request<INotebookCells>(
      `executions/${enc(id)}/jobs/${enc(job)}/notebook`
    );
  }

  /** Follow an execution's events live. */
  stream(id: string, since = 0): EventStream {
    return new EventStream(this.server, id, since);
  }
}

function enc(part: string): string {
  return encodeURIComponent(part);
}
