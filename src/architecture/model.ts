/**
 * The architecture document model: a JupyterLab document model over a shared
 * {@link YArchitecture}, with the editing actions the views call.
 */

import { Architecture, Layer } from '../formats';
import {
  ConnectResult,
  Graph,
  IEditableGraphModel,
  IGraphEndpoint
} from '../graph';
import { FormatDocumentModel, FormatModelFactory } from '../ydoc/formatmodel';
import {
  ILayerInputs,
  LayerCatalog,
  NO_INPUTS,
  UNKNOWN_INPUTS
} from './catalog';
import {
  architectureGraph,
  ILayerGraphEdge,
  ILayerGraphNode,
  layerEdge
} from './graph';
import {
  ArchitectureDocumentChange,
  emptyArchitecture,
  YArchitecture
} from './ydoc';

/** A position on the canvas. */
export type Position = { x: number; y: number };

/** A fragment copied from an architecture: some layers, with inputs among them only. */
export interface IArchitectureClip {
  /** Marks the clipboard text as ForgeLab's. */
  format: 'forgelab.architecture-clip';
  /** The copied layers. */
  layers: Layer[];
}

/** An architecture document model; its text is the architecture's JSON file. */
export class ArchitectureModel
  extends FormatDocumentModel<
    Architecture,
    ArchitectureDocumentChange,
    YArchitecture
  >
  implements IEditableGraphModel<IArchitectureClip>
{
  /** Create a model, on a fresh shared architecture unless one is given (collaboration). */
  constructor(options: ArchitectureModel.IOptions = {}) {
    super(
      options,
      () => new YArchitecture(),
      'architecture',
      () => emptyArchitecture()
    );
  }

  /** The editor starts a Python kernel for shape feedback. */
  readonly defaultKernelName = 'python3';
  /** The kernel language. */
  readonly defaultKernelLanguage = 'python';

  /** The layer catalog; with it, layers show as many input slots as they take. */
  get catalog(): LayerCatalog | null {
    return this._catalog;
  }
  set catalog(value: LayerCatalog | null) {
    this._catalog = value;
    this._graph = null;
    this.emitContentChanged();
  }

  /** How layer class `type` takes inputs (one tensor while the catalog is unknown). */
  inputsOf(type: string): ILayerInputs {
    if (this._catalog) {
      return this._catalog.inputsOf(type);
    }
    return type === 'Input' ? NO_INPUTS : UNKNOWN_INPUTS;
  }

  /** The architecture as JSON. */
  toArchitecture(): Architecture {
    return this.sharedModel.getArchitecture();
  }

  /** The architecture as JSON (the document model's view of it). */
  toDocument(): Architecture {
    return this.toArchitecture();
  }

  /** The graph of the current layers (cached until the next change). */
  get graph(): Graph<ILayerGraphNode, ILayerGraphEdge> {
    if (!this._graph) {
      this._graph = architectureGraph(this.sharedModel.getLayers(), t =>
        this.inputsOf(t)
      );
    }
    return this._graph;
  }

  /** The layer with `id`. */
  getLayer(id: string): Layer | undefined {
    return this.sharedModel.getLayer(id);
  }

  /** An unused layer id derived from `base` (`conv2d`, `conv2d_2`, ...). */
  uniqueId(base: string): string {
    const stem =
      base
        .toLowerCase()
        .replace(/[^A-Za-z0-9_.-]+/g, '_')
        .replace(/^_+|_+$/g, '') || 'layer';
    let id = stem;
    for (let i = 2; this.sharedModel.getLayer(id); i++) {
      id = `${stem}_${i}`;
    }
    return id;
  }

  /** Add a layer of class `type` with default arguments (or `args`); returns its id. */
  addLayer(
    type: string,
    position?: Position,
    args?: Record<string, unknown>
  ): string {
    const id = this.uniqueId(type);
    const layer: Layer = { id, type };
    if (args && Object.keys(args).length) {
      layer.arguments = args;
    }
    if (position) {
      layer.position = { x: Math.round(position.x), y: Math.round(position.y) };
    }
    this.edit(() => this.sharedModel.setLayer(layer));
    return id;
  }

  /** Remove layers and every input that names them, in one undoable step. */
  removeLayers(ids: Iterable<string>): void {
    const gone = new Set(ids);
    this.edit(() => {
      for (const id of gone) {
        this.sharedModel.deleteLayer(id);
      }
      for (const layer of this.sharedModel.getLayers()) {
        if (layer.inputs?.some(i => gone.has(i))) {
          this.sharedModel.setLayer({
            ...layer,
            inputs: layer.inputs.filter(i => !gone.has(i))
          });
        }
      }
    });
  }

  /** Remove layers and the inputs that edges stand for, in one undoable step. */
  remove(layers: Iterable<string>, edges: Iterable<string>): void {
    this.sharedModel.transact(() => {
      this.disconnect(edges);
      this.removeLayers(layers);
    });
  }

  /** Remove the inputs that edges `ids` stand for. */
  disconnect(ids: Iterable<string>): void {
    const byLayer = new Map<string, number[]>();
    for (const id of ids) {
      const edge = this.graph.edge(id);
      if (edge) {
        const list = byLayer.get(edge.target.node) ?? [];
        list.push(edge.index);
        byLayer.set(edge.target.node, list);
      }
    }
    this.edit(() => {
      for (const [id, indexes] of byLayer) {
        const layer = this.sharedModel.getLayer(id)!;
        const drop = new Set(indexes);
        this.sharedModel.setLayer(
          withInputs(
            layer,
            (layer.inputs ?? []).filter((_, i) => !drop.has(i))
          )
        );
      }
    });
  }

  /** Why `source → target` cannot be wired, or `null` when it can. */
  checkConnection(
    source: IGraphEndpoint,
    target: IGraphEndpoint
  ): string | null {
    if (this.readOnly) {
      return 'The architecture is read-only.';
    }
    const reason = this.graph.checkConnection(source, target);
    if (reason) {
      return reason.replace('a pipeline', 'an architecture');
    }
    const n = this.getLayer(target.node)?.inputs?.length ?? 0;
    if (Number(target.port) !== n) {
      return `Input ${target.port} of '${target.node}' is not the next free one; use input ${n}.`;
    }
    return null;
  }

  /** Make `source`'s output the next input of `target`'s layer, or say why not. */
  connect(source: IGraphEndpoint, target: IGraphEndpoint): ConnectResult {
    const reason = this.checkConnection(source, target);
    if (reason) {
      return { ok: false, reason };
    }
    const layer = this.getLayer(target.node)!;
    const inputs = [...(layer.inputs ?? []), source.node];
    this.edit(() => this.sharedModel.setLayer(withInputs(layer, inputs)));
    return {
      ok: true,
      edge: layerEdge(source.node, target.node, inputs.length - 1)
    };
  }

  /** Move input `index` of layer `id` by `delta` places (reordering a merge's inputs). */
  moveInput(id: string, index: number, delta: number): void {
    const layer = this._layer(id);
    const inputs = [...(layer.inputs ?? [])];
    const to = index + delta;
    if (index < 0 || index >= inputs.length || to < 0 || to >= inputs.length) {
      return;
    }
    [inputs[index], inputs[to]] = [inputs[to], inputs[index]];
    this.edit(() => this.sharedModel.setLayer(withInputs(layer, inputs)));
  }

  /** Set (or with `undefined`, remove: the framework's default applies) an argument. */
  setArgument(id: string, name: string, value: unknown): void {
    const layer = this._layer(id);
    const args = { ...((layer.arguments ?? {}) as Record<string, unknown>) };
    if (value === undefined) {
      delete args[name];
    } else {
      args[name] = value;
    }
    const next: Layer = { ...layer, arguments: args };
    if (!Object.keys(args).length) {
      delete next.arguments;
    }
    this.edit(() => this.sharedModel.setLayer(next));
  }

  /** Move layers (canvas coordinates), in one undoable step. */
  moveNodes(positions: ReadonlyMap<string, Position>): void {
    this.edit(() => {
      for (const [id, p] of positions) {
        const layer = this.sharedModel.getLayer(id);
        if (layer) {
          this.sharedModel.setLayer({
            ...layer,
            position: { x: Math.round(p.x), y: Math.round(p.y) }
          });
        }
      }
    });
  }

  /** The layers `ids`, keeping only the inputs among them, for the clipboard. */
  copy(ids: Iterable<string>): IArchitectureClip {
    const wanted = new Set(ids);
    return {
      format: 'forgelab.architecture-clip',
      layers: this.sharedModel
        .getLayers()
        .filter(l => wanted.has(l.id))
        .map(l =>
          l.inputs
            ? withInputs(
                l,
                l.inputs.filter(i => wanted.has(i))
              )
            : l
        )
    };
  }

  /** Paste a clip with fresh ids, shifted by `offset`; returns the new ids. */
  paste(
    clip: IArchitectureClip,
    offset: Position = { x: 40, y: 40 }
  ): string[] {
    const ids = new Map<string, string>();
    for (const layer of clip.layers) {
      let id = this.uniqueId(layer.id);
      for (let i = 2; [...ids.values()].includes(id); i++) {
        id = this.uniqueId(`${layer.id}_${i}`);
      }
      ids.set(layer.id, id);
    }
    this.edit(() => {
      for (const layer of clip.layers) {
        const copy: Layer = { ...layer, id: ids.get(layer.id)! };
        if (layer.inputs) {
          copy.inputs = layer.inputs
            .filter(i => ids.has(i))
            .map(i => ids.get(i)!);
        }
        if (layer.position) {
          copy.position = {
            x: layer.position.x + offset.x,
            y: layer.position.y + offset.y
          };
        }
        this.sharedModel.setLayer(withInputs(copy, copy.inputs ?? []));
      }
    });
    return [...ids.values()];
  }

  private _layer(id: string): Layer {
    const layer = this.sharedModel.getLayer(id);
    if (!layer) {
      throw new Error(`There is no layer '${id}' in this architecture.`);
    }
    return layer;
  }

  /**
   * Keep the model's inputs (its Input layers) and outputs (the layers nothing consumes) in step
   * with the layers, within each edit.
   */
  protected afterEdit(): void {
    this._syncEnds();
  }

  private _syncEnds(): void {
    const layers = this.sharedModel.getLayers();
    const consumed = new Set(layers.flatMap(l => l.inputs ?? []));
    const keep = (
      old: string[] | undefined,
      wanted: (l: Layer) => boolean
    ): string[] => {
      const ok = new Set(layers.filter(wanted).map(l => l.id));
      const result = (old ?? []).filter(id => ok.has(id));
      for (const l of layers) {
        if (ok.has(l.id) && !result.includes(l.id)) {
          result.push(l.id);
        }
      }
      return result;
    };
    const inputs = keep(
      this.sharedModel.getMeta('inputs'),
      l => l.type === 'Input'
    );
    const outputs = keep(
      this.sharedModel.getMeta('outputs'),
      l => !consumed.has(l.id)
    );
    const same = (a: unknown, b: unknown) =>
      JSON.stringify(a) === JSON.stringify(b);
    if (!same(inputs, this.sharedModel.getMeta('inputs'))) {
      this.sharedModel.setMeta('inputs', inputs as Architecture['inputs']);
    }
    if (!same(outputs, this.sharedModel.getMeta('outputs'))) {
      this.sharedModel.setMeta('outputs', outputs as Architecture['outputs']);
    }
  }

  protected onDocumentChange(change: ArchitectureDocumentChange): boolean {
    if (!change.architectureChange) {
      return false;
    }
    this._graph = null;
    return true;
  }

  private _catalog: LayerCatalog | null = null;
  private _graph: Graph<ILayerGraphNode, ILayerGraphEdge> | null = null;
}

