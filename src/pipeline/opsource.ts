/**
 * Where an operation's Python source lives, and what changes in a pipeline node when that
 * source's signature changes (ports and attributes follow the function; wires to ports that
 * disappeared go).
 */
import { Connection, Node, Operation } from '../formats';

/**
 * Where an operation's source is: a `.py` file of the workspace (`file`), code kept in the
 * pipeline (`inline`), an installed module (`module`), or nowhere the editor can show.
 */
export type OperationSourceKind = 'file' | 'inline' | 'module' | 'none';

/** Ids of workspace operations are `<path relative to the Jupyter root>.py:<function>`. */
const FILE_ID = /^(.+\.py):([A-Za-z_][A-Za-z0-9_]*)$/;

/** Where `operation`'s source is. */
export function operationSourceKind(
  operation: Operation | undefined
): OperationSourceKind {
  if (!operation?.source) {
    return 'none';
  }
  if (FILE_ID.test(operation.id) && operation.source.code !== undefined) {
    return 'file';
  }
  if (operation.source.code !== undefined) {
    return 'inline';
  }
  return operation.source.module ? 'module' : 'none';
}

/** The workspace path of the `.py` file defining `operation`, or `null` when it has none. */
export function operationFilePath(operation: Operation): string | null {
  return operationSourceKind(operation) === 'file'
    ? FILE_ID.exec(operation.id)![1]
    : null;
}

/** The source of an operation created in the editor: a small function to start from. */
export function inlineTemplate(functionName: string): string {
  return `def ${functionName}(data, *, scale: float = 1.0):
    """Describe what this operation does."""
    return data * scale
`;
}

/**
 * A new inline operation from {@link inlineTemplate}, described as the server would describe it,
 * so that it can be added (and validated) before the server has seen it.
 */
export function newInlineOperation(functionName = 'new_operation'): Operation {
  return {
    id: `inline:${functionName}`,
    name: functionName
      .replace(/_/g, ' ')
      .trim()
      .replace(/^./, c => c.toUpperCase()),
    description: 'Describe what this operation does.',
    inputs: [{ name: 'data', type: 'any' }],
    outputs: [{ name: 'result', type: 'any' }],
    attributes: [{ name: 'scale', type: 'float', default: 1.0 }],
    references: [],
    source: {
      language: 'python',
      function: functionName,
      code: inlineTemplate(functionName)
    }
  };
}

/** A pipeline node updated to a new description of its operation. */
export interface IOperationUpdate {
  /** The node with the new operation, and the values that still apply. */
  node: Node;
  /** Connections to or from ports the new operation no longer has. */
  removed: Connection[];
  /** Attribute and reference values dropped because their parameter is gone. */
  droppedValues: string[];
}

/**
 * `node` with `operation` in place of its operation: attribute and reference values are kept
 * for the parameters that still exist, and connections to vanished ports are listed for removal.
 * The node keeps its operation's id (what the pipeline knows it by).
 */
export function updateOperation(
  node: Node,
  connections: ReadonlyArray<Connection>,
  operation: Operation
): IOperationUpdate {
  const next: Operation = {
    ...operation,
    id: node.operation?.id ?? operation.id
  };
  const inputs = new Set(next.inputs.map(p => p.name));
  const outputs = new Set(next.outputs.map(p => p.name));
  const removed = connections.filter(
    c =>
      (c.target.node === node.id && !inputs.has(c.target.port)) ||
      (c.source.node === node.id && !outputs.has(c.source.port))
  );
  const droppedValues: string[] = [];
  const attributeNames = new Set((next.attributes ?? []).map(a => a.name));
  const attributes: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(
    (node.attributes ?? {}) as Record<string, unknown>
  )) {
    if (attributeNames.has(name)) {
      attributes[name] = value;
    } else {
      droppedValues.push(name);
    }
  }
  for (const attribute of next.attributes ?? []) {
    if (!(attribute.name in attributes) && attribute.default !== undefined) {
      attributes[attribute.name] = attribute.default;
    }
  }
  const referenceNames = new Set((next.references ?? []).map(r => r.name));
  const references: Record<string, string> = {};
  for (const [name, value] of Object.entries(node.references ?? {})) {
    if (referenceNames.has(name)) {
      references[name] = value;
    } else {
      droppedValues.push(name);
    }
  }
  const updated: Node = { ...node, operation: next, attributes };
  if (Object.keys(references).length || node.references) {
    updated.references = references;
  }
  return { node: updated, removed, droppedValues };
}

/** A sentence telling the user which wires went with the ports that disappeared. */
export function describeRemoved(removed: ReadonlyArray<Connection>): string {
  if (!removed.length) {
    return '';
  }
  const wires = removed.map(
    c => `${c.source.node}.${c.source.port} → ${c.target.node}.${c.target.port}`
  );
  return `Removed ${removed.length === 1 ? 'the connection' : `${removed.length} connections`} to ports that no longer exist: ${wires.join(', ')}.`;
}
