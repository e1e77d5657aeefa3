/**
 * Provenance as a graph: the recorded operations a value depends on, in the terms of the shared
 * graph view. Pure functions, no DOM: the slice follows "read version v of x" back to the record
 * that wrote it, as the server's reify does.
 */
import { ImplicitOperation } from '../formats';
import { IViewEdge, IViewGraph, IViewNode } from '../graphview';
import { firstCodeLine } from './origins';

/** A live variable of the kernel as `provenance.variables` reports it. */
export interface IVariable {
  /** The variable's name. */
  name: string;
  /** Its current version in the kernel session (one more per write). */
  version: number;
  /** Its type (`int`, `numpy.ndarray`, `module:numpy`...). */
  type?: string;
}

/** The records one version of a variable depends on. */
export interface IRecordSlice {
  /** The variable. */
  target: string;
  /** Its version. */
  version: number;
  /** The kernel session the slice lives in. */
  session: string;
  /** The record that wrote the target's version. */
  producer: ImplicitOperation;
  /** The records of the slice, in execution order (the producer last). */
  records: ImplicitOperation[];
  /**
   * Whether the slice is of the producer's output (its last expression or figure) rather than
   * of variable `target` (then `target` is `output` and `version` the cell's execution count).
   */
  output?: boolean;
}

/** Why a slice could not be made, in words for the user. */
export class SliceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SliceError';
  }
}

const key = (name: string, version: number) => `${name}\u0000${version}`;

/**
 * The records that produce `target` (at `version` of `session`, default: its latest version in
 * the latest session that wrote it). Reads that no record wrote are left out of the walk.
 */
export function sliceRecords(
  records: ReadonlyArray<ImplicitOperation>,
  target: string,
  options: { session?: string; version?: number } = {}
): IRecordSlice {
  let session = options.session;
  if (!session) {
    const last = [...records]
      .reverse()
      .find(r => (r.writes ?? []).some(w => w.name === target));
    if (!last) {
      throw new SliceError(
        `No recorded cell wrote a variable named ${target}.`
      );
    }
    session = last.session ?? '';
  }
  const ordered = records.filter(r => (r.session ?? '') === session);
  const writers = new Map<string, ImplicitOperation>();
  let producer: ImplicitOperation | undefined;
  let version = -1;
  for (const record of ordered) {
    for (const write of record.writes ?? []) {
      writers.set(key(write.name, write.version), record);
      if (
        write.name === target &&
        (options.version === undefined || write.version === options.version)
      ) {
        producer = record;
        version = write.version;
      }
    }
  }
  if (!producer) {
    const which =
      options.version === undefined ? '' : ` version ${options.version} of`;
    throw new SliceError(
      `No recorded cell of this kernel session wrote${which} ${target}.`
    );
  }
  return {
    target,
    version,
    session,
    producer,
    records: walkBack(ordered, producer, writers)
  };
}

/**
 * The records the output of one cell run depends on: the run itself (`record` id, or the latest
 * run of cell id `cell`, in `session` when given) and every record its reads lead back to.
 */
export function sliceCell(
  records: ReadonlyArray<ImplicitOperation>,
  options: { record?: string; cell?: string; session?: string }
): IRecordSlice {
  let producer: ImplicitOperation | undefined;
  if (options.record) {
    producer = records.find(r => r.id === options.record);
  } else if (options.cell) {
    producer = [...records]
      .reverse()
      .find(
        r =>
          r.cellId === options.cell &&
          (!options.session || r.session === options.session)
      );
  } else {
    throw new SliceError('Name the cell whose output to show.');
  }
  if (!producer) {
    throw new SliceError(
      'This cell has no recorded run in this kernel session: run it, then try again.'
    );
  }
  const session = producer.session ?? '';
  const ordered = records.filter(r => (r.session ?? '') === session);
  const writers = new Map<string, ImplicitOperation>();
  for (const record of ordered) {
    if (record === producer) {
      break;
    }
    for (const write of record.writes ?? []) {
      writers.set(key(write.name, write.version), record);
    }
  }
  return {
    target: 'output',
    version: producer.executionCount ?? 0,
    session,
    producer,
    records: walkBack(ordered, producer, writers),
    output: true
  };
}

