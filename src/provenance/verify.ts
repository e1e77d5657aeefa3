/**
 * Verify a reified pipeline: run it (local compute, local storage), then ask the notebook's
 * kernel to compare the pipeline's output with the value it was reified from, as
 * `forgelab reify --run` does. The kernel holds the expected value, so the comparison runs there
 * (`provenance.verify` on the `forgelab` comm).
 */
import { Execution, ImplicitOperation, Pipeline } from '../formats';
import { ExecutionsClient, RunError } from '../services';
import { KernelBridge } from '../services/kernel';

/** Where a reified pipeline came from: `metadata.reifiedFrom` as reify writes it. */
export interface IReifiedFrom {
  /** The notebook's path as its kernel recorded it (root-relative, or absolute from the CLI). */
  notebook?: string;
  /** The kernel session of the reified records. */
  session?: string;
  /** The variable reified (for a cell's output: the name the pipeline gives the output). */
  target?: string;
  /** Its version. */
  version?: number;
  /** The record ids of the slice, in execution order. */
  records?: unknown[];
  /** For a cell's output: the cell run's record id. */
  record?: string;
  /** For a cell's output: `expression` or `figure`. */
  output?: string;
  /** The last verification, when one was stored. */
  verification?: IVerification;
  [key: string]: unknown;
}

/** How a verification ended. */
export type VerificationOutcome =
  'reproduced' | 'differs' | 'cannot compare' | 'failed';

/** The verdict of one Verify, as stored in `metadata.reifiedFrom.verification`. */
export interface IVerification {
  /** Reproduced, differs, cannot compare, or the run itself failed. */
  outcome: VerificationOutcome;
  /** Where the values differ, why they cannot be compared or why the run failed. */
  detail: string | null;
  /** The execution that ran the pipeline. */
  execution?: string;
  /** When the verdict was reached (ISO 8601). */
  at: string;
}

/** `metadata.reifiedFrom` of a pipeline, or `null` when it was not reified from a notebook. */
export function reifiedFrom(
  pipeline: Pick<Pipeline, 'metadata'> | null
): IReifiedFrom | null {
  const from = (pipeline?.metadata as { reifiedFrom?: unknown } | undefined)
    ?.reifiedFrom;
  if (!from || typeof from !== 'object' || Array.isArray(from)) {
    return null;
  }
  const typed = from as IReifiedFrom;
  return typeof typed.notebook === 'string' ? typed : null;
}

/** The verdict in words: `reproduced`, `differs at …`, `cannot compare: …`, `run failed: …`. */
export function verdictText(
  verdict: Pick<IVerification, 'outcome' | 'detail'>
): string {
  const detail = verdict.detail ?? '';
  switch (verdict.outcome) {
    case 'reproduced':
      return 'reproduced';
    case 'differs':
      return detail ? `differs at ${detail}` : 'differs';
    case 'cannot compare':
      return detail ? `cannot compare: ${detail}` : 'cannot compare';
    default:
      return detail ? `run failed: ${detail}` : 'run failed';
  }
}

/** The stored artifact `{uri, serializer}` feeding the pipeline's Output, or `null`. */
export function outputArtifact(
  pipeline: Pipeline,
  execution: Execution
): { uri: string; serializer?: string } | null {
  const output = pipeline.nodes.find(n => n.kind === 'output');
  const source = pipeline.connections.find(
    c => c.target.node === output?.id
  )?.source;
  const job = execution.jobs.find(j => j.node === source?.node);
  const artifact = source ? job?.outputs?.[source.port] : undefined;
  return artifact
    ? { uri: artifact.uri, serializer: artifact.serializer }
    : null;
}

/** Why an execution did not succeed, in one line per failed job. */
export function executionFailure(execution: Execution): string {
  const jobs = execution.jobs
    .filter(j => j.error)
    .map(j => `${j.name ?? j.node}: ${j.error!.message}`);
  return `the pipeline ${execution.status} (execution ${execution.id})${
    jobs.length
      ? `: ${jobs.join('; ')}`
      : execution.error
        ? `: ${execution.error}`
        : ''
  }`;
}

/** Whether `recorded` (a notebook path as its kernel recorded it) names the notebook at `path`. */
export function sameNotebook(recorded: string, path: string): boolean {
  return recorded === path || recorded.endsWith(`/${path}`);
}

