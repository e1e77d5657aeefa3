/**
 * The shared (Yjs) form of an architecture document: its layers in an id-keyed list (see
 * {@link YKeyedList}) and its header (name, description, framework, model inputs and outputs,
 * metadata) in a map.
 */
import { DocumentChange, YDocument } from '@jupyter/ydoc';
import { JSONObject, JSONValue } from '@lumino/coreutils';
import * as Y from 'yjs';

import { Architecture, Layer } from '../formats';
import { YFormatDocument } from '../ydoc/formatdocument';
import { IKeyedEntry, YKeyedList } from '../ydoc/keyedlist';

/** The header fields of an architecture, in the file's key order. */
export const HEADER_KEYS = [
  'name',
  'description',
  'framework',
  'inputs',
  'outputs',
  'metadata'
] as const;

/** A header field of an architecture. */
export type HeaderKey = (typeof HEADER_KEYS)[number];

/** What changed in an architecture: the ids of the layers touched, and the header. */
export interface IArchitectureChange {
  /** Ids of the layers added, changed or removed. */
  layers: string[];
  /** Whether a header field changed. */
  meta: boolean;
}

/** The change signalled by {@link YArchitecture}. */
export type ArchitectureDocumentChange = DocumentChange & {
  /** Set when the architecture itself (not only the document state) changed. */
  architectureChange?: IArchitectureChange;
};

/** An architecture with one Input layer, the smallest valid document. */
export function emptyArchitecture(
  name?: string,
  framework: string = 'keras'
): Architecture {
  // Keras puts channels last, torch first.
  const shape = framework === 'torch' ? [1, 28, 28] : [28, 28, 1];
  const doc: Architecture = {
    format: 'forgelab.architecture',
    version: 1,
    framework,
    layers: [{ id: 'input', type: 'Input', arguments: { shape } }],
    inputs: ['input'],
    outputs: ['input']
  };
  return name ? { ...doc, name } : doc;
}

/** An architecture document shared through Yjs; its source is the file's JSON object. */
export class YArchitecture extends YFormatDocument<ArchitectureDocumentChange> {
  /** Create the shared architecture, on a new Y.Doc or on `options.ydoc` (collaboration). */
  constructor(options?: YDocument.IOptions) {
    super(options);
    this._layerMap = this.ydoc.getMap('layers');
    this._layers = new YKeyedList(this._layerMap);
    this._meta = this.ydoc.getMap('meta');
    this.undoManager.addToScope([this._layerMap, this._meta]);
    this._layerMap.observe(this._onLayers);
    this._meta.observe(this._onMeta);
  }

  /** The version of this shared model's layout. */
  readonly version = '1.0.0';

  /** The layer ids, in file order. */
  get layerIds(): string[] {
    return this._layers.ids;
  }

  /** The layer with `id` (immutable: change it with {@link setLayer}). */
  getLayer(id: string): Layer | undefined {
    return this._layers.get(id);
  }

  /** Every layer, in file order. */
  getLayers(): Layer[] {
    return this._layers.values();
  }

  /** Add or replace a layer, keeping its place in the file. */
  setLayer(layer: Layer): void {
    this.transact(() => this._layers.set(layer.id, layer));
  }

  /** Remove a layer (the document model removes the references to it). */
  deleteLayer(id: string): void {
    this.transact(() => this._layers.delete(id));
  }

  /** A header field. */
  getMeta<K extends HeaderKey>(key: K): Architecture[K] | undefined {
    return this._meta.get(key) as Architecture[K] | undefined;
  }

  /** Set or (with `undefined`) remove a header field. */
  setMeta<K extends HeaderKey>(
    key: K,
    value: Architecture[K] | undefined
  ): void {
    this.transact(() => {
      if (value === undefined) {
        this._meta.delete(key);
      } else {
        this._meta.set(key, value);
      }
    });
  }

  /** The architecture as JSON (the shared-document interface's name). */
  getSource(): JSONObject {
    return this.getArchitecture() as unknown as JSONObject;
  }

  /** The architecture as its file's JSON, keys in the schema's order. */
  getArchitecture(): Architecture {
    const result: Record<string, unknown> = {
      format: 'forgelab.architecture',
      version: 1
    };
    for (const key of HEADER_KEYS) {
      if (key === 'inputs') {
        result.layers = this.getLayers();
      }
      if (this._meta.has(key)) {
        result[key] = this._meta.get(key);
      }
    }
    return result as unknown as Architecture;
  }

  /** Write a whole architecture into the shared types (see {@link YFormatDocument.setSource}). */
  protected load(value: JSONValue): void {
    const doc = value as unknown as Architecture;
    this._meta.clear();
    for (const key of HEADER_KEYS) {
      if (doc[key] !== undefined) {
        this._meta.set(key, doc[key]);
      }
    }
    this._layers.load(doc.layers ?? [], l => l.id);
  }

  /** Detach the observers and release the Y.Doc. */
  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._layerMap.unobserve(this._onLayers);
    this._meta.unobserve(this._onMeta);
    super.dispose();
  }

  private _onLayers = (event: Y.YMapEvent<IKeyedEntry<Layer>>): void => {
    this._changed.emit({
      architectureChange: { layers: [...event.keysChanged], meta: false }
    });
  };

  private _onMeta = (): void => {
    this._changed.emit({ architectureChange: { layers: [], meta: true } });
  };

  private _layerMap: Y.Map<IKeyedEntry<Layer>>;
  private _layers: YKeyedList<Layer>;
  private _meta: Y.Map<unknown>;
}
