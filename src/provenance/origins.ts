/**
 * Where each operation of a reified pipeline came from, in the user's words: the notebook cell's
 * number and first line (`cell [3]: df = pd.read_csv("data.csv")`) rather than record ids.
 * Read from `metadata.reifiedFrom` (per-operation cells where reify wrote them) or, for
 * pipelines that only name record ids, from the notebook's records. Pure functions.
 */
import { ImplicitOperation, Pipeline } from '../formats';

/** One notebook cell run an operation was reified from. */
export interface IOrigin {
  /** The cell's execution count (`[3]`), when known. */
  executionCount: number | null;
  /** The cell's first line of code (comments and blank lines skipped). */
  firstLine: string;
}

/** The first line of `code` that is neither blank nor a comment, trimmed. */
export function firstCodeLine(code: string): string {
  return (
    code
      .split('\n')
      .map(l => l.trim())
      .find(l => l && !l.startsWith('#')) ?? ''
  );
}

/** `cell [3]: df = pd.read_csv("data.csv")`. */
export function originLabel(origin: IOrigin): string {
  const cell =
    origin.executionCount === null ? 'cell' : `cell [${origin.executionCount}]`;
  return origin.firstLine ? `${cell}: ${origin.firstLine}` : cell;
}

type Loose = Record<string, unknown>;

const isObject = (value: unknown): value is Loose =>
  !!value && typeof value === 'object' && !Array.isArray(value);

const from = (pipeline: Pick<Pipeline, 'metadata'>): Loose | null => {
  const value = (pipeline.metadata as Loose | undefined)?.reifiedFrom;
  return isObject(value) ? value : null;
};

/** The record ids of a reified pipeline (`metadata.reifiedFrom.records`). */
export function reifiedRecordIds(
  pipeline: Pick<Pipeline, 'metadata'>
): string[] {
  const records = from(pipeline)?.records;
  return (Array.isArray(records) ? records : []).filter(
    (id): id is string => typeof id === 'string'
  );
}

/**
 * The cells operation `nodeId` of `pipeline` was reified from, or `null` when it was not
 * reified. Reify lists them in `reifiedFrom.cells` (`{operation, executionCount, firstLine}`);
 * for a pipeline reified before it did, the record ids its description names are looked up in
 * `records`, the notebook's records.
 */
export function operationOrigins(
  pipeline: Pipeline,
  nodeId: string,
  records: ReadonlyArray<ImplicitOperation> = []
): IOrigin[] | null {
  const reified = from(pipeline);
  const node = pipeline.nodes.find(n => n.id === nodeId);
  if (!reified || node?.kind !== 'operation') {
    return null;
  }
  let origins: IOrigin[];
  if (Array.isArray(reified.cells)) {
    origins = reified.cells
      .filter(isObject)
      .filter(cell => cell.operation === nodeId)
      .map(cell => ({
        executionCount:
          typeof cell.executionCount === 'number' ? cell.executionCount : null,
        firstLine: typeof cell.firstLine === 'string' ? cell.firstLine : ''
      }));
  } else {
    const described = node.operation?.description ?? '';
    const byId = new Map(records.map(r => [r.id, r]));
    origins = reifiedRecordIds(pipeline)
      .filter(id => described.includes(id) && byId.has(id))
      .map(id => {
        const record = byId.get(id)!;
        return {
          executionCount: record.executionCount ?? null,
          firstLine: firstCodeLine(record.code ?? '')
        };
      });
  }
  return origins.length ? origins : null;
}

/** `description` without the record ids reify puts in it (`cell [3] (<id>, cell id …)`). */
export function readableDescription(
  pipeline: Pick<Pipeline, 'metadata'>,
  description: string
): string {
  let text = description;
  for (const id of reifiedRecordIds(pipeline)) {
    const escaped = id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    text = text.replace(
      new RegExp(`\\s*\\(${escaped}(, cell id [^)]*)?\\)`, 'g'),
      ''
    );
  }
  return text;
}

/**
 * Why "Lift constants" lifted nothing: the note reify wrote (`reifiedFrom.liftNote`), or
 * `null` when constants were lifted or none were asked for.
 */
export function liftNote(pipeline: Pipeline): string | null {
  const note = from(pipeline)?.liftNote;
  return typeof note === 'string' && note ? note : null;
}