const ENDED = new Set(['succeeded', 'failed', 'cancelled', 'interrupted']);

/** What {@link verifyPipeline} needs. */
export interface IVerifyOptions {
  /** The pipeline as it is in the editor. */
  pipeline: Pipeline;
  /** The pipeline file's path (groups its executions). */
  path: string;
  /** The client of the server that runs it. */
  executions: ExecutionsClient;
  /** The bridge to the kernel of the notebook it was reified from; `null` when none runs. */
  bridge: KernelBridge | null;
  /** The notebook's records (to find the execution count of a reified cell output). */
  records: () => Promise<ImplicitOperation[]>;
  /** Told the new execution's id once the run started. */
  started?: (execution: string) => void;
  /** How often to ask whether the run ended, in milliseconds. */
  pollMs?: number;
}

/** Run a reified pipeline and compare its output with the notebook's value. Never rejects. */
export async function verifyPipeline(
  options: IVerifyOptions
): Promise<IVerification> {
  const at = () => new Date().toISOString();
  const verdict = (
    outcome: VerificationOutcome,
    detail: string | null,
    execution?: string
  ): IVerification => ({ outcome, detail, execution, at: at() });
  const from = reifiedFrom(options.pipeline);
  if (!from) {
    return verdict(
      'cannot compare',
      'this pipeline was not reified from a notebook'
    );
  }
  const bridge = options.bridge;
  if (!bridge || bridge.state !== 'ready') {
    return verdict(
      'cannot compare',
      `open ${from.notebook} with its kernel running (the kernel holds the value to compare with), then verify`
    );
  }
  let request: Record<string, unknown>;
  if (from.output === 'figure') {
    return verdict(
      'cannot compare',
      "a figure: run the pipeline and compare it with the notebook's by eye"
    );
  } else if (from.output) {
    const records = await options.records().catch(() => []);
    const count = records.find(r => r.id === from.record)?.executionCount;
    if (typeof count !== 'number') {
      return verdict(
        'cannot compare',
        `the run of the cell (${from.record}) is no longer in the notebook's records`
      );
    }
    request = { executionCount: count };
  } else {
    request = { target: from.target, version: from.version };
  }
  let execution: Execution;
  try {
    execution = await options.executions.run({
      pipeline: options.pipeline,
      path: options.path,
      compute: 'local',
      storage: 'local'
    });
  } catch (error) {
    const issues = error instanceof RunError ? error.issues : [];
    const detail = [
      (error as Error).message,
      ...issues.map(i => `${i.node ? `${i.node}: ` : ''}${i.message}`)
    ].join('; ');
    return verdict('failed', `the pipeline could not be run: ${detail}`);
  }
  options.started?.(execution.id);
  const poll = options.pollMs ?? 1000;
  while (!ENDED.has(execution.status)) {
    await new Promise(resolve => setTimeout(resolve, poll));
    try {
      execution = await options.executions.get(execution.id);
    } catch (error) {
      return verdict(
        'failed',
        `execution ${execution.id} could not be followed: ${(error as Error).message}`,
        execution.id
      );
    }
  }
  if (execution.status !== 'succeeded') {
    return verdict('failed', executionFailure(execution), execution.id);
  }
  const artifact = outputArtifact(options.pipeline, execution);
  if (!artifact) {
    return verdict(
      'failed',
      `execution ${execution.id} stored no value for the pipeline's output`,
      execution.id
    );
  }
  try {
    const answer = (await bridge.request('provenance.verify', {
      ...request,
      artifact
    })) as { outcome: VerificationOutcome; detail: string | null };
    return verdict(answer.outcome, answer.detail ?? null, execution.id);
  } catch (error) {
    return verdict(
      'cannot compare',
      `the notebook's kernel did not compare: ${(error as Error).message}`,
      execution.id
    );
  }
}

/** `pipeline`'s metadata with `verification` stored in `reifiedFrom`. */
export function withVerification(
  pipeline: Pick<Pipeline, 'metadata'>,
  verification: IVerification
): Record<string, unknown> {
  const metadata = { ...(pipeline.metadata ?? {}) } as Record<string, unknown>;
  metadata.reifiedFrom = {
    ...(metadata.reifiedFrom as object),
    verification
  };
  return metadata;
}
