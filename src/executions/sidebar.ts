/**
 * The executions sidebar: executions (filtered by pipeline and state) with open, cancel, re-run
 * and delete, and the artifacts with download and provenance.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

import { Artifact, Execution, ImplicitOperation } from '../formats';
import { ArtifactsClient, ExecutionsClient } from '../services';
import { FINAL_EXECUTION_STATES } from './model';
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
      <div class="jp-ForgeLab-ExecutionsSidebar-title">Artifacts</div>
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
      this._renderExecutions(executions);
      this._renderArtifacts(artifacts);
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

  private _renderExecutions(executions: Execution[]): void {
    const list = this.node.querySelector(
      '.jp-ForgeLab-ExecutionsSidebar-list'
    )!;
    list.textContent = '';
    for (const execution of executions) {
      const li = document.createElement('li');
      li.className = 'jp-ForgeLab-ExecutionsSidebar-item';
      li.dataset.id = execution.id;
      li.dataset.status = execution.status;
      const name = document.createElement('a');
      name.className = 'jp-ForgeLab-ExecutionsSidebar-name';
      name.textContent = `${execution.pipelinePath || execution.pipeline?.name || 'pipeline'} · ${execution.id}`;
      name.title = `Open execution ${execution.id}`;
      name.addEventListener('click', () => this._open(execution.id));
      const status = document.createElement('span');
      status.className = `jp-ForgeLab-ExecutionsSidebar-status jp-ForgeLab-mod-status-${execution.status}`;
      status.textContent = execution.status;
      const when = document.createElement('div');
      when.className = 'jp-ForgeLab-ExecutionsSidebar-when';
      when.textContent = `${execution.createdAt ?? ''} on ${execution.compute ?? '?'}`;
      const actions = document.createElement('div');
      actions.className = 'jp-ForgeLab-ExecutionsSidebar-actions';
      const final = FINAL_EXECUTION_STATES.has(execution.status);
      const action = (label: string, run: () => Promise<unknown>) => {
        const button = document.createElement('button');
        button.className = 'jp-mod-styled';
        button.textContent = label;
        button.addEventListener(
          'click',
          () =>
            void run()
              .then(() => this.refresh())
              .catch(error => showError(`${label} failed`, error))
        );
        actions.appendChild(button);
      };
      if (!final) {
        action('Cancel', () => this.client.cancel(execution.id));
      } else {
        action('Re-run', async () =>
          this._open((await this.client.rerun(execution.id, 'all')).id)
        );
        if (execution.status !== 'succeeded') {
          action('Re-run failed', async () =>
            this._open((await this.client.rerun(execution.id, 'failed')).id)
          );
        }
        action('Delete', async () => {
          const answer = await showDialog({
            title: 'Delete execution',
            body: `Delete the record of execution ${execution.id}? Its artifacts stay.`,
            buttons: [
              Dialog.cancelButton(),
              Dialog.warnButton({ label: 'Delete' })
            ]
          });
          if (answer.button.accept) {
            await this.client.remove(execution.id);
          }
        });
      }
      li.append(status, name, when, actions);
      list.appendChild(li);
    }
  }

  private _renderArtifacts(artifacts: Artifact[]): void {
    const list = this.node.querySelector(
      '.jp-ForgeLab-ExecutionsSidebar-artifacts'
    )!;
    const open = new Set(
      Array.from(list.querySelectorAll<HTMLElement>('li.jp-mod-expanded')).map(
        li => li.dataset.id
      )
    );
    list.textContent = '';
    for (const artifact of artifacts) {
      const li = document.createElement('li');
      li.className = 'jp-ForgeLab-ExecutionsSidebar-artifact';
      li.dataset.id = artifact.id;
      const name = document.createElement('span');
      name.textContent = `${artifact.name} (${artifact.type ?? artifact.serializer ?? '?'}, ${formatSize(artifact.size)})`;
      name.title = `${artifact.uri}\n${artifact.hash ?? ''}`;
      const download = document.createElement('a');
      download.textContent = 'Download';
      download.href = this.artifacts.downloadUrl(artifact.id);
      download.download = artifact.name;
      const trace = document.createElement('button');
      trace.className = 'jp-mod-styled';
      trace.textContent = 'Provenance';
      const records = document.createElement('ol');
      records.className = 'jp-ForgeLab-ExecutionsSidebar-provenance';
      const expand = async () => {
        li.classList.add('jp-mod-expanded');
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
          records.textContent = '';
        } else {
          void expand();
        }
      });
      li.append(name, download, trace, records);
      list.appendChild(li);
      if (open.has(artifact.id)) {
        void expand();
      }
    }
  }

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
