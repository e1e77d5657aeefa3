/**
 * The executions sidebar: executions (filtered by pipeline and state) with open, cancel, re-run
 * and delete, each with the artifacts it made, then the other artifacts; every artifact with
 * download and provenance. Times are relative and local, as in the file browser.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';
import { Time } from '@jupyterlab/coreutils';
import { Widget } from '@lumino/widgets';

import { Artifact, Execution, ImplicitOperation } from '../formats';
import { ArtifactsClient, ExecutionsClient } from '../services';
import { FINAL_EXECUTION_STATES } from './model';
import { executionTabTitle, shortTypeName } from './naming';
import { showError } from './view';

/** How often the open sidebar asks for the list again (ms). */
export const SIDEBAR_REFRESH_MS = 3000;

/** The executions and artifacts of the server. */
export class ExecutionsSidebar extends Widget {
  /**
   * Create the sidebar on the executions and artifacts clients; `open` opens an execution's
   * view, `showProvenance` (if given) shows an artifact's provenance graph when its Provenance
   * button is pressed.
   */
  constructor(
    readonly client: ExecutionsClient,
    readonly artifacts: ArtifactsClient,
    private readonly _open: (id: string) => void,
    private readonly _showProvenance?: (artifactId: string) => void
  ) {
    super();
    this.addClass('jp-ForgeLab-ExecutionsSidebar');
    this.node.innerHTML = `
      <div class="jp-ForgeLab-ExecutionsSidebar-title">Executions</div>
      <div class="jp-ForgeLab-ExecutionsSidebar-filters">
        <input class="jp-mod-styled" type="search" name="pipeline" placeholder="Pipeline path" />
        <select class="jp-mod-styled" name="status">
          <option value="">any state</option>
          ${[
            'pending',
            'running',
            'succeeded',
            'failed',
            'cancelled',
            'interrupted'
          ]
            .map(s => `<option value="${s}">${s}</option>`)
            .join('')}
        </select>
        <button class="jp-mod-styled" name="refresh">Refresh</button>
      </div>
      <div class="jp-ForgeLab-ExecutionsSidebar-message"></div>
      <ul class="jp-ForgeLab-ExecutionsSidebar-list"></ul>
      <div class="jp-ForgeLab-ExecutionsSidebar-title jp-ForgeLab-ExecutionsSidebar-otherTitle">Other artifacts</div>
      <ul class="jp-ForgeLab-ExecutionsSidebar-artifacts"></ul>`;
    this._pipeline = this.node.querySelector('input[name=pipeline]')!;
    this._status = this.node.querySelector('select[name=status]')!;
    this._pipeline.addEventListener('change', () => void this.refresh());
    this._status.addEventListener('change', () => void this.refresh());
    this.node
      .querySelector('button[name=refresh]')!
      .addEventListener('click', () => void this.refresh());
  }

  /** Ask the server for the executions and artifacts and redraw. */
  async refresh(): Promise<void> {
    const message = this.node.querySelector(
      '.jp-ForgeLab-ExecutionsSidebar-message'
    )!;
    try {
      const [executions, artifacts] = await Promise.all([
        this.client.list({
          pipeline: this._pipeline.value.trim() || undefined,
          status: (this._status.value || undefined) as any
        }),
        this.artifacts.list()
      ]);
      message.textContent = executions.length
        ? ''
        : 'No executions. Run a pipeline to start one.';
      this._renderArtifacts(this._renderExecutions(executions, artifacts));
    } catch (error) {
      message.textContent = `The executions could not be listed: ${(error as Error).message}`;
    }
  }

  protected onAfterShow(): void {
    void this.refresh();
    this._timer = setInterval(() => {
      if (this.isVisible) {
        void this.refresh();
      }
    }, SIDEBAR_REFRESH_MS);
  }

  protected onAfterHide(): void {
    clearInterval(this._timer);
  }

  dispose(): void {
    clearInterval(this._timer);
    super.dispose();
  }

  /** The execution `id` as last listed, if it is in the list. */
  execution(id: string): Execution | undefined {
    return this._executions.get(id);
  }

  /** Cancel execution `id` (its running jobs stop, its waiting ones are cancelled). */
  async cancel(id: string): Promise<void> {
    await this._act('Cancel', () => this.client.cancel(id));
  }

