/**
 * The property panel of the pipeline editor: the selected node's label, typed attribute fields
 * with validation, references and, for Input and Output nodes, their name and type.
 */
import { Widget } from '@lumino/widgets';

import {
  Attribute,
  ImplicitOperation,
  isPythonIdentifier,
  Node,
  Reference
} from '../formats';
import {
  IOrigin,
  operationOrigins,
  originLabel,
  readableDescription,
  reifiedRecordIds
} from '../provenance/origins';
import { PipelineModel } from './model';
import { hasEditableSource } from './viewdata';
import { issueField } from './filecheck';
import { attributeValueProblem, IPipelineIssue } from './validation';

/** Read a field's text as a value of `attribute`, or say why it is not one. */
export function parseAttributeInput(
  attribute: Attribute,
  text: string
): { value: unknown } | { error: string } {
  if (attribute.type === 'bool') {
    return { value: text === 'true' };
  }
  if (text.trim() === '' && attribute.type !== 'str') {
    return { value: undefined };
  }
  let value: unknown = text;
  if (attribute.type === 'int' || attribute.type === 'float') {
    value = Number(text);
  } else if (attribute.type === 'choice') {
    value = (attribute.choices ?? []).find(c => JSON.stringify(c) === text);
  } else if (attribute.type === 'json') {
    try {
      value = JSON.parse(text);
    } catch (error) {
      return { error: `is not valid JSON (${(error as Error).message})` };
    }
  }
  const problem = attributeValueProblem(attribute, value);
  return problem ? { error: problem } : { value };
}

/** Why a reference value is not acceptable, or `null`. */
export function referenceProblem(
  reference: Reference,
  value: string
): string | null {
  if (!value) {
    return reference.optional ? null : 'is required';
  }
  if (reference.kind === 'architecture' && !value.endsWith('.arch.json')) {
    return 'must be the path of an *.arch.json file';
  }
  return null;
}

/**
 * Chooses a value for `reference` of node `nodeId` (a file dialog for architectures, a list for
 * artifacts); resolves to `null` when the user cancels.
 */
export type ReferencePicker = (
  reference: Reference,
  nodeId: string
) => Promise<string | null>;

/** Shows and edits the selected node; every edit goes through the model. */
export class PropertyPanel extends Widget {
  /** Create a panel for `model`; `options` add the source button and reference pickers. */
  constructor(
    private readonly _model: PipelineModel,
    private readonly _options: PropertyPanel.IOptions = {}
  ) {
    super();
    this.addClass('jp-ForgeLab-Properties');
    this._model.pipelineChanged.connect(this._onChanged, this);
    this._draw();
  }

  /** The id of the node shown, or `null`. */
  get nodeId(): string | null {
    return this._nodeId;
  }
  set nodeId(value: string | null) {
    if (value !== this._nodeId) {
      this._nodeId = value;
      this._draw();
    }
  }

  /** Stop following the model. */
  dispose(): void {
    if (!this.isDisposed) {
      this._model.pipelineChanged.disconnect(this._onChanged, this);
      super.dispose();
    }
  }

  private _onChanged(_: PipelineModel, change: PipelineModel.IChange): void {
    if (!this._nodeId) {
      return;
    }
    // Do not rebuild the form under the user's cursor; their own edit is already in it.
    const typing =
      this.node.contains(document.activeElement) &&
      change.nodes.includes(this._nodeId);
    if (!typing || !this._model.getNode(this._nodeId)) {
      this._draw();
    }
  }

