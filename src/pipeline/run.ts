/**
 * Submitting a pipeline to the server (`POST /forgelab/api/executions`).
 */
import { Execution, Pipeline } from '../formats';
import { ForgeLabRequestError, ForgeLabServer } from '../services/server';

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

/** Start an execution; resolves to the server's Execution or rejects with a {@link RunError}. */
export async function runPipeline(
  server: ForgeLabServer,
  request: IRunRequest
): Promise<Execution> {
  try {
    return await server.request<Execution>('executions', {
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
