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

/** An origin from any of the shapes reify may write (`executionCount`/`cell`, `firstLine`/`code`). */
function originOf(entry: Loose): IOrigin | null {
  const count = [entry.executionCount, entry.cell, entry.count].find(
    v => typeof v === 'number'
  ) as number | undefined;
  const line =
    typeof entry.firstLine === 'string'
      ? entry.firstLine
      : typeof entry.line === 'string'
        ? entry.line
        : typeof entry.code === 'string'
          ? firstCodeLine(entry.code)
          : '';
  return count === undefined && !line
    ? null
    : { executionCount: count ?? null, firstLine: line };
}

/** The record ids of a reified pipeline, whether `records` lists ids or objects with an `id`. */
export function reifiedRecordIds(
  pipeline: Pick<Pipeline, 'metadata'>
): string[] {
  const records = from(pipeline)?.records;
  return (Array.isArray(records) ? records : [])
    .map(r => (typeof r === 'string' ? r : isObject(r) ? r.id : undefined))
    .filter((id): id is string => typeof id === 'string');
}

/**
 * The cells operation `nodeId` of `pipeline` was reified from, or `null` when it was not
 * reified (or nothing about its cells is known). `records` are the notebook's records, used
 * when the pipeline names only record ids.
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
  const perOperation = isObject(reified.operations)
    ? reified.operations[nodeId]
    : undefined;
  const listed = Array.isArray(perOperation)
    ? perOperation
    : isObject(perOperation) && Array.isArray(perOperation.cells)
      ? perOperation.cells
      : null;
  if (listed) {
    const origins = listed
      .filter(isObject)
      .map(originOf)
      .filter((o): o is IOrigin => o !== null);
    return origins.length ? origins : null;
  }
  const described = node.operation?.description ?? '';
  const byId = new Map(records.map(r => [r.id, r]));
  const entries = new Map(
    (Array.isArray(reified.records) ? reified.records : [])
      .filter(isObject)
      .map(r => [String(r.id), r])
  );
  const origins = reifiedRecordIds(pipeline)
    .filter(id => described.includes(id))
    .map(id => {
      const record = byId.get(id);
      if (record) {
        return {
          executionCount: record.executionCount ?? null,
          firstLine: firstCodeLine(record.code ?? '')
        };
      }
      const entry = entries.get(id);
      if (entry) {
        return originOf(entry);
      }
      // Only the description knows it: `cell [3] (<id>, cell id …)`.
      const count = new RegExp(
        `cell \\[(\\d+)\\] \\(${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`
      ).exec(described);
      return count ? { executionCount: Number(count[1]), firstLine: '' } : null;
    })
    .filter((o): o is IOrigin => o !== null);
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
 * Why "Lift constants" lifted nothing, when it did not: the note reify wrote
 * (`reifiedFrom.liftNote`, `notLifted`), or, when it wrote none and no operation has an
 * attribute, the usual reason. `null` when constants were lifted.
 */
export function liftNote(pipeline: Pipeline): string | null {
  const reified = from(pipeline);
  if (!reified) {
    return null;
  }
  for (const key of ['liftNote', 'notLifted', 'note']) {
    const value = reified[key];
    if (typeof value === 'string' && value) {
      return value;
    }
    if (Array.isArray(value) && value.length) {
      return value
        .map(v =>
          isObject(v)
            ? [v.name, v.reason].filter(x => typeof x === 'string').join(': ')
            : String(v)
        )
        .join('; ');
    }
  }
  if (Array.isArray(reified.lifted) && reified.lifted.length) {
    return null;
  }
  const attributes = pipeline.nodes.some(
    n => n.kind === 'operation' && (n.operation?.attributes ?? []).length
  );
  return attributes
    ? null
    : 'No constant was lifted: none of the reified cells assigns a literal at top level (x = 3) that the pipeline could take as an attribute.';
}
