/**
 * The executions plugin: the live execution view (opened by Run and from the sidebar) and the
 * executions sidebar in the left area. It provides {@link IExecutionOpener} to other plugins.
 */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  ICommandPalette,
  MainAreaWidget,
  Notification,
  WidgetTracker
} from '@jupyterlab/apputils';
import { IEditorServices } from '@jupyterlab/codeeditor';
import { PathExt } from '@jupyterlab/coreutils';
import {
  refreshIcon,
  runIcon,
  stopIcon,
  ToolbarButton
} from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';

import {
  diffPipelines,
  executionTabTitle,
  ExecutionsSidebar,
  ExecutionView,
  failureNotice,
  FINAL_EXECUTION_STATES,
  PipelineAsRanView,
  PipelineDiffPanel,
  showError
} from '../executions';
import { FailureWatch } from '../executions/failurewatch';
import { createFitButton } from '../graphview/toolbar';
import { Execution, Pipeline } from '../formats';
import { executionsIcon } from '../icons';
import { ExecutionsClient } from '../services';
import { IExecutionOpener, IForgeLab } from '../tokens';
import { openCellsInNotebook } from '../views/notebookcells';
import { nodeUnderMenu } from './graphcommands';

/** Command ids of the executions plugin. */
export namespace ExecutionCommandIDs {
  export const open = 'forgelab:open-execution';
  export const showSidebar = 'forgelab:show-executions';
  export const openAsRan = 'forgelab:open-execution-pipeline';
  export const diff = 'forgelab:diff-execution-pipeline';
  export const rerun = 'forgelab:rerun-execution';
  export const cancel = 'forgelab:cancel-execution';
  export const remove = 'forgelab:delete-execution';
  export const jobNotebook = 'forgelab:open-job-in-notebook';
}

/** A job's node in an execution view's graph, where the job's context menu opens. */
const EXECUTION_NODE = '.jp-ForgeLab-ExecutionView .jp-ForgeLab-GraphView-node';

/** The class of an execution in the sidebar, where its context menu opens. */
const SIDEBAR_ITEM = 'jp-ForgeLab-ExecutionsSidebar-item';

export const executionsPlugin: JupyterFrontEndPlugin<IExecutionOpener> = {
  id: 'forgelab:executions',
  description: 'The live execution view and the executions sidebar.',
  autoStart: true,
  requires: [IForgeLab],
  optional: [ICommandPalette, ILayoutRestorer, IEditorServices],
  provides: IExecutionOpener,
  activate: (
    app: JupyterFrontEnd,
    forgelab: IForgeLab,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    editorServices: IEditorServices | null
  ): IExecutionOpener => {
    const client = forgelab.api.executions;
    const tracker = new WidgetTracker<MainAreaWidget<ExecutionView>>({
      namespace: 'forgelab-execution'
    });
    const open = (id: string) =>
      void app.commands.execute(ExecutionCommandIDs.open, { id });
    // A failed run is told in a notification, whether or not its view is still open.
    const failures = new FailureWatch(client, execution =>
      Notification.error(failureNotice(execution), {
        autoClose: false,
        actions: [
          {
            label: 'Open',
            caption: 'Open the execution',
            callback: () => open(execution.id)
          }
        ]
      })
    );

    app.commands.addCommand(ExecutionCommandIDs.open, {
      label: args => (args.id ? 'Open Execution' : 'Open'),
      caption: 'Open the live view of an execution (args: id)',
      execute: async args => {
        const id = String(
          args.id ??
            app.contextMenuHitTest(n => n.classList.contains(SIDEBAR_ITEM))
              ?.dataset.id ??
            ''
        );
        const existing = tracker.find(w => w.content.model.id === id);
        if (existing) {
          app.shell.activateById(existing.id);
          return existing;
        }
        let execution;
        try {
          execution = await client.get(id);
        } catch (error) {
          await showError(`Execution ${id} could not be opened`, error);
          return null;
        }
        const content = new ExecutionView(
          client,
          execution,
          editorServices?.factoryService.newInlineEditor
        );
        const widget = new MainAreaWidget({ content });
        widget.id = `forgelab-execution-${id}`;
        widget.title.label = executionTabTitle(execution);
        widget.title.caption = `Execution ${id}${execution.pipelinePath ? ` of ${execution.pipelinePath}` : ''}`;
        widget.title.icon = executionsIcon;
        widget.title.closable = true;
        addToolbar(widget, client, open, app);
        content.jobPanel.notebookRequested.connect(
          (_, job) =>
            void app.commands.execute(ExecutionCommandIDs.jobNotebook, {
              id,
              job: job.id
            })
        );
        failures.follow(content.model, widget.disposed);
        app.shell.add(widget, 'main');
        await tracker.add(widget);
        app.shell.activateById(widget.id);
        return widget;
      }
    });

    const sidebar = new ExecutionsSidebar(
      client,
      forgelab.api.artifacts,
      open,
      id => {
        if (app.commands.hasCommand('forgelab:show-artifact-provenance')) {
          void app.commands.execute('forgelab:show-artifact-provenance', {
            id
          });
        }
      }
    );
    sidebar.id = 'forgelab-executions-sidebar';
    addExecutionCommands(app, client, sidebar);
    addJobNotebookCommand(app, client, tracker);
    sidebar.title.icon = executionsIcon;
    sidebar.title.caption = 'ForgeLab executions';
    app.shell.add(sidebar, 'left', { rank: 650 });
    restorer?.add(sidebar, sidebar.id);
    app.commands.addCommand(ExecutionCommandIDs.showSidebar, {
      label: 'Show Executions',
      execute: () => app.shell.activateById(sidebar.id)
    });
    palette?.addItem({
      command: ExecutionCommandIDs.showSidebar,
      category: 'ForgeLab'
    });

    if (restorer) {
      void restorer.restore(tracker, {
        command: ExecutionCommandIDs.open,
        args: widget => ({ id: widget.content.model.id }),
        name: widget => widget.content.model.id
      });
    }
    return {
      open: async (id: string) => {
        await app.commands.execute(ExecutionCommandIDs.open, { id });
      }
    };
  }
};

