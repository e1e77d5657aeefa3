/**
 * The provenance panel (right sidebar): the live variables of the active notebook's kernel with
 * their versions, and the provenance graph of the chosen variable or artifact on the shared
 * graph canvas. Clicking a node of a notebook's graph selects its cell.
 */
import { ISessionContext } from '@jupyterlab/apputils';
import { Notebook, NotebookPanel } from '@jupyterlab/notebook';
import { KernelMessage } from '@jupyterlab/services';
import { Toolbar } from '@jupyterlab/ui-components';
import { ISignal, Signal } from '@lumino/signaling';
import { Panel, Widget } from '@lumino/widgets';

import { ImplicitOperation } from '../formats';
import { GraphView, readOnlyDelegate } from '../graphview';
import { createFitButton } from '../graphview/toolbar';
import { KernelBridge } from '../services/kernel';
import { ForgeLabAPI } from '../services';
import { localPath } from './context';
import {
  artifactGraph,
  IRecordSlice,
  IStaleRead,
  IVariable,
  sliceCell,
  sliceGraph,
  sliceRecords,
  staleReads,
  staleText,
  staleVariables
} from './model';

const READ_ONLY = 'A provenance graph is read-only.';

/** What the panel shows in its graph. */
export type ProvenanceSubject =
  | { kind: 'variable'; notebook: string; slice: IRecordSlice }
  | { kind: 'artifact'; id: string; records: ImplicitOperation[] };

/** What a reify request from the panel names. */
export interface IReifyTarget {
  /** A variable of the notebook (`target`), a cell run's output (`record`) or an artifact. */
  target?: string;
  /** The record of the cell run whose output to reify. */
  record?: string;
  /** The artifact's id. */
  artifact?: string;
}

/** The provenance side panel. */
export class ProvenancePanel extends Panel {
  constructor(
    readonly api: ForgeLabAPI,
    private readonly _bridgeFor: (panel: NotebookPanel) => KernelBridge
  ) {
    super();
    this.addClass('jp-ForgeLab-ProvenancePanel');
    this._header = new Widget();
    this._header.addClass('jp-ForgeLab-ProvenancePanel-header');
    this._header.node.innerHTML = `
      <div class="jp-ForgeLab-ProvenancePanel-title">Provenance</div>
      <div class="jp-ForgeLab-ProvenancePanel-source"></div>
      <ul class="jp-ForgeLab-ProvenancePanel-variables" aria-label="Variables"></ul>
      <div class="jp-ForgeLab-ProvenancePanel-subject">
        <span class="jp-ForgeLab-ProvenancePanel-subjectName"></span>
        <button class="jp-mod-styled jp-ForgeLab-ProvenancePanel-reify" disabled>Reify…</button>
      </div>
      <div class="jp-ForgeLab-ProvenancePanel-message" role="status"></div>`;
    this.graph = new GraphView({
      delegate: readOnlyDelegate(READ_ONLY),
      // The sidebar is narrow: smaller nodes keep a few cells readable side by side.
      metrics: { nodeWidth: 140, rankGap: 40, nodeGap: 16 },
      // A tall, narrow sidebar: history reads top to bottom.
      layout: 'TB',
      refitOnWiden: true,
      emptyMessage: 'Choose a variable to see where its value came from.'
    });
    const toolbar = new Toolbar();
    toolbar.addClass('jp-ForgeLab-ProvenancePanel-toolbar');
    toolbar.addItem('fit', createFitButton(this.graph, 'provenance graph'));
    this.addWidget(this._header);
    this.addWidget(toolbar);
    this.addWidget(this.graph);
    this._list.addEventListener('click', event => {
      const item = (event.target as HTMLElement).closest<HTMLElement>(
        '.jp-ForgeLab-ProvenancePanel-variable'
      );
      if (item?.dataset.name) {
        void this.showVariable(item.dataset.name);
      }
    });
    this._reifyButton.addEventListener('click', () => {
      const subject = this._subject;
      if (subject?.kind === 'variable' && subject.slice.output) {
        this._reifyRequested.emit({ record: subject.slice.producer.id });
      } else if (subject?.kind === 'variable') {
        this._reifyRequested.emit({ target: subject.slice.target });
      } else if (subject?.kind === 'artifact') {
        this._reifyRequested.emit({ artifact: subject.id });
      }
    });
    this.graph.selectionChanged.connect((_, selection) => {
      const [node] = selection.nodes;
      if (node && selection.nodes.size === 1) {
        void this.revealRecord(node);
      }
    });
  }

