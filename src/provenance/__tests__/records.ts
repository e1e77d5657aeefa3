import { ImplicitOperation } from '../../formats';

let seq = 0;

/** Number the next records from 1 again (ids, cell ids and execution counts). */
export function restartNumbering(): void {
  seq = 0;
}

/**
 * A successful cell record of `session` that reads and writes the given `[name, version]`s;
 * ids, cell ids and execution counts follow the order records are made in.
 */
export function cellRecord(
  session: string,
  code: string,
  reads: [string, number][],
  writes: [string, number][],
  extra: Partial<ImplicitOperation> = {}
): ImplicitOperation {
  seq++;
  return {
    format: 'forgelab.provenance',
    version: 1,
    id: `${session}-${String(seq).padStart(7, '0')}`,
    kind: 'cell',
    session,
    cellId: `c${seq}`,
    executionCount: seq,
    code,
    startedAt: '2026-11-27T08:00:00Z',
    status: 'ok',
    reads: reads.map(([name, version]) => ({ name, version })),
    writes: writes.map(([name, version]) => ({ name, version, type: 'int' })),
    ...extra
  };
}