/**
 * Open in Notebook for a job (args: `id` and `job`, else the job of the node under the execution
 * view's context menu): a notebook, beside the pipeline, of the job's code with its inputs loaded
 * from their artifacts.
 */
function addJobNotebookCommand(
  app: JupyterFrontEnd,
  client: ExecutionsClient,
  tracker: WidgetTracker<MainAreaWidget<ExecutionView>>
): void {
  const target = (args: Record<string, unknown>) => {
    if (typeof args.id === 'string' && typeof args.job === 'string') {
      const execution = tracker.find(w => w.content.model.id === args.id)
        ?.content.model.execution;
      return { id: args.id, job: args.job, execution };
    }
    const view = tracker.currentWidget?.content;
    const job = view?.model.jobForNode(nodeUnderMenu(app));
    return view && job
      ? { id: view.model.id, job: job.id, execution: view.model.execution }
      : null;
  };
  app.commands.addCommand(ExecutionCommandIDs.jobNotebook, {
    label: 'Open Job in Notebook',
    caption:
      "A notebook of the job's code, its inputs loaded from their artifacts (args: id, job)",
    execute: async args => {
      const found = target(args);
      if (!found) {
        return null;
      }
      let cells: string[];
      try {
        cells = (await client.jobNotebook(found.id, found.job)).cells;
      } catch (error) {
        await showError('The job cannot open in a notebook', error);
        return null;
      }
      const pipeline = found.execution?.pipelinePath;
      return openCellsInNotebook(
        app.commands,
        pipeline ? PathExt.dirname(pipeline) : '',
        cells
      );
    }
  });
  app.contextMenu.addItem({
    command: ExecutionCommandIDs.jobNotebook,
    selector: EXECUTION_NODE,
    rank: 10
  });
}

/** Cancel, re-run (all, from failed) and refresh buttons of an execution's view. */
function addToolbar(
  widget: MainAreaWidget<ExecutionView>,
  client: ExecutionsClient,
  open: (id: string) => void,
  app: JupyterFrontEnd
): void {
  const view = widget.content;
  const status = document.createElement('span');
  status.className = 'jp-ForgeLab-ExecutionView-state';
  const act = (label: string, run: () => Promise<unknown>) => () =>
    void run().catch(error => showError(`${label} failed`, error));
  const cancel = new ToolbarButton({
    icon: stopIcon,
    label: 'Cancel',
    tooltip: 'Stop the running jobs and cancel those waiting',
    onClick: act('Cancel', () => client.cancel(view.model.id))
  });
  const update = () => {
    status.textContent = `${view.model.status}`;
    status.dataset.status = view.model.status;
    cancel.enabled = !view.model.isFinal;
  };
  update();
  view.model.stateChanged.connect(update);
  widget.toolbar.addItem('cancel', cancel);
  widget.toolbar.addItem(
    'rerun',
    new ToolbarButton({
      icon: runIcon,
      label: 'Re-run',
      tooltip: 'Run every job again in a new execution',
      onClick: act('Re-run', async () =>
        open((await client.rerun(view.model.id, 'all')).id)
      )
    })
  );
  widget.toolbar.addItem(
    'rerun-failed',
    new ToolbarButton({
      label: 'Re-run failed',
      tooltip:
        'Run again what did not succeed; succeeded jobs keep their artifacts',
      onClick: act('Re-run failed', async () =>
        open((await client.rerun(view.model.id, 'failed')).id)
      )
    })
  );
  widget.toolbar.addItem(
    'refresh',
    new ToolbarButton({
      icon: refreshIcon,
      tooltip: 'Fetch the execution again',
      onClick: act('Refresh', () => view.refresh())
    })
  );
  widget.toolbar.addItem('fit', createFitButton(view.graph, 'pipeline'));
  widget.toolbar.addItem(
    'as-it-ran',
    new ToolbarButton({
      label: 'As it ran',
      tooltip: 'Open the pipeline as this execution ran it (read-only)',
      onClick: () =>
        void app.commands.execute(ExecutionCommandIDs.openAsRan, {
          id: view.model.id
        })
    })
  );
  widget.toolbar.addItem(
    'diff',
    new ToolbarButton({
      label: 'Compare with file',
      tooltip: 'What changed in the pipeline file since this execution ran it',
      onClick: () =>
        void app.commands.execute(ExecutionCommandIDs.diff, {
          id: view.model.id
        })
    })
  );
  widget.toolbar.addItem('status', new Widget({ node: status }));
}

