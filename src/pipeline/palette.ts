/**
 * The palette of the pipeline editor: a searchable list of Input, Output, New operation and the
 * operations grouped by file (`opgroups.ts`: the pipeline's folder first), added by clicking or
 * by dragging onto the canvas.
 */
import { PathExt } from '@jupyterlab/coreutils';
import { Widget } from '@lumino/widgets';

import { Operation } from '../formats';
import { OperationCatalog } from './catalog';
import { groupOperations } from './opgroups';

/** The drag-and-drop MIME type of a palette item (its JSON). */
export const PALETTE_MIME = 'application/x-forgelab-palette-item';

/** What a palette item adds. */
export type PaletteItem =
  | { kind: 'input' }
  | { kind: 'output' }
  | { kind: 'new-operation' }
  | { kind: 'operation'; operation: Operation };

/** A searchable list of what can be added to a pipeline. */
export class PaletteView extends Widget {
  /** Create a palette over `catalog`; `onAdd` is called when an item is clicked. */
  constructor(
    private readonly _catalog: OperationCatalog,
    private readonly _onAdd: (item: PaletteItem) => void
  ) {
    super();
    this.addClass('jp-ForgeLab-Palette');
    this._search = document.createElement('input');
    this._search.type = 'search';
    this._search.placeholder = 'Search operations';
    this._search.className = 'jp-ForgeLab-Palette-search jp-mod-styled';
    this._search.setAttribute('aria-label', 'Search operations');
    this._search.addEventListener('input', () => this._draw());
    this._list = document.createElement('ul');
    this._list.className = 'jp-ForgeLab-Palette-list';
    this._status = document.createElement('div');
    this._status.className = 'jp-ForgeLab-Palette-status';
    this.node.append(this._search, this._status, this._list);
    this._catalog.changed.connect(this._draw, this);
    this._draw();
  }

  /** The pipeline's path: its folder's operations come first. */
  get path(): string {
    return this._path;
  }
  set path(value: string) {
    if (value !== this._path) {
      this._path = value;
      this._draw();
    }
  }

  /** Stop following the catalog. */
  dispose(): void {
    if (!this.isDisposed) {
      this._catalog.changed.disconnect(this._draw, this);
      super.dispose();
    }
  }

  private _draw(): void {
    const query = this._search.value;
    const catalog = this._catalog;
    this._list.textContent = '';
    const items: [string, string, PaletteItem][] = [];
    const terms = query.toLowerCase();
    if (!terms || 'input'.includes(terms)) {
      items.push(['Input', 'A value given to the pipeline', { kind: 'input' }]);
    }
    if (!terms || 'output'.includes(terms)) {
      items.push([
        'Output',
        'A value the pipeline produces',
        { kind: 'output' }
      ]);
    }
    if (!terms || 'new operation'.includes(terms)) {
      items.push([
        'New operation',
        'A Python function written here, kept in the pipeline',
        { kind: 'new-operation' }
      ]);
    }
    for (const [name, caption, item] of items) {
      this._list.appendChild(this._item(name, caption, item));
    }
    const found = catalog.search(query);
    for (const group of groupOperations(found, this._path)) {
      const li = document.createElement('li');
      li.className = 'jp-ForgeLab-Palette-group';
      const details = document.createElement('details');
      // While searching every group with a match is open; otherwise as the user left it.
      const key = group.path ?? '';
      details.open = !!terms || (this._opened.get(key) ?? group.open);
      details.addEventListener('toggle', () => {
        if (!terms) {
          this._opened.set(key, details.open);
        }
      });
      const summary = document.createElement('summary');
      summary.textContent = group.title;
      summary.title = group.path ?? "ForgeLab's own operations";
      const list = document.createElement('ul');
      list.className = 'jp-ForgeLab-Palette-list';
      for (const operation of group.operations) {
        list.appendChild(
          this._item(
            operation.name,
            operation.description ?? operation.id,
            { kind: 'operation', operation },
            // A workspace operation's category is its file: the group says it already.
            operation.category !== PathExt.basename(group.path ?? '')
          )
        );
      }
      details.append(summary, list);
      li.appendChild(details);
      this._list.appendChild(li);
    }
    const status = this._status;
    status.classList.toggle('jp-mod-error', catalog.state === 'error');
    status.textContent =
      catalog.state === 'loading'
        ? 'Loading operations…'
        : catalog.state === 'error'
          ? catalog.error
          : catalog.state === 'ready' && !catalog.operations.length
            ? 'The server knows no operations yet; define one as a Python function in a .py file.'
            : query && items.length === 0 && found.length === 0
              ? `Nothing matches “${query}”.`
              : '';
    if (catalog.state === 'error') {
      const retry = document.createElement('button');
      retry.className = 'jp-Button jp-mod-styled jp-mod-reject';
      retry.textContent = 'Retry';
      retry.addEventListener('click', () => void catalog.refresh());
      status.appendChild(document.createElement('br'));
      status.appendChild(retry);
    }
  }

  /** One palette entry: click, Enter or drag adds `item`. */
  private _item(
    name: string,
    caption: string,
    item: PaletteItem,
    showCategory = true
  ): HTMLLIElement {
    const li = document.createElement('li');
    li.className = `jp-ForgeLab-Palette-item jp-ForgeLab-mod-${item.kind}`;
    li.draggable = true;
    li.title = caption;
    li.dataset.name = name;
    li.tabIndex = 0;
    const label = document.createElement('span');
    label.className = 'jp-ForgeLab-Palette-name';
    label.textContent = name;
    li.appendChild(label);
    if (item.kind === 'operation' && item.operation.category && showCategory) {
      const category = document.createElement('span');
      category.className = 'jp-ForgeLab-Palette-category';
      category.textContent = item.operation.category;
      li.appendChild(category);
    }
    li.addEventListener('click', () => this._onAdd(item));
    li.addEventListener('keydown', event => {
      if (event.key === 'Enter') {
        this._onAdd(item);
      }
    });
    li.addEventListener('dragstart', event => {
      event.dataTransfer?.setData(PALETTE_MIME, JSON.stringify(item));
      event.dataTransfer?.setData('text/plain', name);
      if (event.dataTransfer) {
        event.dataTransfer.effectAllowed = 'copy';
      }
    });
    return li;
  }

  private _path = '';
  private _opened = new Map<string, boolean>();
  private _search: HTMLInputElement;
  private _list: HTMLUListElement;
  private _status: HTMLDivElement;
}