  /** Run execution `id` again in a new execution (`failed`: only what did not succeed). */
  async rerun(id: string, which: 'all' | 'failed'): Promise<void> {
    await this._act(which === 'all' ? 'Re-run' : 'Re-run failed', async () =>
      this._open((await this.client.rerun(id, which)).id)
    );
  }

  /** Delete the record of execution `id` once the user confirms; its artifacts stay. */
  async remove(id: string): Promise<void> {
    const answer = await showDialog({
      title: 'Delete execution',
      body: `Delete the record of execution ${id}? Its artifacts stay.`,
      buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: 'Delete' })]
    });
    if (answer.button.accept) {
      await this._act('Delete', () => this.client.remove(id));
    }
  }

  /** Open execution `id`'s view. */
  open(id: string): void {
    this._open(id);
  }

  private async _act(
    label: string,
    run: () => Promise<unknown>
  ): Promise<void> {
    try {
      await run();
      await this.refresh();
    } catch (error) {
      await showError(`${label} failed`, error);
    }
  }

  private _renderExecutions(
    executions: Execution[],
    artifacts: Artifact[]
  ): Artifact[] {
    const list = this.node.querySelector(
      '.jp-ForgeLab-ExecutionsSidebar-list'
    )!;
    list.textContent = '';
    this._executions = new Map(executions.map(e => [e.id, e]));
    const byExecution = new Map<string, Artifact[]>();
    const others: Artifact[] = [];
    for (const artifact of artifacts) {
      if (artifact.execution && this._executions.has(artifact.execution)) {
        const group = byExecution.get(artifact.execution) ?? [];
        group.push(artifact);
        byExecution.set(artifact.execution, group);
      } else {
        others.push(artifact);
      }
    }
    for (const execution of executions) {
      const li = document.createElement('li');
      li.className = 'jp-ForgeLab-ExecutionsSidebar-item';
      li.dataset.id = execution.id;
      li.dataset.status = execution.status;
      const name = document.createElement('a');
      name.className = 'jp-ForgeLab-ExecutionsSidebar-name';
      name.textContent = executionTabTitle(execution);
      name.title = `Open execution ${execution.id}${execution.pipelinePath ? ` of ${execution.pipelinePath}` : ''}`;
      name.addEventListener('click', () => this._open(execution.id));
      const status = document.createElement('span');
      status.className = `jp-ForgeLab-ExecutionsSidebar-status jp-ForgeLab-mod-status-${execution.status}`;
      status.textContent = execution.status;
      const when = document.createElement('div');
      when.className = 'jp-ForgeLab-ExecutionsSidebar-when';
      const time = document.createElement('time');
      if (execution.createdAt) {
        time.dateTime = execution.createdAt;
        time.textContent = Time.formatHuman(execution.createdAt);
        time.title = Time.format(execution.createdAt);
      }
      when.append(time, ` on ${execution.compute ?? '?'}`);
      const actions = document.createElement('div');
      actions.className = 'jp-ForgeLab-ExecutionsSidebar-actions';
      const final = FINAL_EXECUTION_STATES.has(execution.status);
      const action = (
        key: string,
        label: string,
        tooltip: string,
        enabled: boolean,
        run: () => Promise<unknown>
      ) => {
        const button = document.createElement('button');
        button.className = 'jp-mod-styled jp-mod-small';
        button.name = key;
        button.textContent = label;
        button.title = tooltip;
        button.disabled = !enabled;
        button.addEventListener('click', () => void run());
        actions.appendChild(button);
      };
      action(
        'cancel',
        'Cancel',
        final ? 'The execution has ended' : 'Stop its jobs',
        !final,
        () => this.cancel(execution.id)
      );
      action(
        'rerun',
        'Re-run',
        'Run every job again in a new execution',
        final,
        () => this.rerun(execution.id, 'all')
      );
      action(
        'rerun-failed',
        'Re-run failed',
        'Run again what did not succeed',
        final && execution.status !== 'succeeded',
        () => this.rerun(execution.id, 'failed')
      );
      action(
        'delete',
        'Delete',
        final ? 'Delete its record' : 'Cancel it first',
        final,
        () => this.remove(execution.id)
      );
      li.append(status, name, when, actions);
      const outputs = byExecution.get(execution.id);
      if (outputs?.length) {
        const group = document.createElement('ul');
        group.className = 'jp-ForgeLab-ExecutionsSidebar-outputs';
        for (const artifact of outputs) {
          group.appendChild(this._artifactItem(artifact));
        }
        li.appendChild(group);
      }
      list.appendChild(li);
    }
    return others;
  }

  private _renderArtifacts(artifacts: Artifact[]): void {
    const list = this.node.querySelector(
      '.jp-ForgeLab-ExecutionsSidebar-artifacts'
    )!;
    list.textContent = '';
    for (const artifact of artifacts) {
      list.appendChild(this._artifactItem(artifact));
    }
    this.node
      .querySelector('.jp-ForgeLab-ExecutionsSidebar-otherTitle')!
      .toggleAttribute('hidden', !artifacts.length);
  }

  /** One artifact: name, short type (full in the tooltip), size, Download and Provenance. */
  private _artifactItem(artifact: Artifact): HTMLLIElement {
    const li = document.createElement('li');
    li.className = 'jp-ForgeLab-ExecutionsSidebar-artifact';
    li.dataset.id = artifact.id;
    const name = document.createElement('span');
    name.className = 'jp-ForgeLab-ExecutionsSidebar-artifactName';
    name.textContent = artifact.name;
    name.title = `${artifact.uri}\n${artifact.hash ?? ''}`;
    const fullType = artifact.type ?? artifact.serializer ?? '?';
    const type = document.createElement('span');
    type.className = 'jp-ForgeLab-ExecutionsSidebar-type';
    type.textContent = `${shortTypeName(fullType)}, ${formatSize(artifact.size)}`;
    type.title = fullType;
    const button = (key: string, label: string, tooltip: string) => {
      const b = document.createElement('button');
      b.className = 'jp-mod-styled jp-mod-small';
      b.name = key;
      b.textContent = label;
      b.title = tooltip;
      return b;
    };
    const download = button(
      'download',
      'Download',
      `Download ${artifact.name}`
    );
    download.addEventListener('click', () => {
      const link = document.createElement('a');
      link.href = this.artifacts.downloadUrl(artifact.id);
      link.download = artifact.name;
      link.click();
    });
    const trace = button(
      'provenance',
      'Provenance',
      'Show how this artifact was made'
    );
    const records = document.createElement('ol');
    records.className = 'jp-ForgeLab-ExecutionsSidebar-provenance';
    const expand = async () => {
      li.classList.add('jp-mod-expanded');
      this._expanded.add(artifact.id);
      records.textContent = '';
      try {
        for (const record of await this.artifacts.provenance(artifact.id)) {
          const item = document.createElement('li');
          item.textContent = describeRecord(record);
          records.appendChild(item);
        }
      } catch (error) {
        records.textContent = `The provenance could not be loaded: ${(error as Error).message}`;
      }
    };
    trace.addEventListener('click', () => {
      this._showProvenance?.(artifact.id);
      if (li.classList.contains('jp-mod-expanded')) {
        li.classList.remove('jp-mod-expanded');
        this._expanded.delete(artifact.id);
        records.textContent = '';
      } else {
        void expand();
      }
    });
    li.append(name, type, download, trace, records);
    if (this._expanded.has(artifact.id)) {
      void expand();
    }
    return li;
  }

  private _executions = new Map<string, Execution>();
  private _expanded = new Set<string>();
  private _pipeline: HTMLInputElement;
  private _status: HTMLSelectElement;
  private _timer: ReturnType<typeof setInterval> | undefined;
}

/** One line for a provenance record: what produced it and from which inputs. */
export function describeRecord(record: ImplicitOperation): string {
  let what: string = record.kind;
  if (record.kind === 'job' && record.job) {
    const job = record.job;
    what = `${job.operation?.name ?? 'operation'} (execution ${job.execution}${job.jobId ? `, job ${job.jobId}` : ''})`;
  } else if (record.kind === 'upload') {
    const file = (record.filesRead ?? [])[0];
    what = `upload${file?.path ? ` of ${file.path}` : ''}`;
  }
  const inputs = Object.keys(record.job?.inputs ?? {});
  return `${what}${inputs.length ? ` ← ${inputs.join(', ')}` : ''}${record.startedAt ? ` · ${record.startedAt}` : ''}`;
}

function formatSize(size: number | undefined): string {
  if (size === undefined) {
    return '? B';
  }
  const units = ['B', 'kB', 'MB', 'GB'];
  let value = size;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit ? value.toFixed(1) : value} ${units[unit]}`;
}