  private _draw(): void {
    this.node.textContent = '';
    const node = this._nodeId ? this._model.getNode(this._nodeId) : undefined;
    if (!node) {
      const hint = document.createElement('p');
      hint.className = 'jp-ForgeLab-Properties-hint';
      hint.textContent = 'Select a node to see and edit its properties.';
      this.node.appendChild(hint);
      return;
    }
    const heading = document.createElement('h3');
    heading.textContent =
      node.kind === 'operation'
        ? (node.operation?.name ?? node.id)
        : node.kind === 'input'
          ? 'Input'
          : 'Output';
    this.node.appendChild(heading);
    if (node.kind === 'operation') {
      this._reifiedFrom(node);
    }
    const showSource = this._options.showSource;
    if (showSource && hasEditableSource(node)) {
      const button = document.createElement('button');
      button.className =
        'jp-Button jp-mod-styled jp-ForgeLab-Properties-source';
      button.textContent = 'Show source';
      button.title = "Open the operation's Python source beside its interface";
      button.addEventListener('click', () => showSource(node.id));
      this.node.appendChild(button);
    }
    this._text(
      'Label',
      node.label ?? '',
      'label',
      value => this._model.setLabel(node.id, value),
      () => null
    );
    if (node.kind === 'operation') {
      this._operationFields(node);
    } else {
      this._text(
        'Name',
        node.name ?? '',
        'name',
        v => this._model.setTerminalField(node.id, 'name', v),
        v => (isPythonIdentifier(v) ? null : 'must be a Python identifier')
      );
      this._text(
        'Type',
        node.type ?? '',
        'type',
        v => this._model.setTerminalField(node.id, 'type', v),
        () => null
      );
      if (node.kind === 'input') {
        this._text(
          'Source',
          node.source ?? '',
          'source',
          v => this._model.setTerminalField(node.id, 'source', v),
          () => null,
          'artifact URI or path; empty: given at run time'
        );
      } else {
        this._text(
          'Storage',
          node.storage ?? '',
          'storage',
          v => this._model.setTerminalField(node.id, 'storage', v),
          () => null,
          "the execution's default"
        );
      }
    }
    const issues = this._model.issuesByNode().get(node.id) ?? [];
    this._markFields(issues);
    if (issues.length) {
      const list = document.createElement('ul');
      list.className = 'jp-ForgeLab-Properties-issues';
      for (const issue of issues) {
        const li = document.createElement('li');
        li.textContent = issue.message;
        list.appendChild(li);
      }
      this.node.appendChild(list);
    }
  }

  /** Mark the field each issue is about (a missing reference file, an Input's source). */
  private _markFields(issues: IPipelineIssue[]): void {
    for (const issue of issues) {
      const name = issueField(issue.path);
      const field = Array.from(
        this.node.querySelectorAll<HTMLInputElement>('[name]')
      ).find(f => name !== null && f.name === name);
      if (!field) {
        continue;
      }
      field.classList.add('jp-mod-invalid');
      const error = field.closest('label')?.nextElementSibling;
      if (error && !error.textContent) {
        error.textContent = issue.message;
      }
    }
  }

  private _operationFields(node: Node): void {
    const op = node.operation!;
    const values = (node.attributes ?? {}) as Record<string, unknown>;
    for (const attribute of op.attributes ?? []) {
      this._attributeField(node.id, attribute, values[attribute.name]);
    }
    for (const reference of op.references ?? []) {
      const input = this._text(
        `${reference.name} (${reference.kind})`,
        node.references?.[reference.name] ?? '',
        `ref-${reference.name}`,
        v => this._model.setReference(node.id, reference.name, v),
        v => referenceProblem(reference, v),
        reference.kind === 'architecture'
          ? 'path/to/net.arch.json'
          : 'artifact URI'
      );
      const pick = this._options.pickReference;
      if (pick) {
        const browse = document.createElement('button');
        browse.className =
          'jp-Button jp-mod-styled jp-ForgeLab-Properties-pick';
        browse.textContent = 'Choose…';
        browse.title =
          reference.kind === 'architecture'
            ? 'Choose an *.arch.json file'
            : 'Choose an artifact';
        browse.setAttribute('aria-label', `Choose ${reference.name}`);
        browse.addEventListener('click', async () => {
          const value = await pick(reference, node.id);
          if (value !== null && !this.isDisposed) {
            input.value = value;
            input.dispatchEvent(new Event('change'));
          }
        });
        input.parentElement!.appendChild(browse);
      }
    }
  }

  private _row(
    label: string,
    field: HTMLElement,
    description?: string
  ): HTMLDivElement {
    const row = document.createElement('label');
    row.className = 'jp-ForgeLab-Properties-field';
    const name = document.createElement('span');
    name.className = 'jp-ForgeLab-Properties-label';
    name.textContent = label;
    row.append(name, field);
    if (description) {
      row.title = description;
    }
    const error = document.createElement('div');
    error.className = 'jp-ForgeLab-Properties-error';
    const box = document.createElement('div');
    box.append(row, error);
    this.node.appendChild(box);
    return error;
  }

  private _text(
    label: string,
    value: string,
    name: string,
    set: (value: string) => void,
    check: (value: string) => string | null,
    placeholder = ''
  ): HTMLInputElement {
    const input = document.createElement('input');
    input.className = 'jp-mod-styled';
    input.name = name;
    input.value = value;
    input.placeholder = placeholder;
    const error = this._row(label, input);
    input.addEventListener('change', () => {
      const problem = check(input.value.trim());
      error.textContent = problem ? `${label} ${problem}.` : '';
      input.classList.toggle('jp-mod-invalid', !!problem);
      if (!problem) {
        set(input.value.trim());
      }
    });
    return input;
  }

