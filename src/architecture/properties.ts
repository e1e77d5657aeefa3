/**
 * The property panel of the architecture editor: the selected layer's id, type, shape check,
 * ordered inputs (movable up and down) and one typed field per constructor argument, in
 * constructor order, with the argument's documentation beside it.
 */
import { Widget } from '@lumino/widgets';

import { Layer } from '../formats';
import { IArgumentSpec, LayerCatalog } from './catalog';
import { ArchitectureModel } from './model';
import { formatCount, formatShapes, ILayerCheck, layerError } from './shapes';
import { formatValue, parseValue, sameValue } from './values';

/** The property panel of one architecture. */
export class LayerPropertyPanel extends Widget {
  /** Create the panel for `model`. */
  constructor(private readonly _model: ArchitectureModel) {
    super();
    this.addClass('jp-ForgeLab-LayerProperties');
    this._header = document.createElement('div');
    this._header.className = 'jp-ForgeLab-LayerProperties-header';
    this._fields = document.createElement('div');
    this._fields.className = 'jp-ForgeLab-LayerProperties-fields';
    this.node.append(this._header, this._fields);
    this._model.contentChanged.connect(this.refresh, this);
    this.refresh();
  }

  /** The id of the layer shown; `null`: none selected. */
  get layerId(): string | null {
    return this._layerId;
  }
  set layerId(value: string | null) {
    this._layerId = value;
    this.refresh();
  }

  /** The catalog that describes the arguments. */
  set catalog(value: LayerCatalog | null) {
    this._catalog = value;
    this._drawn = '';
    this.refresh();
  }

  /** The latest shape check of the selected layer. */
  set check(value: ILayerCheck | undefined) {
    this._check = value;
    this._drawHeader(
      this._layerId ? this._model.getLayer(this._layerId) : undefined
    );
  }

  /** Redraw for the current layer; the fields are rebuilt only when the layer changed. */
  refresh(): void {
    const layer = this._layerId
      ? this._model.getLayer(this._layerId)
      : undefined;
    this._drawHeader(layer);
    const key = layer
      ? JSON.stringify([
          layer.type,
          layer.arguments ?? {},
          layer.id,
          layer.inputs ?? []
        ])
      : '';
    if (key !== this._drawn) {
      this._drawn = key;
      this._drawFields(layer);
    }
  }

  /** Stop following the model. */
  dispose(): void {
    if (!this.isDisposed) {
      this._model.contentChanged.disconnect(this.refresh, this);
      super.dispose();
    }
  }

  private _drawHeader(layer: Layer | undefined): void {
    const h = this._header;
    h.textContent = '';
    if (!layer) {
      h.textContent = 'Select a layer to see its arguments.';
      return;
    }
    const title = document.createElement('h3');
    title.textContent = `${layer.id} · ${layer.type}`;
    h.appendChild(title);
    const spec = this._catalog?.layer(layer.type);
    if (spec?.summary) {
      const p = document.createElement('p');
      p.className = 'jp-ForgeLab-LayerProperties-summary';
      p.textContent = spec.summary;
      h.appendChild(p);
    }
    const check = this._check;
    const error = layerError(check);
    if (error) {
      const e = document.createElement('div');
      e.className = 'jp-ForgeLab-LayerProperties-error';
      e.textContent = error;
      h.appendChild(e);
    } else if (check?.status === 'ok') {
      const s = document.createElement('div');
      s.className = 'jp-ForgeLab-LayerProperties-shape';
      s.textContent = `Output ${formatShapes(check)} · ${formatCount(check.params ?? 0)} parameters`;
      h.appendChild(s);
    } else if (check?.status === 'not_computed') {
      const s = document.createElement('div');
      s.className = 'jp-ForgeLab-LayerProperties-shape jp-mod-unknown';
      s.textContent = 'Not computed: a layer before this one has an error.';
      h.appendChild(s);
    }
  }

  private _drawFields(layer: Layer | undefined): void {
    const f = this._fields;
    f.textContent = '';
    if (!layer) {
      return;
    }
    this._drawInputs(layer);
    const spec = this._catalog?.layer(layer.type);
    if (!spec && layer.type !== 'Input') {
      const p = document.createElement('p');
      p.textContent = this._catalog
        ? `Keras has no layer '${layer.type}'.`
        : 'The arguments show once the kernel has sent the layer catalog.';
      f.appendChild(p);
    }
    const values = (layer.arguments ?? {}) as Record<string, unknown>;
    const specs = [...(spec?.arguments ?? [])];
    for (const name of Object.keys(values)) {
      if (!specs.some(s => s.name === name)) {
        specs.push(
          this._catalog?.json.common_arguments?.find(c => c.name === name) ?? {
            name,
            required: false,
            types: ['any'],
            doc: 'Not an argument of this layer in the installed Keras.'
          }
        );
      }
    }
    for (const arg of specs) {
      f.appendChild(this._field(layer.id, arg, values[arg.name]));
    }
  }