  /** The graph canvas. */
  readonly graph: GraphView;

  /** The notebook the panel follows. */
  get notebook(): NotebookPanel | null {
    return this._notebook;
  }

  /** The kernel bridge of the notebook the panel follows. */
  get bridge(): KernelBridge | null {
    return this._bridge;
  }

  /** The live variables shown, as the kernel last reported them. */
  get variables(): ReadonlyArray<IVariable> {
    return this._variables;
  }

  /** The live variables whose history read a value that has a newer version since. */
  get stale(): ReadonlyMap<string, ReadonlyArray<IStaleRead>> {
    return this._stale;
  }

  /** What the graph shows. */
  get subject(): ProvenanceSubject | null {
    return this._subject;
  }

  /** Emitted when the user asks to reify what the graph shows. */
  get reifyRequested(): ISignal<this, IReifyTarget> {
    return this._reifyRequested;
  }

  /** Follow `panel` (the active notebook), or nothing. */
  setNotebook(panel: NotebookPanel | null): void {
    if (panel === this._notebook) {
      return;
    }
    this._bridge?.stateChanged.disconnect(this._onBridgeState, this);
    this._notebook?.sessionContext.iopubMessage.disconnect(this._onIOPub, this);
    panel?.sessionContext.iopubMessage.connect(this._onIOPub, this);
    this._notebook = panel;
    this._bridge = panel ? this._bridgeFor(panel) : null;
    this._bridge?.stateChanged.connect(this._onBridgeState, this);
    this._source.textContent = panel
      ? panel.context.path
      : 'Open a notebook to see its variables.';
    this._variables = [];
    this._stale = new Map();
    if (this._subject?.kind === 'variable' || (panel && this._subject)) {
      // The graph belongs to the notebook left behind, or to an artifact.
      this._setSubject(null);
      this.graph.render({ nodes: [], edges: [] });
      this._say('');
    }
    this._renderVariables();
    void this.refresh();
  }

  /**
   * A notebook got the focus: an artifact's graph shown earlier makes way for the empty state
   * (the notebook's variables are listed above it).
   */
  notebookFocused(): void {
    if (this._subject?.kind === 'artifact') {
      this._setSubject(null);
      this.graph.render({ nodes: [], edges: [] });
      this._say('');
    }
  }

  /** Ask the kernel for its live variables and show them. */
  async refresh(): Promise<void> {
    const bridge = this._bridge;
    if (!bridge || bridge.state !== 'ready') {
      return;
    }
    if (this._notebook) {
      // The notebook may have been renamed since.
      this._source.textContent = this._notebook.context.path;
    }
    try {
      const answer = (await bridge.request('provenance.variables')) as {
        variables: IVariable[];
      };
      if (bridge === this._bridge) {
        this._variables = answer.variables;
        this._renderVariables();
      }
    } catch (error) {
      this._say(
        `The variables could not be read: ${(error as Error).message}`,
        'error'
      );
      return;
    }
    await this._findStale(bridge);
  }

  /** Mark the variables whose history read a value that changed since (from the records). */
  private async _findStale(bridge: KernelBridge): Promise<void> {
    const panel = this._notebook;
    if (!panel || !this._variables.length) {
      return;
    }
    try {
      const flushed = (await bridge.request('provenance.flush')) as {
        session: string;
      };
      const records = await this.api.provenance.records(
        localPath(panel.context.path)
      );
      if (bridge !== this._bridge) {
        return;
      }
      this._stale = staleVariables(records, flushed.session, this._variables);
      this._renderVariables();
    } catch (error) {
      // The list stays usable; only the stale markers are missing.
      console.warn(
        'ForgeLab: stale values could not be found:',
        (error as Error).message
      );
    }
  }

