/**
 * Results a "Run from here" can reuse: an upstream node whose output an earlier execution of
 * the same pipeline file still holds, with the node and everything that fed it unchanged since,
 * need not run again. It becomes an Input node whose source is that output's artifact, so only
 * what changed (or never ran) runs. Pure: the pipeline plugin asks the server for the
 * executions and submits what {@link reuseResults} returns.
 */
import { Connection, Execution, Node, Pipeline } from '../formats';
import { IO_PORT } from '../pipeline/ports';
import { executionTabTitle } from './naming';
import { nodeDetails } from './diff';

/** What a run from a node submits, and which earlier results it reuses. */
export interface IReusePlan {
  /** The pipeline to submit: reused nodes replaced by Input nodes of their artifacts. */
  pipeline: Pipeline;
  /** The node ids whose outputs are reused, in the pipeline's order. */
  reused: string[];
  /** The executions the reused results come from, newest first. */
  executions: Execution[];
}

/** Whether two nodes compute the same thing: what runs is equal (the label and place aside). */
function sameComputation(before: Node, after: Node): boolean {
  return !nodeDetails(before, after).some(line => !line.startsWith('label:'));
}

/** The connections into `node`, as comparable text. */
function incoming(pipeline: Pipeline, node: string): string {
  return pipeline.connections
    .filter(c => c.target.node === node)
    .map(c => `${c.source.node}.${c.source.port}>${c.target.port}`)
    .sort()
    .join('|');
}

/**
 * Whether `node` and every node upstream of it are as `execution` ran them (same operation,
 * code, attributes, references, Input sources and connections), so its output then is its
 * output now.
 */
function unchangedSince(
  pipeline: Pipeline,
  execution: Execution,
  node: string,
  memo: Map<string, boolean>
): boolean {
  const known = memo.get(node);
  if (known !== undefined) {
    return known;
  }
  memo.set(node, false); // a cycle (refused by validation anyway) reuses nothing
  const now = pipeline.nodes.find(n => n.id === node);
  const then = execution.pipeline.nodes.find(n => n.id === node);
  const same =
    !!now &&
    !!then &&
    sameComputation(then, now) &&
    incoming(execution.pipeline, node) === incoming(pipeline, node) &&
    pipeline.connections
      .filter(c => c.target.node === node)
      .every(c => unchangedSince(pipeline, execution, c.source.node, memo));
  memo.set(node, same);
  return same;
}

/** A Python identifier made of `text`, unique among `taken` (an Input node's name). */
function inputName(text: string, taken: Set<string>): string {
  const base = text.replace(/\W+/g, '_').replace(/^(\d)/, '_$1') || 'reused';
  let name = base;
  for (let i = 2; taken.has(name); i++) {
    name = `${base}_${i}`;
  }
  taken.add(name);
  return name;
}

/**
 * Replace, in `sub` (the part of `pipeline` a run from `start` needs), each upstream operation
 * node whose result an execution in `executions` (newest first, of this pipeline file) still
 * holds by an Input of that result; `start` and what is downstream of it always run.
 */
export function reuseResults(
  sub: Pipeline,
  start: string,
  executions: Execution[]
): IReusePlan {
  const downstream = new Set([start]);
  for (let grew = true; grew;) {
    grew = false;
    for (const c of sub.connections) {
      if (downstream.has(c.source.node) && !downstream.has(c.target.node)) {
        downstream.add(c.target.node);
        grew = true;
      }
    }
  }
  const memos = new Map(
    executions.map(e => [e.id, new Map<string, boolean>()])
  );
  /** The newest execution that left every used output of `node`, unchanged since. */
  const source = (node: Node, ports: string[]): Execution | undefined =>
    node.kind !== 'operation' || downstream.has(node.id)
      ? undefined
      : executions.find(e => {
          const job = e.jobs.find(j => j.node === node.id);
          return (
            job?.status === 'succeeded' &&
            ports.every(p => job.outputs?.[p]?.id) &&
            unchangedSince(sub, e, node.id, memos.get(e.id)!)
          );
        });

  // Walk up from what must run; a reusable node stops the walk.
  const byId = new Map(sub.nodes.map(n => [n.id, n]));
  const runs = new Set<string>();
  const reused = new Map<string, Execution>();
  const queue = [...downstream];
  while (queue.length) {
    const id = queue.shift()!;
    if (runs.has(id) || reused.has(id)) {
      continue;
    }
    const used = [
      ...new Set(
        sub.connections
          .filter(c => c.source.node === id)
          .map(c => c.source.port)
      )
    ];
    const from = downstream.has(id) ? undefined : source(byId.get(id)!, used);
    if (from) {
      reused.set(id, from);
      continue;
    }
    runs.add(id);
    queue.push(
      ...sub.connections
        .filter(c => c.target.node === id)
        .map(c => c.source.node)
    );
  }
  if (!reused.size) {
    return { pipeline: sub, reused: [], executions: [] };
  }

  const ids = new Set(sub.nodes.map(n => n.id));
  const names = new Set(
    sub.nodes.filter(n => n.kind === 'input').map(n => n.name ?? '')
  );
  const nodes: Node[] = [];
  const connections: Connection[] = [];
  const replaced = new Map<string, string>(); // "node.port" → Input node id
  for (const node of sub.nodes) {
    if (runs.has(node.id)) {
      nodes.push(node);
      continue;
    }
    const execution = reused.get(node.id);
    if (!execution) {
      continue; // only fed reused nodes
    }
    const job = execution.jobs.find(j => j.node === node.id)!;
    const title = node.label || node.operation?.name || node.id;
    for (const c of sub.connections) {
      const key = `${c.source.node}.${c.source.port}`;
      if (
        c.source.node !== node.id ||
        !runs.has(c.target.node) ||
        replaced.has(key)
      ) {
        continue;
      }
      let id = `${node.id}.${c.source.port}`;
      while (ids.has(id)) {
        id = `${id}_`;
      }
      ids.add(id);
      replaced.set(key, id);
      const port = node.operation?.outputs?.find(p => p.name === c.source.port);
      nodes.push({
        id,
        kind: 'input',
        name: inputName(`${node.id}_${c.source.port}`, names),
        label: `${title} · ${c.source.port} (reused)`,
        ...(port?.type ? { type: port.type } : {}),
        source: job.outputs![c.source.port].id,
        ...(node.position ? { position: node.position } : {})
      });
    }
  }
  for (const c of sub.connections) {
    if (!runs.has(c.target.node)) {
      continue;
    }
    const input = replaced.get(`${c.source.node}.${c.source.port}`);
    connections.push(
      input ? { ...c, source: { node: input, port: IO_PORT } } : c
    );
  }
  const order = sub.nodes.map(n => n.id).filter(id => reused.has(id));
  const from = [...new Set(order.map(id => reused.get(id)!))];
  return {
    pipeline: { ...sub, nodes, connections },
    reused: order,
    executions: executions.filter(e => from.includes(e))
  };
}

/** "reusing 2 results from digits · 22:08" (and more executions when there are several). */
export function reuseSummary(plan: IReusePlan): string {
  if (!plan.reused.length) {
    return '';
  }
  const n = plan.reused.length;
  const names = plan.executions.map(e => executionTabTitle(e)).join(', ');
  return `reusing ${n} result${n === 1 ? '' : 's'} from ${names}`;
}
