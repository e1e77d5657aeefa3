/**
 * How the layers of an architecture look to the graph model: one output port `out`, and one
 * input port per input slot (`0`, `1`, ...), so that an edge's target port is the position of
 * the input in the layer's ordered `inputs`.
 */
import { Layer } from '../formats';
import { edgeId, Graph, IGraphEdge, IGraphNode, IGraphPort } from '../graph';
import { ILayerInputs } from './catalog';

/** The output port of every layer. */
export const OUTPUT_PORT = 'out';

/** A layer seen as a graph node. */
export interface ILayerGraphNode extends IGraphNode {
  /** The layer it stands for. */
  layer: Layer;
}

/** One input of a layer seen as a graph edge. */
export interface ILayerGraphEdge extends IGraphEdge {
  /** The position of this input in the target layer's `inputs`. */
  index: number;
}

/**
 * The input ports of a layer: one per connected input, plus one free slot while the layer
 * takes more (at least `min` slots are shown, so a merge layer shows where its inputs go).
 */
export function inputPorts(layer: Layer, spec: ILayerInputs): IGraphPort[] {
  const n = layer.inputs?.length ?? 0;
  if (spec.mode === 'none' && n === 0) {
    return [];
  }
  let count = spec.mode === 'single' ? 1 : Math.max(n + 1, spec.min, 1);
  if (spec.max !== null && spec.max !== undefined) {
    count = Math.min(count, Math.max(spec.max, 1));
  }
  count = Math.max(count, n);
  return Array.from({ length: count }, (_, i) => ({ name: String(i) }));
}

/** The edge of input `index` of `layer`, which comes from layer `source`. */
export function layerEdge(
  source: string,
  layer: string,
  index: number
): ILayerGraphEdge {
  const from = { node: source, port: OUTPUT_PORT };
  const to = { node: layer, port: String(index) };
  return { id: edgeId(from, to), source: from, target: to, index };
}

/** The graph of the layers; inputs that name a missing layer are left out. */
export function architectureGraph(
  layers: ReadonlyArray<Layer>,
  inputsOf: (type: string) => ILayerInputs
): Graph<ILayerGraphNode, ILayerGraphEdge> {
  const graph = new Graph<ILayerGraphNode, ILayerGraphEdge>();
  for (const layer of layers) {
    graph.addNode({
      id: layer.id,
      layer,
      inputs: inputPorts(layer, inputsOf(layer.type)),
      outputs: [{ name: OUTPUT_PORT }]
    });
  }
  for (const layer of layers) {
    (layer.inputs ?? []).forEach((source, index) => {
      if (graph.node(source)) {
        graph.connect(layerEdge(source, layer.id, index));
      }
    });
  }
  return graph;
}
