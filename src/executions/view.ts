/**
 * The execution view: the pipeline's graph drawn by the shared {@link GraphView}, jobs coloured
 * by state, and the selected job's console, progress, plots, metrics, timings and code, all
 * updated live from the event stream.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';
import { CodeEditor, CodeEditorWrapper } from '@jupyterlab/codeeditor';
import { ISignal, Signal } from '@lumino/signaling';
import { SplitPanel, Widget } from '@lumino/widgets';

import { Execution, Job } from '../formats';
import { GraphView, IViewGraph, readOnlyDelegate } from '../graphview';
import { connectionKey, viewNode } from '../pipeline';
import { ansiSegments } from './ansi';
import { EventStream, ExecutionsClient } from '../services';
import {
  errorText,
  ExecutionModel,
  FINAL_JOB_STATES,
  JobLog,
  jobDuration
} from './model';

/** Console lines kept in the DOM; older ones are removed (the model keeps more). */
export const MAX_DOM_LINES = 2000;

/** The graph of an execution's pipeline, each operation coloured by its job's state. */
export function executionViewGraph(model: ExecutionModel): IViewGraph {
  const statuses = model.statuses();
  const pipeline = model.execution.pipeline;
  return {
    nodes: pipeline.nodes.map(n => viewNode(n, [], statuses.get(n.id))),
    edges: pipeline.connections.map(c => ({
      id: connectionKey(c),
      source: c.source,
      target: c.target
    }))
  };
}

/** What the console says when a job printed nothing (yet). */
export function emptyConsoleText(status: Job['status']): string {
  if (status === 'pending' || status === 'queued') {
    return 'The job has not started yet.';
  }
  return FINAL_JOB_STATES.has(status)
    ? 'The job printed nothing.'
    : 'No output yet.';
}

/** Whether a job in `status` may have generated code (it is generated when the job starts). */
export function jobHasCode(status: Job['status']): boolean {
  return !['pending', 'queued', 'skipped'].includes(status);
}

/** One execution, live. */
export class ExecutionView extends SplitPanel {
  /**
   * Show `execution` and follow its events through `client`; with `editorFactory`, a job's
   * generated code is shown in JupyterLab's editor (highlighted, read-only).
   */
  constructor(
    readonly client: ExecutionsClient,
    execution: Execution,
    editorFactory?: CodeEditor.Factory
  ) {
    super({ orientation: 'horizontal', spacing: 4 });
    this.addClass('jp-ForgeLab-ExecutionView');
    this.model = new ExecutionModel(execution);
    this.graph = new GraphView({
      delegate: readOnlyDelegate(READ_ONLY),
      emptyMessage: 'This execution has no operations.'
    });
    this.jobPanel = new JobPanel(client, this.model, editorFactory);
    this.addWidget(this.graph);
    this.addWidget(this.jobPanel);
    this.setRelativeSizes([3, 2]);

    this.graph.selectionChanged.connect((_, selection) => {
      const [node] = selection.nodes;
      this.jobPanel.showJob(node ? this.model.jobForNode(node) : undefined);
    });
    this.model.stateChanged.connect(this._onState, this);
    this.graph.render(executionViewGraph(this.model));
    // Show a job at once: the failed one, else the first one running, else the first one.
    const shown = this.model.shownJob();
    if (shown) {
      this.graph.select([shown.node]);
    }
    this._failureShown = this.model.status === 'failed';
    if (this._failureShown) {
      // Opened on a failure: the whole graph, for the failed job may be anywhere in it.
      this.graph.fit(false);
    }

    this._stream = client.stream(execution.id, 0);
    this._stream.onEvent = event => this.model.apply(event);
    this._stream.onState = connected => {
      this.node.classList.toggle('jp-mod-disconnected', !connected);
      if (!connected && this.model.isFinal) {
        // Everything was received: a finished execution has nothing more to say.
        this._stream.close();
      }
    };
    this.node.dataset.status = this.model.status;
    this._stream.open();
  }

  /** The execution's state. */
  readonly model: ExecutionModel;
  /** The graph canvas. */
  readonly graph: GraphView;
  /** The selected job's details. */
  readonly jobPanel: JobPanel;

  /** Select the job of a pipeline node. */
  selectNode(node: string): void {
    this.graph.select([node]);
  }

  /** Fetch the execution again (outputs, errors) and take its states. */
  async refresh(): Promise<void> {
    this.model.update(await this.client.get(this.model.id));
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._stream.close();
    super.dispose();
  }

  /** Select the failed job, the whole graph in view (the failure may be anywhere in it). */
  showFailure(): void {
    const failed = this.model.failedJob();
    if (failed) {
      this.graph.select([failed.node]);
      // The graph view fits the whole graph, or does when it is shown.
      this.graph.fit(false);
    }
  }

