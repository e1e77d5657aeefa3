/**
 * The layer catalog the kernel generates from the installed framework of an architecture
 * (`arch.catalog` with its `framework`: Keras, PyTorch or a registered library): the types,
 * lookup and search over it, and fetching it once per kernel and framework.
 */
import { KernelBridge } from '../services/kernel';

/** How a layer takes its inputs: none (Input), one tensor, a list, or positional tensors. */
export interface ILayerInputs {
  /** `none`, `single`, `list` or `positional`. */
  mode: 'none' | 'single' | 'list' | 'positional';
  /** The fewest inputs the layer accepts. */
  min: number;
  /** The most inputs the layer accepts; `null`: no limit. */
  max: number | null;
}

/** One constructor argument of a layer. */
export interface IArgumentSpec {
  /** The argument's name. */
  name: string;
  /** Whether the constructor needs it. */
  required: boolean;
  /** The accepted types (`int`, `float`, `bool`, `str`, `tuple`, `function`, `any`...). */
  types: string[];
  /** Its documentation, from the docstring. */
  doc: string;
  /** The default value (absent when required). */
  default?: unknown;
  /** The Keras registry its choices come from (function-valued arguments). */
  registry?: string;
  /** The names a function-valued argument may take. */
  choices?: string[];
}

/** One layer class of the catalog. */
export interface ILayerSpec {
  /** The class name (`Conv2D`). */
  name: string;
  /** The category (`Convolutional`). */
  category: string;
  /** The first line of its documentation. */
  summary: string;
  /** Its full documentation, when given. */
  doc?: string;
  /** The constructor arguments, in constructor order. */
  arguments: IArgumentSpec[];
  /** How it takes its inputs. */
  inputs: ILayerInputs;
  /** The class it is another name of, if any. */
  alias_of?: string;
}

/** The catalog's JSON as the kernel sends it. */
export interface ICatalogJSON {
  /** The library it comes from (`keras`, `torch`); absent in Keras catalogs cached before. */
  framework?: string;
  /** The Keras version it was generated from (Keras catalogs). */
  keras_version?: string;
  /** The torch version it was generated from (PyTorch catalogs). */
  torch_version?: string;
  /** The categories, in display order. */
  categories: string[];
  /** Arguments every layer takes (name, trainable, ...). */
  common_arguments?: IArgumentSpec[];
  /** The layers by class name. */
  layers: Record<string, ILayerSpec>;
}

/** How a layer with no catalog entry takes inputs: one tensor. */
export const UNKNOWN_INPUTS: ILayerInputs = { mode: 'single', min: 1, max: 1 };

/** How Input layers take inputs: none. */
export const NO_INPUTS: ILayerInputs = { mode: 'none', min: 0, max: 0 };

/** The layer catalog, with lookup and search. */
export class LayerCatalog {
  /** Wrap the kernel's catalog JSON. */
  constructor(readonly json: ICatalogJSON) {
    this.layers = Object.values(json.layers ?? {}).sort((a, b) =>
      a.name.localeCompare(b.name)
    );
  }

  /** Every layer, sorted by name. */
  readonly layers: ReadonlyArray<ILayerSpec>;

  /** The library it describes (`keras`, `torch`). */
  get framework(): string {
    return this.json.framework ?? DEFAULT_FRAMEWORK;
  }

  /** The framework version it describes. */
  get version(): string {
    return this.json.keras_version ?? this.json.torch_version ?? '';
  }

  /** The categories in display order, then any others the layers name. */
  get categories(): string[] {
    const result = [...(this.json.categories ?? [])];
    for (const layer of this.layers) {
      if (!result.includes(layer.category)) {
        result.push(layer.category);
      }
    }
    return result;
  }

  /** The layer class `type`, if known. */
  layer(type: string): ILayerSpec | undefined {
    return this.json.layers?.[type];
  }

  /** How layer class `type` takes inputs. */
  inputsOf(type: string): ILayerInputs {
    if (type === 'Input') {
      return NO_INPUTS;
    }
    return this.layer(type)?.inputs ?? UNKNOWN_INPUTS;
  }

  /** The layers whose name, category or summary contain every word of `query`. */
  search(query: string): ILayerSpec[] {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    if (!words.length) {
      return [...this.layers];
    }
    return this.layers.filter(l => {
      const text = `${l.name} ${l.category} ${l.summary}`.toLowerCase();
      return words.every(w => text.includes(w));
    });
  }
}

/** How many kernels' catalogs are kept (each is several hundred kilobytes). */
const CACHED_KERNELS = 4;

/** The framework of architectures that do not name one. */
export const DEFAULT_FRAMEWORK = 'keras';

const cache = new Map<string, Promise<LayerCatalog>>();

/** The `arch.catalog` request for one framework (Keras's is asked without naming it). */
export function catalogRequest(
  framework: string,
  refresh = false
): Record<string, unknown> {
  const request: Record<string, unknown> = {};
  if (framework !== DEFAULT_FRAMEWORK) {
    request.framework = framework;
  }
  if (refresh) {
    request.refresh = true;
  }
  return request;
}

/** How people write a framework's name (`torch` → `PyTorch`); unknown names as they are. */
export function frameworkTitle(framework: string): string {
  return (
    ({ keras: 'Keras', torch: 'PyTorch' } as Record<string, string>)[
      framework
    ] ?? framework
  );
}

/** The cache key of one kernel's catalog of one framework; empty without a kernel. */
export function catalogKey(kernelId: string, framework: string): string {
  return kernelId ? `${kernelId}/${framework}` : '';
}

/**
 * The catalog of `framework` in the kernel behind `bridge`, asked for once per kernel and
 * framework (it is large: several hundred kilobytes) and shared by every editor on that kernel.
 */
export function fetchCatalog(
  bridge: KernelBridge,
  framework: string = DEFAULT_FRAMEWORK,
  refresh = false
): Promise<LayerCatalog> {
  const key = catalogKey(
    bridge.sessionContext.session?.kernel?.id ?? '',
    framework
  );
  let entry = key ? cache.get(key) : undefined;
  if (!entry || refresh) {
    entry = bridge
      .ready()
      .then(() =>
        bridge.request('arch.catalog', catalogRequest(framework, refresh))
      )
      .then(json => new LayerCatalog(json as ICatalogJSON));
    if (key) {
      cache.delete(key);
      cache.set(key, entry);
      while (cache.size > CACHED_KERNELS) {
        cache.delete(cache.keys().next().value as string);
      }
      entry.catch(() => cache.delete(key));
    }
  }
  return entry;
}
