/**
 * What changed between two versions of a pipeline (the one an execution ran and the file now):
 * nodes added, removed or changed (label, attributes, references, Input source, operation and
 * its code) and connections added or removed. Pure: the panel in `versions.ts` shows it.
 */
import { Connection, Node, Pipeline } from '../formats';

/** How one node differs. */
export interface INodeChange {
  /** The node's id. */
  node: string;
  /** Its label (or id) for people. */
  title: string;
  /** Added in the current file, removed from it, or changed. */
  kind: 'added' | 'removed' | 'changed';
  /** One line per changed property, e.g. `epochs: 12 → 20` or `code: +3 −1 lines`. */
  details: string[];
}

/** Every difference between two pipelines; empty lists when they are the same. */
export interface IPipelineDiff {
  /** Nodes added, removed or changed, in the order of the older pipeline then the newer. */
  nodes: INodeChange[];
  /** Connections in the newer pipeline only ("load.x → split.x"). */
  addedConnections: string[];
  /** Connections in the older pipeline only. */
  removedConnections: string[];
}

/** Whether the diff has no difference. */
export function isSame(diff: IPipelineDiff): boolean {
  return (
    !diff.nodes.length &&
    !diff.addedConnections.length &&
    !diff.removedConnections.length
  );
}

function show(value: unknown): string {
  return value === undefined ? '(unset)' : JSON.stringify(value);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** `+added −removed lines` between two texts, by line multiset (order moves are not counted). */
export function lineChanges(before: string, after: string): string {
  const count = new Map<string, number>();
  for (const line of before.split('\n')) {
    count.set(line, (count.get(line) ?? 0) + 1);
  }
  let added = 0;
  for (const line of after.split('\n')) {
    const left = count.get(line) ?? 0;
    if (left > 0) {
      count.set(line, left - 1);
    } else {
      added++;
    }
  }
  const removed = [...count.values()].reduce((a, b) => a + b, 0);
  return `+${added} −${removed} lines`;
}

/** Attribute values with the operation's defaults filled in, as a job receives them. */
function attributeValues(node: Node): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const spec of node.operation?.attributes ?? []) {
    if (spec.default !== undefined) {
      values[spec.name] = spec.default;
    }
  }
  return { ...values, ...((node.attributes ?? {}) as Record<string, unknown>) };
}

function mapDetails(
  what: string,
  before: Record<string, unknown>,
  after: Record<string, unknown>
): string[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return names
    .filter(name => !same(before[name], after[name]))
    .map(
      name => `${what}${name}: ${show(before[name])} → ${show(after[name])}`
    );
}

/** The lines saying how node `before` became `after` (empty when nothing that runs changed). */
export function nodeDetails(before: Node, after: Node): string[] {
  const details: string[] = [];
  if ((before.label ?? '') !== (after.label ?? '')) {
    details.push(`label: ${show(before.label)} → ${show(after.label)}`);
  }
  for (const key of ['kind', 'name', 'type', 'source', 'storage'] as const) {
    if (!same(before[key], after[key])) {
      details.push(`${key}: ${show(before[key])} → ${show(after[key])}`);
    }
  }
  details.push(
    ...mapDetails('', attributeValues(before), attributeValues(after))
  );
  details.push(
    ...mapDetails('reference ', before.references ?? {}, after.references ?? {})
  );
  const a = before.operation;
  const b = after.operation;
  if (a && b) {
    const where = (s: typeof a.source) =>
      `${s.module ? `${s.module}.` : ''}${s.function}`;
    if (where(a.source) !== where(b.source)) {
      details.push(`function: ${where(a.source)} → ${where(b.source)}`);
    }
    if ((a.source.code ?? '') !== (b.source.code ?? '')) {
      details.push(
        `code: ${lineChanges(a.source.code ?? '', b.source.code ?? '')}`
      );
    }
    for (const key of ['inputs', 'outputs'] as const) {
      const names = (o: typeof a) => (o[key] ?? []).map(p => p.name).join(', ');
      if (names(a) !== names(b)) {
        details.push(
          `${key}: ${names(a) || '(none)'} → ${names(b) || '(none)'}`
        );
      }
    }
  } else if (!same(a, b)) {
    details.push('operation: changed');
  }
  return details;
}

function connectionText(c: Connection): string {
  return `${c.source.node}.${c.source.port} → ${c.target.node}.${c.target.port}`;
}

/** How pipeline `before` (e.g. as an execution ran it) differs from `after` (e.g. the file). */
export function diffPipelines(
  before: Pipeline,
  after: Pipeline
): IPipelineDiff {
  const title = (n: Node) => n.label || n.operation?.name || n.name || n.id;
  const later = new Map(after.nodes.map(n => [n.id, n]));
  const earlier = new Map(before.nodes.map(n => [n.id, n]));
  const nodes: INodeChange[] = [];
  for (const node of before.nodes) {
    const now = later.get(node.id);
    if (!now) {
      nodes.push({
        node: node.id,
        title: title(node),
        kind: 'removed',
        details: []
      });
      continue;
    }
    const details = nodeDetails(node, now);
    if (details.length) {
      nodes.push({
        node: node.id,
        title: title(now),
        kind: 'changed',
        details
      });
    }
  }
  for (const node of after.nodes) {
    if (!earlier.has(node.id)) {
      nodes.push({
        node: node.id,
        title: title(node),
        kind: 'added',
        details: []
      });
    }
  }
  const was = new Set(before.connections.map(connectionText));
  const now = new Set(after.connections.map(connectionText));
  return {
    nodes,
    addedConnections: [...now].filter(c => !was.has(c)),
    removedConnections: [...was].filter(c => !now.has(c))
  };
}