  private _onState(): void {
    this.graph.render(executionViewGraph(this.model));
    this.node.dataset.status = this.model.status;
    this.jobPanel.updateState();
    if (this.model.status === 'failed' && !this._failureShown) {
      this._failureShown = true;
      this.showFailure();
    }
    if (this.model.isFinal && !this._refreshed) {
      this._refreshed = true;
      void this.refresh().catch(() => undefined);
    }
  }

  private _stream: EventStream;
  private _refreshed = false;
  private _failureShown = false;
}

const READ_ONLY = 'An execution cannot be edited: edit its pipeline instead.';

/** Everything about one job. */
export class JobPanel extends Widget {
  /** Create an empty panel for the jobs of `model`. */
  constructor(
    readonly client: ExecutionsClient,
    readonly model: ExecutionModel,
    private readonly _editorFactory?: CodeEditor.Factory
  ) {
    super();
    this.addClass('jp-ForgeLab-JobPanel');
    this.node.innerHTML = `
      <div class="jp-ForgeLab-JobPanel-empty">Select an operation to see its job.</div>
      <div class="jp-ForgeLab-JobPanel-job" hidden>
        <div class="jp-ForgeLab-JobPanel-header">
          <span class="jp-ForgeLab-JobPanel-title"></span>
          <span class="jp-ForgeLab-JobPanel-status"></span>
          <button class="jp-mod-styled jp-ForgeLab-JobPanel-cancel">Cancel job</button>
          <button class="jp-mod-styled jp-ForgeLab-JobPanel-notebook"
            title="A notebook of this job's code, its inputs loaded from their artifacts">Open in Notebook</button>
        </div>
        <table class="jp-ForgeLab-JobPanel-info"></table>
        <div class="jp-ForgeLab-JobPanel-error" hidden></div>
        <div class="jp-ForgeLab-JobPanel-progress"></div>
        <div class="jp-ForgeLab-JobPanel-figures"></div>
        <table class="jp-ForgeLab-JobPanel-metrics"></table>
        <div class="jp-ForgeLab-JobPanel-sectionTitle">Console</div>
        <div class="jp-ForgeLab-JobPanel-dropped" hidden></div>
        <div class="jp-ForgeLab-JobPanel-consoleEmpty" role="status"></div>
        <pre class="jp-ForgeLab-JobPanel-console"></pre>
        <details class="jp-ForgeLab-JobPanel-code">
          <summary>Generated code</summary>
          <div class="jp-ForgeLab-JobPanel-codeFiles"></div>
        </details>
      </div>`;
    this._console = this._q('.jp-ForgeLab-JobPanel-console');
    this._q('.jp-ForgeLab-JobPanel-cancel').addEventListener('click', () => {
      if (this._job) {
        void this.client
          .cancelJob(this.model.id, this._job.id)
          .catch(error => showError('The job could not be cancelled', error));
      }
    });
    this._q('.jp-ForgeLab-JobPanel-notebook').addEventListener('click', () => {
      if (this._job) {
        this._notebookRequested.emit(this._job);
      }
    });
    this._q('.jp-ForgeLab-JobPanel-code').addEventListener('toggle', () =>
      this._loadCode()
    );
    this._q('.jp-ForgeLab-JobPanel-figures').addEventListener(
      'click',
      event => {
        const img = (event.target as HTMLElement).closest('img');
        img?.classList.toggle('jp-mod-zoomed');
      }
    );
    model.logChanged.connect((_, job) => {
      if (job === this._job?.id) {
        this._schedule();
      }
    });
    this._timer = setInterval(() => this._renderInfo(), 1000);
  }

  /** Emitted with the shown job when the user asks for its code in a notebook. */
  get notebookRequested(): ISignal<this, Job> {
    return this._notebookRequested;
  }

  /** The job shown. */
  get job(): Job | undefined {
    return this._job;
  }

  /** Show a job (or nothing). */
  showJob(job: Job | undefined): void {
    this._job = job;
    this._renderedLines = 0;
    this._console.textContent = '';
    this._q('.jp-ForgeLab-JobPanel-figures').textContent = '';
    this._clearCode();
    (this._q('.jp-ForgeLab-JobPanel-code') as HTMLDetailsElement).open = false;
    this._q('.jp-ForgeLab-JobPanel-empty').hidden = !!job;
    this._q('.jp-ForgeLab-JobPanel-job').hidden = !job;
    if (job) {
      this.node.dataset.job = job.id;
      this.updateState();
      this._flush();
    } else {
      delete this.node.dataset.job;
    }
  }