  private _attributeField(
    id: string,
    attribute: Attribute,
    value: unknown
  ): void {
    let field: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
    const shown = value ?? attribute.default;
    if (attribute.type === 'bool') {
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.checked = shown === true;
      field = box;
    } else if (attribute.type === 'choice') {
      const select = document.createElement('select');
      for (const choice of attribute.choices ?? []) {
        const option = document.createElement('option');
        option.value = JSON.stringify(choice);
        option.textContent =
          typeof choice === 'string' ? choice : JSON.stringify(choice);
        select.appendChild(option);
      }
      select.value = JSON.stringify(shown);
      field = select;
    } else if (attribute.type === 'json') {
      const area = document.createElement('textarea');
      area.value = shown === undefined ? '' : JSON.stringify(shown, null, 1);
      field = area;
    } else {
      const input = document.createElement('input');
      input.type = attribute.type === 'str' ? 'text' : 'number';
      if (attribute.type === 'int') {
        input.step = '1';
      } else if (attribute.type === 'float') {
        input.step = 'any';
      }
      if (attribute.minimum !== undefined) {
        input.min = String(attribute.minimum);
      }
      if (attribute.maximum !== undefined) {
        input.max = String(attribute.maximum);
      }
      input.value = shown === undefined ? '' : String(shown);
      field = input;
    }
    field.classList.add('jp-mod-styled');
    field.name = `attr-${attribute.name}`;
    const label = `${attribute.name}${attribute.required ? ' *' : ''}`;
    const error = this._row(label, field, attribute.description);
    field.addEventListener('change', () => {
      const text =
        field instanceof HTMLInputElement && field.type === 'checkbox'
          ? String(field.checked)
          : field.value;
      const parsed = parseAttributeInput(attribute, text);
      field.classList.toggle('jp-mod-invalid', 'error' in parsed);
      if ('error' in parsed) {
        error.textContent = `${attribute.name} ${parsed.error}.`;
      } else {
        error.textContent = '';
        this._model.setAttribute(id, attribute.name, parsed.value);
      }
    });
  }

  /**
   * The operation's description and, for a reified one, the cells it came from by number and
   * first line (from the pipeline's metadata, else from the notebook's records).
   */
  private _reifiedFrom(node: Node): void {
    const pipeline = this._model.toPipeline();
    const description = readableDescription(
      pipeline,
      node.operation?.description ?? ''
    );
    const p = document.createElement('p');
    p.className = 'jp-ForgeLab-Properties-description';
    p.textContent = description;
    p.hidden = !description;
    this.node.appendChild(p);
    const box = document.createElement('div');
    box.className = 'jp-ForgeLab-Properties-origins';
    box.hidden = true;
    this.node.appendChild(box);
    const show = (origins: IOrigin[] | null) => {
      if (!origins?.length) {
        return;
      }
      const title = document.createElement('div');
      title.className = 'jp-ForgeLab-Properties-originsTitle';
      title.textContent = 'Reified from';
      const list = document.createElement('ul');
      for (const origin of origins) {
        const li = document.createElement('li');
        li.textContent = originLabel(origin);
        li.title = li.textContent;
        list.appendChild(li);
      }
      box.replaceChildren(title, list);
      box.hidden = false;
      // The list says what the generic "Reified from cell [3], …" said, better.
      p.hidden = !description || description.startsWith('Reified from');
    };
    // Cell numbers at once; first lines once the notebook's records are in, when needed.
    const known = operationOrigins(pipeline, node.id);
    show(known);
    const notebook = (
      pipeline.metadata as { reifiedFrom?: { notebook?: unknown } } | undefined
    )?.reifiedFrom?.notebook;
    const load = this._options.notebookRecords;
    const complete = known?.every(o => o.firstLine);
    if (
      complete ||
      !load ||
      typeof notebook !== 'string' ||
      !reifiedRecordIds(pipeline).length
    ) {
      return;
    }
    if (!this._records.has(notebook)) {
      this._records.set(
        notebook,
        load(notebook).catch(() => [])
      );
    }
    void this._records.get(notebook)!.then(records => {
      if (this._nodeId === node.id && box.isConnected) {
        show(operationOrigins(this._model.toPipeline(), node.id, records));
      }
    });
  }

  private _nodeId: string | null = null;
  private _records = new Map<string, Promise<ImplicitOperation[]>>();
}

/** The {@link PropertyPanel} namespace. */
export namespace PropertyPanel {
  /** What the panel offers besides editing values. */
  export interface IOptions {
    /** Open the source of node `id`'s operation; without it, no source button. */
    showSource?: (id: string) => void;
    /** Choose a reference's value; without it, references are typed. */
    pickReference?: ReferencePicker;
    /** A notebook's provenance records, to name a reified operation's cells; optional. */
    notebookRecords?: (notebook: string) => Promise<ImplicitOperation[]>;
  }
}
