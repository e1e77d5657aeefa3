/**
 * What the Run dialog offers: the compute and storage adapters the server lists,
 * unavailable ones disabled with their reason, the user's settings preselected.
 */
import type { Dialog } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

import { IAdapters, IAdapterStatus } from '../services';

/** One adapter as the dialog offers it. */
export interface IAdapterChoice {
  /** The adapter's registered name. */
  name: string;
  /** Whether it can be used now. */
  available: boolean;
  /** Why not, when it cannot. */
  reason?: string;
  /** How many GPUs its jobs can have, when it has any. */
  gpus?: number;
  /** What it does, in one line. */
  description?: string;
}

/** The options and the preselected adapter of one kind (`null`: none is available). */
export interface IAdapterChoices {
  /** Every adapter of the kind. */
  options: IAdapterChoice[];
  /** The preselected adapter's name. */
  selected: string | null;
}

/** What the dialog offers. */
export interface IRunChoices {
  /** Compute adapters. */
  compute: IAdapterChoices;
  /** Storage adapters. */
  storage: IAdapterChoices;
  /** Why the adapters could not be listed (the defaults are offered instead). */
  error?: string;
  /** Whether the server's list is still on its way. */
  pending?: boolean;
}

/** The compute and storage adapters chosen for a run. */
export interface IRunTarget {
  /** The compute adapter's name. */
  compute: string;
  /** The storage adapter's name. */
  storage: string;
}

function choicesOf(
  adapters: IAdapterStatus[],
  preferred: ReadonlyArray<string | undefined>
): IAdapterChoices {
  const options = adapters.map(a => ({
    name: a.name,
    available: !!a.available,
    ...(a.available ? {} : { reason: a.reason ?? 'not available' }),
    ...(a.gpus?.count ? { gpus: a.gpus.count } : {}),
    ...(a.description ? { description: a.description } : {})
  }));
  const usable = new Set(options.filter(o => o.available).map(o => o.name));
  const selected =
    preferred.find(name => name && usable.has(name)) ??
    options.find(o => o.available)?.name ??
    null;
  return { options, selected };
}

/**
 * The dialog's options: the user's setting is preselected when available, else the server's
 * default, else the first available adapter.
 */
export function runChoices(
  adapters: IAdapters,
  settings: IRunTarget
): IRunChoices {
  return {
    compute: choicesOf(adapters.compute ?? [], [
      settings.compute,
      adapters.defaults?.compute
    ]),
    storage: choicesOf(adapters.storage ?? [], [
      settings.storage,
      adapters.defaults?.storage
    ])
  };
}

/**
 * The choices once the connection test of adapter `name` of `kind` failed with `message`: it is
 * greyed out with that reason, and another available adapter is preselected if it was.
 */
export function markUnreachable(
  choices: IRunChoices,
  kind: 'compute' | 'storage',
  name: string,
  message: string
): IRunChoices {
  const options = choices[kind].options.map(o =>
    o.name === name
      ? { ...o, available: false, reason: `not reachable: ${message}` }
      : o
  );
  const selected =
    choices[kind].selected === name
      ? (options.find(o => o.available)?.name ?? null)
      : choices[kind].selected;
  return { ...choices, [kind]: { options, selected } };
}