  /** Show the provenance graph of variable `name` of the followed notebook. */
  showVariable(name: string): Promise<void> {
    return this._showSlice(
      name,
      (records, session) =>
        sliceRecords(records, name, {
          session,
          version: this._variables.find(v => v.name === name)?.version
        }),
      slice => `${name} v${slice.version}`
    );
  }

  /**
   * Show the provenance graph of the output (last expression or figure) of cell `cellId` of the
   * followed notebook: its latest run in the current kernel session and what that run read.
   */
  showCellOutput(cellId: string): Promise<void> {
    return this._showSlice(
      'this output',
      (records, session) => sliceCell(records, { cell: cellId, session }),
      slice => `Output of cell [${slice.version}]`
    );
  }

  /** Show the provenance graph of an artifact (the jobs and uploads it came from). */
  async showArtifact(id: string): Promise<void> {
    try {
      const records = await this.api.artifacts.provenance(id);
      this._setSubject({ kind: 'artifact', id, records });
      this.graph.render(artifactGraph(records));
      this.graph.fit(false, true);
      this._say(
        records.length
          ? `Artifact ${id}: ${records.length} record(s).`
          : `Artifact ${id} has no recorded provenance.`
      );
    } catch (error) {
      this._say(
        `The provenance of artifact ${id} could not be shown: ${(error as Error).message}`,
        'error'
      );
    }
  }

  /** Select and scroll to the cell of record `id`, or say that the cell is gone. */
  async revealRecord(id: string): Promise<boolean> {
    const subject = this._subject;
    if (subject?.kind !== 'variable') {
      return false;
    }
    const record = subject.slice.records.find(r => r.id === id);
    const panel = this._notebook;
    if (!record || !panel) {
      return false;
    }
    if (!record.cellId) {
      this._say(
        record.kind === 'widget'
          ? `This was a widget edit: ${record.code}`
          : 'This record has no cell id.'
      );
      return false;
    }
    const notebook: Notebook = panel.content;
    const index = notebook.widgets.findIndex(
      cell => cell.model.id === record.cellId
    );
    if (index < 0) {
      this._say(
        `The cell of this record (${record.cellId}) was deleted from the notebook.`,
        'error'
      );
      return false;
    }
    notebook.activeCellIndex = index;
    notebook.deselectAll();
    await notebook.scrollToCell(notebook.widgets[index]);
    this._say(`Cell ${index + 1} selected.`);
    return true;
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._notebook?.sessionContext.iopubMessage.disconnect(this._onIOPub, this);
    this._bridge?.stateChanged.disconnect(this._onBridgeState, this);
    super.dispose();
  }

  /** After each execution (the kernel goes idle after an execute request), refresh. */
  /**
   * Show the slice `slice(records, session)` of the followed notebook's records, after the
   * kernel has stored the last ones; `title(slice)` names it in the status line.
   */
  private async _showSlice(
    what: string,
    slice: (records: ImplicitOperation[], session: string) => IRecordSlice,
    title: (slice: IRecordSlice) => string
  ): Promise<void> {
    const panel = this._notebook;
    const bridge = this._bridge;
    if (!panel || !bridge) {
      this._say('Open a notebook first.', 'error');
      return;
    }
    try {
      const flushed = (await bridge.request('provenance.flush')) as {
        session: string;
      };
      const notebook = localPath(panel.context.path);
      const records = await this.api.provenance.records(notebook);
      const shown = slice(records, flushed.session);
      const stale = staleReads(records, shown);
      this._setSubject({ kind: 'variable', notebook, slice: shown });
      this.graph.render(sliceGraph(shown, stale));
      this.graph.fit(false, true);
      this._say(
        `${title(shown)}: ${shown.records.length} recorded operation(s). Click one to go to its cell.` +
          (stale.length ? ` Stale: it ${stale.map(staleText).join(', ')}.` : '')
      );
    } catch (error) {
      this._say(
        `The provenance of ${what} could not be shown: ${(error as Error).message}`,
        'error'
      );
    }
  }