/** `producer` and the records its reads lead back to through `writers`, in execution order. */
function walkBack(
  ordered: ReadonlyArray<ImplicitOperation>,
  producer: ImplicitOperation,
  writers: ReadonlyMap<string, ImplicitOperation>
): ImplicitOperation[] {
  const needed = new Set([producer.id]);
  const todo = [producer];
  while (todo.length) {
    const record = todo.pop()!;
    for (const read of record.reads ?? []) {
      const writer = writers.get(key(read.name, read.version));
      if (writer && !needed.has(writer.id)) {
        needed.add(writer.id);
        todo.push(writer);
      }
    }
  }
  return ordered.filter(r => needed.has(r.id));
}

/** A value a slice read that has a newer version since the slice's target was made. */
export interface IStaleRead {
  /** The variable read. */
  name: string;
  /** The version the slice read. */
  read: number;
  /** Its newest version in the session. */
  now: number;
  /** The records of the slice that read the old version. */
  readers: ImplicitOperation[];
  /** The record that wrote the newest version. */
  writer: ImplicitOperation;
}

/**
 * The reads of `slice` whose variable was written again after the slice's producer ran: the
 * target would differ if it were made now. Re-assignments inside the history itself (`a = 2`,
 * `b = a * 10`, `a = 5`, then the target) are not stale: the newer version came before.
 */
export function staleReads(
  records: ReadonlyArray<ImplicitOperation>,
  slice: IRecordSlice
): IStaleRead[] {
  const ordered = records.filter(r => (r.session ?? '') === slice.session);
  const after = ordered.findIndex(r => r.id === slice.producer.id);
  if (after < 0) {
    return [];
  }
  const newest = new Map<
    string,
    { version: number; writer: ImplicitOperation }
  >();
  for (const record of ordered.slice(after + 1)) {
    for (const write of record.writes ?? []) {
      if (write.version > (newest.get(write.name)?.version ?? -1)) {
        newest.set(write.name, { version: write.version, writer: record });
      }
    }
  }
  const stale = new Map<string, IStaleRead>();
  for (const record of slice.records) {
    for (const read of record.reads ?? []) {
      const later = newest.get(read.name);
      if (
        !later ||
        later.version <= read.version ||
        read.name === slice.target
      ) {
        continue;
      }
      const id = key(read.name, read.version);
      const entry = stale.get(id) ?? {
        name: read.name,
        read: read.version,
        now: later.version,
        readers: [],
        writer: later.writer
      };
      if (!entry.readers.includes(record)) {
        entry.readers.push(record);
      }
      stale.set(id, entry);
    }
  }
  return [...stale.values()];
}

/** `reads lr v1; lr is now v2 (cell [7])`. */
export function staleText(stale: IStaleRead): string {
  const count = stale.writer.executionCount;
  const where =
    stale.writer.kind === 'widget'
      ? ' (a widget edit)'
      : count !== null && count !== undefined
        ? ` (cell [${count}])`
        : '';
  return `reads ${stale.name} v${stale.read}; ${stale.name} is now v${stale.now}${where}`;
}

/**
 * For each live variable of `session`, the stale reads of its current version's history (only
 * variables with some are in the map); variables no record wrote are left out.
 */
export function staleVariables(
  records: ReadonlyArray<ImplicitOperation>,
  session: string,
  variables: ReadonlyArray<IVariable>
): Map<string, IStaleRead[]> {
  const result = new Map<string, IStaleRead[]>();
  for (const variable of variables) {
    let slice: IRecordSlice;
    try {
      slice = sliceRecords(records, variable.name, {
        session,
        version: variable.version
      });
    } catch {
      continue;
    }
    const stale = staleReads(records, slice);
    if (stale.length) {
      result.set(variable.name, stale);
    }
  }
  return result;
}

/** `[3] first line of the code` (or `widget …` for a widget edit). */
export function recordTitle(record: ImplicitOperation): string {
  // Whole: the graph cuts it to the node's width and keeps it whole in the tooltip.
  const line = firstCodeLine(record.code ?? '');
  if (record.kind === 'widget') {
    return `widget: ${line}`;
  }
  const count = record.executionCount;
  return `[${count ?? ' '}] ${line}`;
}

/**
 * The graph of a slice: one node per record (inputs: the variables it read, outputs: those it
 * wrote that a later record of the slice or the target uses), one edge per variable version.
 */
