/**
 * The layer palette: the kernel's catalog of Keras layers, searchable and grouped by category,
 * each with its summary; a layer is added by clicking it or dragging it onto the canvas.
 */
import { Widget } from '@lumino/widgets';

import { frameworkTitle, ILayerSpec, LayerCatalog } from './catalog';

/** The drag-and-drop MIME type of a palette layer (its class name). */
export const LAYER_MIME = 'application/x-forgelab-layer';

/** A searchable, categorised list of layer classes. */
export class LayerPalette extends Widget {
  /** Create a palette; `onAdd` is called with the class name of a clicked layer. */
  constructor(private readonly _onAdd: (type: string) => void) {
    super();
    this.addClass('jp-ForgeLab-LayerPalette');
    this._search = document.createElement('input');
    this._search.type = 'search';
    this._search.placeholder = 'Search layers';
    this._search.className = 'jp-ForgeLab-LayerPalette-search jp-mod-styled';
    this._search.setAttribute('aria-label', 'Search layers');
    this._search.addEventListener('input', () => this._draw());
    this._status = document.createElement('div');
    this._status.className = 'jp-ForgeLab-LayerPalette-status';
    this._list = document.createElement('div');
    this._list.className = 'jp-ForgeLab-LayerPalette-list';
    this.node.append(this._search, this._status, this._list);
    this._draw();
  }

  /** Show `catalog`; `null` with `status` while it loads or when it failed. */
  setCatalog(catalog: LayerCatalog | null, status = '', isError = false): void {
    this._catalog = catalog;
    this._message = status;
    this._isError = isError;
    this._draw();
  }

  private _draw(): void {
    const query = this._search.value;
    this._list.textContent = '';
    const found = this._catalog?.search(query) ?? [];
    const inputItem: ILayerSpec = {
      name: 'Input',
      category: 'Core',
      summary: 'A model input: a tensor of the given shape.',
      arguments: [],
      inputs: { mode: 'none', min: 0, max: 0 }
    };
    if (
      this._catalog &&
      !found.some(l => l.name === 'Input') &&
      inputItem.name.toLowerCase().includes(query.toLowerCase())
    ) {
      found.unshift(inputItem);
    }
    const categories = this._catalog?.categories ?? [];
    for (const category of categories) {
      const layers = found.filter(l => l.category === category);
      if (!layers.length) {
        continue;
      }
      const section = document.createElement('details');
      section.className = 'jp-ForgeLab-LayerPalette-category';
      section.dataset.category = category;
      section.open = !!query || category === 'Core';
      const summary = document.createElement('summary');
      summary.textContent = `${category} (${layers.length})`;
      section.appendChild(summary);
      const list = document.createElement('ul');
      for (const layer of layers) {
        list.appendChild(this._item(layer));
      }
      section.appendChild(list);
      this._list.appendChild(section);
    }
    this._status.classList.toggle('jp-mod-error', this._isError);
    this._status.textContent =
      this._message ||
      (this._catalog && query && !found.length
        ? `No layer matches “${query}”.`
        : this._catalog
          ? `${frameworkTitle(this._catalog.framework)} ${this._catalog.version}: ${this._catalog.layers.length} layers`
          : '');
  }

  private _item(layer: ILayerSpec): HTMLLIElement {
    const li = document.createElement('li');
    li.className = 'jp-ForgeLab-LayerPalette-item';
    li.draggable = true;
    li.tabIndex = 0;
    li.dataset.name = layer.name;
    li.title = layer.alias_of
      ? `${layer.summary}\n(another name of ${layer.alias_of})`
      : layer.summary;
    const name = document.createElement('span');
    name.className = 'jp-ForgeLab-LayerPalette-name';
    name.textContent = layer.name;
    const doc = document.createElement('span');
    doc.className = 'jp-ForgeLab-LayerPalette-summary';
    doc.textContent = layer.summary;
    li.append(name, doc);
    li.addEventListener('click', () => this._onAdd(layer.name));
    li.addEventListener('keydown', event => {
      if (event.key === 'Enter') {
        this._onAdd(layer.name);
      }
    });
    li.addEventListener('dragstart', event => {
      event.dataTransfer?.setData(LAYER_MIME, layer.name);
      event.dataTransfer?.setData('text/plain', layer.name);
      if (event.dataTransfer) {
        event.dataTransfer.effectAllowed = 'copy';
      }
    });
    return li;
  }

  private _catalog: LayerCatalog | null = null;
  private _message = 'Starting the kernel for the layer catalog…';
  private _isError = false;
  private _search: HTMLInputElement;
  private _status: HTMLDivElement;
  private _list: HTMLDivElement;
}