  /** Redraw the state-dependent parts (status, timings, error). */
  updateState(): void {
    const job = this._job && this.model.job(this._job.id);
    if (!job) {
      return;
    }
    this._job = job;
    const status = this._q('.jp-ForgeLab-JobPanel-status');
    status.textContent = job.status;
    status.className = `jp-ForgeLab-JobPanel-status jp-ForgeLab-mod-status-${job.status}`;
    this.node.dataset.status = job.status;
    (this._q('.jp-ForgeLab-JobPanel-cancel') as HTMLButtonElement).disabled =
      FINAL_JOB_STATES.has(job.status);
    // A job's code exists once it has started.
    (this._q('.jp-ForgeLab-JobPanel-notebook') as HTMLButtonElement).disabled =
      !jobHasCode(job.status);
    this._renderEmptyConsole();
    const error = this._q('.jp-ForgeLab-JobPanel-error');
    error.hidden = !job.error;
    error.textContent = job.error ? errorText(job.error) : '';
    this._renderInfo();
  }

  dispose(): void {
    this._clearCode();
    clearInterval(this._timer);
    if (this._frame !== null) {
      cancelAnimationFrame(this._frame);
    }
    super.dispose();
  }

  private _q(selector: string): HTMLElement {
    return this.node.querySelector(selector) as HTMLElement;
  }

  private _renderInfo(): void {
    const job = this._job;
    if (!job) {
      return;
    }
    const node = this.model.execution.pipeline.nodes.find(
      n => n.id === job.node
    );
    this._q('.jp-ForgeLab-JobPanel-title').textContent =
      node?.label ?? node?.operation?.name ?? job.name ?? job.node;
    const duration = jobDuration(job);
    const rows: [string, string][] = [
      ['Job', `${job.id}${job.attempt ? ` (attempt ${job.attempt})` : ''}`],
      ['Adapter', job.compute ?? this.model.execution.compute ?? ''],
      ['Queued', job.queuedAt ?? ''],
      ['Started', job.startedAt ?? ''],
      ['Ended', job.endedAt ?? ''],
      ['Duration', duration === null ? '' : `${duration.toFixed(1)} s`]
    ];
    for (const [port, artifact] of Object.entries(job.outputs ?? {})) {
      rows.push([`Output ${port}`, `${artifact.name} (${artifact.id})`]);
    }
    fillTable(this._q('.jp-ForgeLab-JobPanel-info'), rows);
  }

  private _schedule(): void {
    if (this._frame === null) {
      this._frame = requestAnimationFrame(() => {
        this._frame = null;
        this._flush();
      });
    }
  }

  /** Bring the DOM up to the log: new console lines in one batch, bars, figures, metrics. */
  private _flush(): void {
    if (!this._job) {
      return;
    }
    const log = this.model.log(this._job.id);
    this._flushConsole(log);
    this._renderProgress(log);
    this._renderFigures(log);
    fillTable(
      this._q('.jp-ForgeLab-JobPanel-metrics'),
      [...log.latestMetrics().values()].map(m => [
        m.name,
        `${typeof m.value === 'number' ? Number(m.value.toPrecision(6)) : JSON.stringify(m.value)}${m.step !== undefined ? ` (step ${m.step})` : ''}`
      ])
    );
  }

  /** Say so when the console is empty (instead of an empty box). */
  private _renderEmptyConsole(): void {
    const empty = this._q('.jp-ForgeLab-JobPanel-consoleEmpty');
    const job = this._job;
    const hasLines = this._console.childElementCount > 0;
    empty.hidden = !job || hasLines;
    this._console.hidden = !hasLines;
    empty.textContent = job ? emptyConsoleText(job.status) : '';
  }

  private _flushConsole(log: JobLog): void {
    const fresh = Math.min(
      log.totalLines - this._renderedLines,
      log.lines.length,
      MAX_DOM_LINES
    );
    if (fresh <= 0) {
      this._renderEmptyConsole();
      return;
    }
    const console = this._console;
    const atBottom =
      console.scrollTop + console.clientHeight >= console.scrollHeight - 8;
    const fragment = document.createDocumentFragment();
    for (const line of log.lines.slice(log.lines.length - fresh)) {
      const div = document.createElement('div');
      div.className = `jp-ForgeLab-JobPanel-line jp-mod-${line.stream}`;
      for (const segment of ansiSegments(line.text)) {
        if (segment.classes.length) {
          const span = document.createElement('span');
          span.className = segment.classes.join(' ');
          span.textContent = segment.text;
          div.appendChild(span);
        } else {
          div.appendChild(document.createTextNode(segment.text));
        }
      }
      fragment.appendChild(div);
    }
    console.appendChild(fragment);
    this._renderedLines = log.totalLines;
    let extra = console.childElementCount - MAX_DOM_LINES;
    while (extra-- > 0) {
      console.firstElementChild?.remove();
    }
    const hidden = log.totalLines - console.childElementCount;
    const dropped = this._q('.jp-ForgeLab-JobPanel-dropped');
    dropped.hidden = hidden <= 0;
    dropped.textContent = `${hidden} earlier lines not shown.`;
    this._renderEmptyConsole();
    if (atBottom) {
      console.scrollTop = console.scrollHeight;
    }
  }

