/**
 * How a pipeline looks on the graph canvas: what each node shows and which classes it gets.
 */
import { Node } from '../formats';
import { IViewGraph, IViewNode } from '../graphview';
import { PipelineModel } from './model';
import { operationSourceKind } from './opsource';
import { portsOf } from './ports';
import { IPipelineIssue } from './validation';
import { connectionKey } from './ydoc';

/** How many attribute values a node shows. */
export const KEY_ATTRIBUTES = 3;

/** The title of a node: its label, else its operation's or value's name. */
export function nodeTitle(node: Node): string {
  return (
    node.label ??
    (node.kind === 'operation'
      ? (node.operation?.name ?? node.id)
      : (node.name ?? node.id))
  );
}

/** The lines a node shows under its ports: key attribute values, or an Input's source. */
export function nodeDetails(node: Node): string[] {
  if (node.kind === 'input') {
    return node.source ? [`from ${node.source}`] : [];
  }
  if (node.kind === 'output') {
    return node.storage ? [`to ${node.storage}`] : [];
  }
  const values = (node.attributes ?? {}) as Record<string, unknown>;
  const lines: string[] = [];
  for (const attribute of node.operation?.attributes ?? []) {
    const value = values[attribute.name] ?? attribute.default;
    if (value !== undefined && lines.length < KEY_ATTRIBUTES) {
      lines.push(
        `${attribute.name} = ${typeof value === 'string' ? value : JSON.stringify(value)}`
      );
    }
  }
  return lines;
}

/** The id of the node button that opens an operation's source. */
export const SOURCE_ACTION = 'source';

const SOURCE_BUTTON = {
  id: SOURCE_ACTION,
  label: 'Show the source code',
  glyph: '</>'
};

/** Whether the editor can show `node`'s operation source (inline code or a workspace file). */
export function hasEditableSource(node: Node): boolean {
  const kind = operationSourceKind(node.operation);
  return node.kind === 'operation' && (kind === 'inline' || kind === 'file');
}

/** A pipeline node as the canvas draws it. */
export function viewNode(
  node: Node,
  issues: IPipelineIssue[] = [],
  status?: string
): IViewNode {
  const title = nodeTitle(node);
  const subtitle =
    node.kind === 'operation'
      ? node.label && node.operation?.name !== node.label
        ? node.operation?.name
        : node.operation?.category
      : node.kind === 'input'
        ? `Input${node.type && node.type !== 'any' ? ` · ${node.type}` : ''}`
        : `Output${node.type && node.type !== 'any' ? ` · ${node.type}` : ''}`;
  return {
    id: node.id,
    title,
    subtitle,
    ...portsOf(node),
    details: nodeDetails(node),
    position: node.position,
    className: `jp-ForgeLab-mod-${node.kind}${status ? ` jp-ForgeLab-mod-status-${status}` : ''}`,
    issues: issues.map(i => i.message)
  };
}

/**
 * The canvas drawing of a pipeline; `statuses` (job status by node id) colours the nodes of an
 * execution.
 */
export function pipelineViewGraph(
  model: PipelineModel,
  statuses?: ReadonlyMap<string, string>
): IViewGraph {
  const issues = model.issuesByNode();
  return {
    nodes: model.sharedModel.getNodes().map(n => {
      const drawn = viewNode(n, issues.get(n.id), statuses?.get(n.id));
      // In the editor (no statuses), nodes with Python source get a button to open it.
      return !statuses && hasEditableSource(n)
        ? { ...drawn, actions: [SOURCE_BUTTON] }
        : drawn;
    }),
    edges: model.sharedModel.getConnections().map(c => ({
      id: connectionKey(c),
      source: c.source,
      target: c.target
    }))
  };
}
