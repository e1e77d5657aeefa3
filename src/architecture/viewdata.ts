/**
 * How an architecture looks on the graph canvas: each layer with its output shape, parameter
 * count and error, each edge with the shape it carries and, into merge layers, its position.
 */
import { Layer } from '../formats';
import { IViewGraph, IViewNode } from '../graphview';
import { ArchitectureModel } from './model';
import {
  formatCount,
  formatShapes,
  ICheckResult,
  ILayerCheck,
  layerError
} from './shapes';

/** How many argument values a layer shows. */
export const KEY_ARGUMENTS = 2;

/** `name = value` lines of a layer's set arguments. */
export function argumentLines(layer: Layer): string[] {
  return Object.entries((layer.arguments ?? {}) as Record<string, unknown>)
    .slice(0, KEY_ARGUMENTS)
    .map(
      ([name, value]) =>
        `${name} = ${typeof value === 'string' ? value : JSON.stringify(value)}`
    );
}

/** A layer as the canvas draws it. */
export function layerViewNode(
  model: ArchitectureModel,
  layer: Layer,
  check?: ILayerCheck
): IViewNode {
  const node = model.graph.node(layer.id);
  const error = layerError(check);
  const details = argumentLines(layer);
  if (check?.status === 'ok') {
    details.push(`→ ${formatShapes(check)}`);
    details.push(`params ${formatCount(check.params ?? 0)}`);
  } else if (error) {
    details.push(`✖ ${error}`);
  }
  const status = check ? ` jp-ForgeLab-mod-layer-${check.status}` : '';
  return {
    id: layer.id,
    title: layer.id,
    subtitle: layer.type,
    inputs: node?.inputs ?? [],
    outputs: node?.outputs ?? [],
    details,
    position: layer.position,
    className: `jp-ForgeLab-mod-layer${layer.type === 'Input' ? ' jp-ForgeLab-mod-input' : ''}${status}`,
    issues: error ? [error] : []
  };
}

/** The canvas drawing of an architecture, with the latest shape check if any. */
export function architectureViewGraph(
  model: ArchitectureModel,
  result: ICheckResult | null
): IViewGraph {
  const checks = result?.layers ?? {};
  const layers = model.sharedModel.getLayers();
  return {
    nodes: layers.map(l => layerViewNode(model, l, checks[l.id])),
    edges: [...model.graph.edges].map(e => {
      const target = model.getLayer(e.target.node);
      const multi =
        model.inputsOf(target?.type ?? '').mode !== 'single' ||
        (target?.inputs?.length ?? 0) > 1;
      const shape = formatShapes(checks[e.source.node]);
      const label = [multi ? `#${e.index}` : '', shape]
        .filter(Boolean)
        .join(' ');
      return {
        id: e.id,
        source: e.source,
        target: e.target,
        label,
        className: `jp-ForgeLab-mod-input-${e.index}`
      };
    })
  };
}