export function sliceGraph(
  slice: IRecordSlice,
  stale: ReadonlyArray<IStaleRead> = []
): IViewGraph {
  const inSlice = new Set(slice.records.map(r => r.id));
  const writers = new Map<string, ImplicitOperation>();
  for (const record of slice.records) {
    for (const write of record.writes ?? []) {
      writers.set(key(write.name, write.version), record);
    }
  }
  const used = new Map<string, Set<string>>();
  const use = (id: string, name: string) => {
    if (!used.has(id)) {
      used.set(id, new Set());
    }
    used.get(id)!.add(name);
  };
  if (!slice.output) {
    use(slice.producer.id, slice.target);
  }
  const edges: IViewEdge[] = [];
  for (const record of slice.records) {
    for (const read of record.reads ?? []) {
      const writer = writers.get(key(read.name, read.version));
      if (!writer || !inSlice.has(writer.id)) {
        continue;
      }
      use(writer.id, read.name);
      edges.push({
        id: `${writer.id}:${read.name}@${read.version}->${record.id}`,
        source: { node: writer.id, port: read.name },
        target: { node: record.id, port: read.name },
        label: `${read.name} v${read.version}`
      });
    }
  }
  const nodes: IViewNode[] = slice.records.map(record => {
    const classes = [`fl-mod-${record.kind}`];
    if (record.id === slice.producer.id) {
      classes.push('fl-mod-target');
    }
    if (record.status && record.status !== 'ok') {
      classes.push(`fl-mod-status-${record.status}`);
    }
    const outdated = stale.filter(s => s.readers.includes(record));
    if (outdated.length) {
      classes.push('fl-mod-stale');
    }
    const reads = (record.reads ?? []).filter(r =>
      writers.has(key(r.name, r.version))
    );
    const written = (record.writes ?? []).filter(w =>
      used.get(record.id)?.has(w.name)
    );
    const outputs = written.map(w => ({ name: w.name, type: w.type }));
    if (slice.output && record.id === slice.producer.id) {
      // The cell's displayed value or figure: what the graph is about.
      outputs.push({ name: slice.target, type: 'output' });
    }
    return {
      id: record.id,
      title: recordTitle(record),
      subtitle: record.cellId
        ? `cell ${record.cellId.slice(0, 8)}`
        : record.kind,
      inputs: uniqueNames(reads.map(r => r.name)).map(name => ({ name })),
      outputs,
      details: [
        ...outdated.map(s => `stale: ${s.name} v${s.read} → v${s.now}`),
        ...written.map(w => `${w.name} → v${w.version}`)
      ],
      notes: outdated.map(s => `Stale: ${staleText(s)}`),
      className: classes.join(' ')
    };
  });
  return { nodes, edges };
}

/**
 * The graph of an artifact's provenance chain (`GET artifacts/{id}/provenance`): one node per
 * job or upload record, an edge from each input's record to the job that read it.
 */
export function artifactGraph(
  records: ReadonlyArray<ImplicitOperation>
): IViewGraph {
  const byId = new Map(records.map(r => [r.id, r]));
  const outputsOf = (record: ImplicitOperation): string[] => {
    const declared = (record.job?.operation?.outputs ?? []).map(o => o.name);
    return declared.length ? declared : ['value'];
  };
  const nodes: IViewNode[] = [];
  const edges: IViewEdge[] = [];
  for (const record of records) {
    const inputs = Object.entries(record.job?.inputs ?? {});
    for (const [port, source] of inputs) {
      const from = byId.get(source);
      if (!from) {
        continue;
      }
      const outs = outputsOf(from);
      edges.push({
        id: `${source}->${record.id}:${port}`,
        source: {
          node: source,
          port: outs.includes(port) ? port : outs[0]
        },
        target: { node: record.id, port }
      });
    }
    const name =
      record.kind === 'job'
        ? (record.job?.operation?.name ?? 'operation')
        : record.kind === 'upload'
          ? `upload ${record.filesRead?.[0]?.path ?? ''}`.trim()
          : recordTitle(record);
    nodes.push({
      id: record.id,
      title: name,
      subtitle: record.job ? `execution ${record.job.execution}` : record.kind,
      inputs: inputs.map(([port]) => ({ name: port })),
      outputs: outputsOf(record).map(o => ({ name: o })),
      className: `fl-mod-${record.kind}`
    });
  }
  return { nodes, edges };
}

function uniqueNames(names: string[]): string[] {
  return [...new Set(names)];
}
