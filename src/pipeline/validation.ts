/**
 * Continuous validation of a pipeline: what keeps it from running, listed per node.
 */
import { Attribute, Node, Operation, Pipeline } from '../formats';
import { pipelineGraph } from './ports';

/** One problem of a pipeline, attached to a node where there is one. */
export interface IPipelineIssue {
  /** The node the issue is about; absent for issues of the whole pipeline. */
  node?: string;
  /** A JSON Pointer into the pipeline document. */
  path: string;
  /** What is wrong and what to do. */
  message: string;
}

/** Why `value` is not a valid value of `attribute`, or `null` when it is. */
export function attributeValueProblem(
  attribute: Attribute,
  value: unknown
): string | null {
  const range = (n: number): string | null =>
    attribute.minimum !== undefined && n < attribute.minimum
      ? `must be at least ${attribute.minimum}`
      : attribute.maximum !== undefined && n > attribute.maximum
        ? `must be at most ${attribute.maximum}`
        : null;
  switch (attribute.type) {
    case 'int':
      return typeof value === 'number' && Number.isInteger(value)
        ? range(value)
        : 'must be an integer';
    case 'float':
      return typeof value === 'number' && Number.isFinite(value)
        ? range(value)
        : 'must be a number';
    case 'str':
      return typeof value === 'string' ? null : 'must be text';
    case 'bool':
      return typeof value === 'boolean' ? null : 'must be true or false';
    case 'choice':
      return (attribute.choices ?? []).some(
        c => JSON.stringify(c) === JSON.stringify(value)
      )
        ? null
        : `must be one of ${(attribute.choices ?? []).map(c => JSON.stringify(c)).join(', ')}`;
    case 'json':
      return null;
    default:
      return null;
  }
}

/** Whether an attribute needs a value in the node because it has neither one nor a default. */
function missing(attribute: Attribute, node: Node): boolean {
  const values = (node.attributes ?? {}) as Record<string, unknown>;
  return (
    values[attribute.name] === undefined &&
    attribute.default === undefined &&
    !!attribute.required
  );
}

/**
 * Every issue of a pipeline: refused connections (cycles, second sources, type mismatches,
 * unknown ports), unconnected required inputs, missing or ill-typed attribute values, unset
 * required references and, when a catalog is given, operations it does not know.
 */
export function pipelineIssues(
  pipeline: Pipeline,
  catalog?: ReadonlyMap<string, Operation> | null
): IPipelineIssue[] {
  const issues: IPipelineIssue[] = [];
  const { graph, refused } = pipelineGraph(
    pipeline.nodes,
    pipeline.connections
  );
  const index = new Map(pipeline.nodes.map((n, i) => [n.id, i]));
  const seen = new Set<string>();
  pipeline.nodes.forEach((node, i) => {
    const path = `/nodes/${i}`;
    if (seen.has(node.id)) {
      issues.push({
        node: node.id,
        path: `${path}/id`,
        message: `Node id '${node.id}' is used twice.`
      });
    }
    seen.add(node.id);
    for (const port of graph.unconnectedRequiredInputs(node.id)) {
      issues.push({
        node: node.id,
        path,
        message:
          node.kind === 'output'
            ? `Output '${node.name}' is not connected to any value.`
            : `Input '${port.name}' is not connected; wire an output to it or mark it optional.`
      });
    }
    if (node.kind !== 'operation') {
      return;
    }
    const op = node.operation;
    if (!op) {
      issues.push({
        node: node.id,
        path,
        message: 'The node has no operation.'
      });
      return;
    }
    if (catalog && !catalog.has(op.id) && !op.source?.code) {
      issues.push({
        node: node.id,
        path: `${path}/operation`,
        message: `Unknown operation '${op.id}': no library on the server defines it.`
      });
    }
    const values = (node.attributes ?? {}) as Record<string, unknown>;
    const declared = new Map((op.attributes ?? []).map(a => [a.name, a]));
    for (const attribute of op.attributes ?? []) {
      if (missing(attribute, node)) {
        issues.push({
          node: node.id,
          path: `${path}/attributes`,
          message: `Attribute '${attribute.name}' needs a value.`
        });
      } else if (values[attribute.name] !== undefined) {
        const problem = attributeValueProblem(
          attribute,
          values[attribute.name]
        );
        if (problem) {
          issues.push({
            node: node.id,
            path: `${path}/attributes/${attribute.name}`,
            message: `Attribute '${attribute.name}' ${problem}.`
          });
        }
      }
    }
    for (const name of Object.keys(values)) {
      if (!declared.has(name)) {
        issues.push({
          node: node.id,
          path: `${path}/attributes/${name}`,
          message: `'${op.name}' has no attribute '${name}'.`
        });
      }
    }
    const refs = node.references ?? {};
    for (const reference of op.references ?? []) {
      if (!reference.optional && !refs[reference.name]) {
        issues.push({
          node: node.id,
          path: `${path}/references`,
          message: `Reference '${reference.name}' needs ${reference.kind === 'architecture' ? 'an *.arch.json path' : 'an artifact'}.`
        });
      }
    }
  });
  for (const { connection, reason } of refused) {
    const i = pipeline.connections.indexOf(connection);
    issues.push({
      node: index.has(connection.target.node)
        ? connection.target.node
        : undefined,
      path: `/connections/${i}`,
      message: reason
    });
  }
  return issues;
}