  private _onIOPub(_: ISessionContext, msg: KernelMessage.IMessage): void {
    if (
      msg.header.msg_type === 'status' &&
      (msg as KernelMessage.IStatusMsg).content.execution_state === 'idle' &&
      msg.parent_header &&
      (msg.parent_header as KernelMessage.IHeader).msg_type ===
        'execute_request'
    ) {
      void this.refresh();
    }
  }

  private _onBridgeState(): void {
    void this.refresh();
  }

  private _setSubject(subject: ProvenanceSubject | null): void {
    this._subject = subject;
    const name = this._header.node.querySelector(
      '.jp-ForgeLab-ProvenancePanel-subjectName'
    )!;
    name.textContent =
      subject?.kind === 'variable' && subject.slice.output
        ? `output of cell [${subject.slice.version}]`
        : subject?.kind === 'variable'
          ? `${subject.slice.target} v${subject.slice.version}`
          : subject?.kind === 'artifact'
            ? `artifact ${subject.id}`
            : '';
    this._reifyButton.disabled = !subject;
    for (const item of Array.from(
      this._list.querySelectorAll<HTMLElement>('li')
    )) {
      item.classList.toggle(
        'jp-mod-selected',
        subject?.kind === 'variable' &&
          !subject.slice.output &&
          item.dataset.name === subject.slice.target
      );
    }
  }

  private _renderVariables(): void {
    this._list.textContent = '';
    for (const variable of this._variables) {
      const li = document.createElement('li');
      li.className = 'jp-ForgeLab-ProvenancePanel-variable';
      li.dataset.name = variable.name;
      li.dataset.version = String(variable.version);
      li.tabIndex = 0;
      const name = document.createElement('span');
      name.className = 'jp-ForgeLab-ProvenancePanel-name';
      name.textContent = variable.name;
      const version = document.createElement('span');
      version.className = 'jp-ForgeLab-ProvenancePanel-version';
      version.textContent = `v${variable.version}`;
      const type = document.createElement('span');
      type.className = 'jp-ForgeLab-ProvenancePanel-type';
      type.textContent = variable.type ?? '';
      li.append(name, version, type);
      const stale = this._stale.get(variable.name);
      if (stale?.length) {
        li.classList.add('jp-mod-stale');
        const marker = document.createElement('span');
        marker.className = 'jp-ForgeLab-ProvenancePanel-stale';
        marker.textContent = 'stale';
        const why = `${variable.name} ${stale.map(staleText).join('; ')}`;
        marker.title = why;
        marker.setAttribute('aria-label', `Stale: ${why}`);
        li.title = why;
        li.append(marker);
      }
      this._list.appendChild(li);
    }
    if (this._subject?.kind === 'variable') {
      this._setSubject(this._subject);
    }
  }

  private _say(text: string, kind: 'info' | 'error' = 'info'): void {
    this._message.textContent = text;
    this._message.classList.toggle('jp-mod-error', kind === 'error');
  }

  private get _list(): HTMLElement {
    return this._header.node.querySelector(
      '.jp-ForgeLab-ProvenancePanel-variables'
    )!;
  }

  private get _source(): HTMLElement {
    return this._header.node.querySelector(
      '.jp-ForgeLab-ProvenancePanel-source'
    )!;
  }

  private get _message(): HTMLElement {
    return this._header.node.querySelector(
      '.jp-ForgeLab-ProvenancePanel-message'
    )!;
  }

  private get _reifyButton(): HTMLButtonElement {
    return this._header.node.querySelector(
      '.jp-ForgeLab-ProvenancePanel-reify'
    )!;
  }

  private _header: Widget;
  private _notebook: NotebookPanel | null = null;
  private _bridge: KernelBridge | null = null;
  private _variables: IVariable[] = [];
  private _stale: Map<string, IStaleRead[]> = new Map();
  private _subject: ProvenanceSubject | null = null;
  private _reifyRequested = new Signal<this, IReifyTarget>(this);
}