  private _renderProgress(log: JobLog): void {
    const host = this._q('.jp-ForgeLab-JobPanel-progress');
    for (const bar of log.progress.values()) {
      let row = host.querySelector<HTMLElement>(
        `[data-id="${CSS.escape(bar.id)}"]`
      );
      if (!row) {
        row = document.createElement('div');
        row.className = 'jp-ForgeLab-JobPanel-bar';
        row.dataset.id = bar.id;
        row.innerHTML = '<span></span><progress></progress><span></span>';
        host.appendChild(row);
      }
      const [label, progress, count] = Array.from(row.children) as [
        HTMLElement,
        HTMLProgressElement,
        HTMLElement
      ];
      label.textContent = bar.desc;
      if (bar.total) {
        progress.max = bar.total;
        progress.value = bar.n;
      } else {
        progress.removeAttribute('value');
      }
      count.textContent = bar.total ? `${bar.n}/${bar.total}` : `${bar.n}`;
    }
  }

  private _renderFigures(log: JobLog): void {
    const host = this._q('.jp-ForgeLab-JobPanel-figures');
    const pictures = [
      ...[...log.figures.values()].map(f => ({ key: `figure-${f.id}`, f })),
      ...log.images.map(f => ({ key: `image-${f.id}`, f }))
    ];
    for (const { key, f } of pictures) {
      let img = host.querySelector<HTMLImageElement>(
        `img[data-key="${CSS.escape(key)}"]`
      );
      if (!img) {
        img = document.createElement('img');
        img.className = 'jp-ForgeLab-JobPanel-figure';
        img.dataset.key = key;
        img.title = 'Click to zoom';
        host.appendChild(img);
      }
      if (img.dataset.version !== String(f.version)) {
        img.dataset.version = String(f.version);
        img.src = `data:image/png;base64,${f.png}`;
      }
    }
  }

  private async _loadCode(): Promise<void> {
    const host = this._q('.jp-ForgeLab-JobPanel-codeFiles');
    const job = this._job;
    if (!job || host.childElementCount) {
      return;
    }
    try {
      const code = await this.client.code(this.model.id, job.id);
      if (job !== this._job) {
        return;
      }
      for (const [name, text] of Object.entries(code.files)) {
        const title = document.createElement('div');
        title.className = 'jp-ForgeLab-JobPanel-sectionTitle';
        title.textContent = name;
        host.append(title);
        if (this._editorFactory) {
          const model = new CodeEditor.Model({
            mimeType: name.endsWith('.py')
              ? 'text/x-python'
              : 'application/json'
          });
          model.sharedModel.setSource(text);
          const editor = new CodeEditorWrapper({
            factory: this._editorFactory,
            model,
            editorOptions: { config: { readOnly: true, lineNumbers: true } }
          });
          editor.addClass('jp-ForgeLab-JobPanel-editor');
          editor.node.dataset.file = name;
          this._editors.push(editor);
          Widget.attach(editor, host);
        } else {
          const pre = document.createElement('pre');
          pre.className = 'jp-ForgeLab-JobPanel-source';
          pre.dataset.file = name;
          pre.textContent = text;
          host.append(pre);
        }
      }
    } catch (error) {
      host.textContent = `The generated code could not be loaded: ${(error as Error).message}`;
    }
  }

  private _clearCode(): void {
    for (const editor of this._editors.splice(0)) {
      editor.model.dispose();
      editor.dispose();
    }
    this._q('.jp-ForgeLab-JobPanel-codeFiles').textContent = '';
  }

  private _editors: CodeEditorWrapper[] = [];
  private _notebookRequested = new Signal<this, Job>(this);
  private _job: Job | undefined;
  private _console: HTMLElement;
  private _renderedLines = 0;
  private _frame: number | null = null;
  private _timer: ReturnType<typeof setInterval>;
}

function fillTable(table: HTMLElement, rows: [string, string][]): void {
  table.textContent = '';
  for (const [key, value] of rows) {
    if (!value) {
      continue;
    }
    const tr = document.createElement('tr');
    const th = document.createElement('th');
    th.textContent = key;
    const td = document.createElement('td');
    td.textContent = value;
    tr.append(th, td);
    table.appendChild(tr);
  }
}

/** Tell the user that an action failed and why. */
export async function showError(title: string, error: unknown): Promise<void> {
  await showDialog({
    title,
    body: String((error as Error)?.message ?? error),
    buttons: [Dialog.okButton()]
  });
}