/**
 * Commands on one execution (args: `id`, else the execution under the sidebar's context menu):
 * Re-run, Cancel, Delete, Open as it ran and Compare with file; the sidebar's context menu
 * offers Open, Re-run, Cancel and Delete.
 */
function addExecutionCommands(
  app: JupyterFrontEnd,
  client: ExecutionsClient,
  sidebar: ExecutionsSidebar
): void {
  const idOf = (args: { id?: unknown }): string =>
    String(
      args.id ??
        app.contextMenuHitTest(n => n.classList.contains(SIDEBAR_ITEM))?.dataset
          .id ??
        ''
    );
  const listed = (args: { id?: unknown }) => sidebar.execution(idOf(args));
  const final = (execution: Execution | undefined) =>
    !!execution && FINAL_EXECUTION_STATES.has(execution.status);
  const readExecution = async (id: string): Promise<Execution | null> => {
    try {
      return await client.get(id);
    } catch (error) {
      await showError(`Execution ${id} could not be read`, error);
      return null;
    }
  };
  app.commands.addCommand(ExecutionCommandIDs.rerun, {
    label: 'Re-run',
    caption: 'Run every job again in a new execution',
    isEnabled: args => !listed(args) || final(listed(args)),
    execute: args => sidebar.rerun(idOf(args), 'all')
  });
  app.commands.addCommand(ExecutionCommandIDs.cancel, {
    label: 'Cancel',
    caption: 'Stop the running jobs and cancel those waiting',
    isEnabled: args => !final(listed(args)),
    execute: args => sidebar.cancel(idOf(args))
  });
  app.commands.addCommand(ExecutionCommandIDs.remove, {
    label: 'Delete',
    caption: 'Delete the record of the execution (its artifacts stay)',
    isEnabled: args => !listed(args) || final(listed(args)),
    execute: args => sidebar.remove(idOf(args))
  });
  app.commands.addCommand(ExecutionCommandIDs.openAsRan, {
    label: 'Open Pipeline as It Ran',
    caption: 'The pipeline as the execution ran it, read-only',
    execute: async args => {
      const execution = await readExecution(idOf(args));
      if (!execution) {
        return;
      }
      const content = new PipelineAsRanView(execution);
      const widget = new MainAreaWidget({ content });
      widget.id = `forgelab-as-ran-${execution.id}`;
      widget.title.label = content.title.label;
      widget.title.caption = content.title.caption;
      widget.title.closable = true;
      app.shell.add(widget, 'main', { mode: 'split-right' });
      app.shell.activateById(widget.id);
      return widget;
    }
  });
  app.commands.addCommand(ExecutionCommandIDs.diff, {
    label: 'Compare Pipeline with File',
    caption: 'What changed in the pipeline file since the execution ran it',
    execute: async args => {
      const execution = await readExecution(idOf(args));
      if (!execution) {
        return;
      }
      const path = execution.pipelinePath;
      if (!path) {
        await showError(
          'Nothing to compare with',
          new Error(
            'This execution was not started from a pipeline file (it has no path).'
          )
        );
        return;
      }
      let current: Pipeline;
      try {
        const model = await app.serviceManager.contents.get(path, {
          content: true,
          format: 'text'
        });
        current = JSON.parse(model.content as string) as Pipeline;
      } catch (error) {
        await showError(`${path} could not be read`, error);
        return;
      }
      const content = new PipelineDiffPanel(
        execution,
        current,
        diffPipelines(execution.pipeline, current),
        path
      );
      const widget = new MainAreaWidget({ content });
      widget.id = `forgelab-diff-${execution.id}`;
      widget.title.label = content.title.label;
      widget.title.caption = content.title.caption;
      widget.title.closable = true;
      app.shell.add(widget, 'main', { mode: 'split-right' });
      app.shell.activateById(widget.id);
      return widget;
    }
  });
  const menu: [string, number][] = [
    [ExecutionCommandIDs.open, 1],
    [ExecutionCommandIDs.rerun, 2],
    [ExecutionCommandIDs.cancel, 3],
    [ExecutionCommandIDs.remove, 4]
  ];
  for (const [command, rank] of menu) {
    app.contextMenu.addItem({
      command,
      selector: `.${SIDEBAR_ITEM}`,
      rank
    });
  }
}
