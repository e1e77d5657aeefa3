/**
 * An ordered list of JSON values kept in a `Y.Map` keyed by id.
 *
 * Keying by id means two people editing different entries never conflict, and concurrent edits
 * of one entry resolve to one of them on every peer. Each entry carries a sequence number that
 * keeps the file's order stable across round trips; ties (two peers adding at once) sort by id.
 */
import * as Y from 'yjs';

/** How one value is stored: its place in the file and the value. */
export interface IKeyedEntry<T> {
  /** The sequence number that orders the entries. */
  seq: number;
  /** The value (treated as immutable: replace it to change it). */
  value: T;
}

/** An ordered, id-keyed list over a `Y.Map`; every write must run inside a transaction. */
export class YKeyedList<T> {
  /** Wrap `map`, a top-level map of a Y.Doc. */
  constructor(readonly map: Y.Map<IKeyedEntry<T>>) {}

  /** The ids, in file order. */
  get ids(): string[] {
    const entries: [string, number][] = [];
    this.map.forEach((entry, key) => entries.push([key, entry.seq]));
    entries.sort(
      (a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)
    );
    return entries.map(e => e[0]);
  }

  /** The values, in file order. */
  values(): T[] {
    return this.ids.map(id => this.map.get(id)!.value);
  }

  /** The value stored under `id`. */
  get(id: string): T | undefined {
    return this.map.get(id)?.value;
  }

  /** Whether `id` is stored. */
  has(id: string): boolean {
    return this.map.has(id);
  }

  /** Store `value` under `id`, keeping its place when it replaces an entry, else last. */
  set(id: string, value: T): void {
    const seq = this.map.get(id)?.seq ?? this._nextSeq();
    this.map.set(id, { seq, value });
  }

  /** Remove the entry `id`. */
  delete(id: string): void {
    this.map.delete(id);
  }

  /** Replace every entry by `values`, in this order, keyed by `key`. */
  load(values: ReadonlyArray<T>, key: (value: T) => string): void {
    this.map.clear();
    values.forEach((value, seq) => this.map.set(key(value), { seq, value }));
  }

  private _nextSeq(): number {
    let max = -1;
    this.map.forEach(entry => {
      max = Math.max(max, entry.seq);
    });
    return max + 1;
  }
}