/** The dialog's body: one list per kind of adapter. */
export class RunDialogBody
  extends Widget
  implements Dialog.IBodyWidget<IRunTarget | null>
{
  /** Create the body for `choices` (see {@link pendingChoices} while they are fetched). */
  constructor(choices: IRunChoices) {
    super();
    this.addClass('jp-ForgeLab-RunDialog');
    this._notes = document.createElement('div');
    this._compute = this._row('compute', 'Compute');
    this._storage = this._row('storage', 'Storage');
    this.node.appendChild(this._notes);
    this.setChoices(choices);
  }

  /** Show new choices (the server's list arrived), keeping what the user picked if allowed. */
  setChoices(choices: IRunChoices): void {
    this.choices = choices;
    this._notes.textContent = '';
    if (choices.error) {
      this._note(choices.error, true);
    }
    this._fill(this._compute, 'compute', choices.compute);
    this._fill(this._storage, 'storage', choices.storage);
    if (choices.pending) {
      this._note('Checking which adapters are available…', false);
    }
  }

  /** The choices shown. */
  choices!: IRunChoices;

  /** The chosen adapters, or `null` when a kind has none available. */
  getValue(): IRunTarget | null {
    const compute = this._compute.value;
    const storage = this._storage.value;
    return compute && storage ? { compute, storage } : null;
  }

  private _row(name: string, label: string): HTMLSelectElement {
    const row = document.createElement('label');
    row.className = 'jp-ForgeLab-RunDialog-row';
    const text = document.createElement('span');
    text.textContent = label;
    const select = document.createElement('select');
    select.className = 'jp-mod-styled';
    select.name = name;
    select.addEventListener('change', () => (select.dataset.touched = 'true'));
    row.append(text, select);
    const explained = document.createElement('ul');
    explained.className = 'jp-ForgeLab-RunDialog-adapters';
    explained.dataset.kind = name;
    this.node.append(row, explained);
    return select;
  }

  private _fill(
    select: HTMLSelectElement,
    name: string,
    choices: IAdapterChoices
  ): void {
    const picked = select.dataset.touched ? select.value : '';
    select.textContent = '';
    for (const choice of choices.options) {
      const option = document.createElement('option');
      option.value = choice.name;
      option.disabled = !choice.available;
      option.textContent = choiceLabel(choice);
      option.title = choice.reason ?? '';
      select.appendChild(option);
    }
    const explained = this.node.querySelector(
      `.jp-ForgeLab-RunDialog-adapters[data-kind="${name}"]`
    )!;
    explained.textContent = '';
    for (const choice of choices.options) {
      const li = document.createElement('li');
      li.dataset.name = choice.name;
      li.classList.toggle('jp-mod-disabled', !choice.available);
      li.setAttribute('aria-disabled', String(!choice.available));
      const title = document.createElement('strong');
      title.textContent = choice.name;
      li.append(title, ` — ${adapterLine(choice)}`);
      explained.appendChild(li);
    }
    const keep = choices.options.some(o => o.available && o.name === picked);
    select.value = keep ? picked : (choices.selected ?? '');
    if (!choices.selected) {
      this._note(
        `No ${name} adapter is available; see ForgeLab Adapters for why.`,
        true
      );
    }
  }

  private _note(text: string, error: boolean): void {
    const p = document.createElement('p');
    p.className = error
      ? 'jp-ForgeLab-RunDialog-error'
      : 'jp-ForgeLab-RunDialog-note';
    p.textContent = text;
    this._notes.appendChild(p);
  }

  private _compute: HTMLSelectElement;
  private _storage: HTMLSelectElement;
  private _notes: HTMLDivElement;
}

/** The choices shown while the server is asked: the settings' adapters, marked pending. */
export function pendingChoices(settings: IRunTarget): IRunChoices {
  const only = (name: string): IAdapterChoices => ({
    options: [{ name, available: true }],
    selected: name
  });
  return {
    compute: only(settings.compute),
    storage: only(settings.storage),
    pending: true
  };
}

/** One line on an adapter: what it does, or why it cannot be used now. */
export function adapterLine(choice: IAdapterChoice): string {
  const what = choice.description?.trim() || 'no description';
  return choice.available ? what : `unavailable: ${choice.reason}`;
}

/** How the dialog names an adapter: `local`, `local (2 GPUs)`, `dask (unavailable: ...)`. */
export function choiceLabel(choice: IAdapterChoice): string {
  if (!choice.available) {
    return `${choice.name} (unavailable: ${choice.reason})`;
  }
  if (choice.gpus) {
    return `${choice.name} (${choice.gpus} GPU${choice.gpus === 1 ? '' : 's'})`;
  }
  return choice.name;
}