  private _drawInputs(layer: Layer): void {
    const inputs = layer.inputs ?? [];
    if (inputs.length < 2) {
      return;
    }
    const box = document.createElement('div');
    box.className = 'jp-ForgeLab-LayerProperties-inputs';
    const title = document.createElement('h4');
    title.textContent = 'Inputs, in order';
    box.appendChild(title);
    const list = document.createElement('ol');
    list.start = 0;
    inputs.forEach((source, i) => {
      const li = document.createElement('li');
      li.dataset.input = source;
      const name = document.createElement('span');
      name.textContent = source;
      li.appendChild(name);
      for (const [label, delta] of [
        ['↑', -1],
        ['↓', 1]
      ] as const) {
        const button = document.createElement('button');
        button.className = 'jp-Button jp-mod-minimal';
        button.textContent = label;
        button.title = delta < 0 ? 'Move up' : 'Move down';
        button.disabled = i + delta < 0 || i + delta >= inputs.length;
        button.addEventListener('click', () =>
          this._model.moveInput(layer.id, i, delta)
        );
        li.appendChild(button);
      }
      list.appendChild(li);
    });
    box.appendChild(list);
    this._fields.appendChild(box);
  }

  private _field(id: string, arg: IArgumentSpec, value: unknown): HTMLElement {
    const row = document.createElement('div');
    row.className = 'jp-ForgeLab-LayerProperties-field';
    row.dataset.argument = arg.name;
    const label = document.createElement('label');
    label.textContent = arg.required ? `${arg.name} *` : arg.name;
    const types = document.createElement('span');
    types.className = 'jp-ForgeLab-LayerProperties-types';
    types.textContent = (arg.types ?? []).join(' | ');
    label.appendChild(types);
    row.appendChild(label);
    const defaultText =
      'default' in arg ? `default: ${formatValue(arg.default)}` : 'required';
    const commit = (next: unknown) => {
      const isDefault = 'default' in arg && sameValue(next, arg.default);
      this._model.setArgument(id, arg.name, isDefault ? undefined : next);
    };
    const isBool = arg.types?.length === 1 && arg.types[0] === 'bool';
    if (arg.choices?.length || isBool) {
      const select = document.createElement('select');
      select.className = 'jp-mod-styled';
      const options: [string, unknown][] = [
        [`(${defaultText})`, undefined],
        ...(isBool
          ? ([
              ['True', true],
              ['False', false]
            ] as [string, unknown][])
          : arg.choices!.map(c => [c, c] as [string, unknown]))
      ];
      for (const [text, v] of options) {
        const option = document.createElement('option');
        option.textContent = text;
        option.value = v === undefined ? '' : JSON.stringify(v);
        option.selected = v !== undefined && sameValue(v, value);
        select.appendChild(option);
      }
      if (
        value !== undefined &&
        !options.some(([, v]) => v !== undefined && sameValue(v, value))
      ) {
        const option = document.createElement('option');
        option.textContent = formatValue(value);
        option.value = JSON.stringify(value);
        option.selected = true;
        select.appendChild(option);
      }
      select.addEventListener('change', () =>
        commit(select.value ? JSON.parse(select.value) : undefined)
      );
      row.appendChild(select);
    } else {
      const input = document.createElement('input');
      input.className = 'jp-mod-styled';
      input.value = formatValue(value);
      input.placeholder =
        'default' in arg ? formatValue(arg.default) : 'required';
      input.title = defaultText;
      const problem = document.createElement('div');
      problem.className = 'jp-ForgeLab-LayerProperties-problem';
      const apply = () => {
        try {
          const next = parseValue(input.value, arg);
          problem.textContent = '';
          if (!sameValue(next, value)) {
            commit(next);
          }
        } catch (error) {
          problem.textContent = (error as Error).message;
        }
      };
      input.addEventListener('change', apply);
      input.addEventListener('keydown', event => {
        if (event.key === 'Enter') {
          apply();
        }
      });
      row.append(input, problem);
    }
    if (arg.doc) {
      const doc = document.createElement('div');
      doc.className = 'jp-ForgeLab-LayerProperties-doc';
      doc.textContent = arg.doc;
      row.appendChild(doc);
    }
    return row;
  }

  private _layerId: string | null = null;
  private _catalog: LayerCatalog | null = null;
  private _check: ILayerCheck | undefined;
  private _drawn = '';
  private _header: HTMLDivElement;
  private _fields: HTMLDivElement;
}