/** `layer` with `inputs` (the key left out when there are none, as in hand-written files). */
function withInputs(layer: Layer, inputs: string[]): Layer {
  const next: Layer = { ...layer, inputs };
  if (!inputs.length) {
    delete next.inputs;
  }
  return next;
}

/** The {@link ArchitectureModel} namespace. */
export namespace ArchitectureModel {
  /** Options of an architecture model. */
  export type IOptions = FormatDocumentModel.IOptions<YArchitecture>;
}

/**
 * The content type architectures open with: with jupyter-collaboration, the server's
 * `forgelab.collaboration.YArchitecture` (the same Yjs layout) is registered under it.
 */
export const ARCHITECTURE_CONTENT_TYPE = 'forgelabarchitecture';

/** Creates architecture models for the document registry. */
export class ArchitectureModelFactory extends FormatModelFactory<
  ArchitectureModel,
  YArchitecture
> {
  /** Create the factory; `collaborative` when a collaboration provider will bind the models. */
  constructor(options: { collaborative?: boolean } = {}) {
    super({
      name: 'forgelab-architecture-model',
      contentType: ARCHITECTURE_CONTENT_TYPE,
      language: 'python',
      sharedType: YArchitecture,
      create: o => new ArchitectureModel(o),
      collaborative: options.collaborative
    });
  }
}
