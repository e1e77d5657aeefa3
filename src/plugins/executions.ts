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
import {
  refreshIcon,
  runIcon,
  stopIcon,
  ToolbarButton
} from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';

import {
  ExecutionsSidebar,
  ExecutionView,
  failureNotice,
  showError
} from '../executions';
import { createFitButton } from '../graphview/toolbar';
import { executionsIcon } from '../icons';
import { ExecutionsClient } from '../services';
import { IExecutionOpener, IForgeLab } from '../tokens';

/** Command ids of the executions plugin. */
export namespace ExecutionCommandIDs {
  export const open = 'forgelab:open-execution';
  export const showSidebar = 'forgelab:show-executions';
}

export const executionsPlugin: JupyterFrontEndPlugin<IExecutionOpener> = {
  id: 'forgelab:executions',
  description: 'The live execution view and the executions sidebar.',
  autoStart: true,
  requires: [IForgeLab],
  optional: [ICommandPalette, ILayoutRestorer],
  provides: IExecutionOpener,
  activate: (
    app: JupyterFrontEnd,
    forgelab: IForgeLab,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null
  ): IExecutionOpener => {
    const client = forgelab.api.executions;
    const tracker = new WidgetTracker<MainAreaWidget<ExecutionView>>({
      namespace: 'forgelab-execution'
    });
    const open = (id: string) =>
      void app.commands.execute(ExecutionCommandIDs.open, { id });

    app.commands.addCommand(ExecutionCommandIDs.open, {
      label: 'Open Execution',
      caption: 'Open the live view of an execution (args: id)',
      execute: async args => {
        const id = String(args.id ?? '');
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
        const content = new ExecutionView(client, execution);
        const widget = new MainAreaWidget({ content });
        widget.id = `forgelab-execution-${id}`;
        widget.title.label = `Execution ${id}`;
        widget.title.icon = executionsIcon;
        widget.title.closable = true;
        addToolbar(widget, client, open);
        notifyFailure(content, () => open(id));
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
 * When an execution the view follows fails, say so in a notification that names the failed job
 * and its error, with an action that opens (or brings back) the view.
 */
function notifyFailure(view: ExecutionView, open: () => void): void {
  if (view.model.isFinal) {
    return; // the user opened an execution that had already ended: nothing new to tell
  }
  const onState = () => {
    if (!view.model.isFinal) {
      return;
    }
    view.model.stateChanged.disconnect(onState);
    if (view.model.status === 'failed') {
      Notification.error(failureNotice(view.model.execution), {
        autoClose: false,
        actions: [
          { label: 'Open', caption: 'Open the execution', callback: open }
        ]
      });
    }
  };
  view.model.stateChanged.connect(onState);
}

/** Cancel, re-run (all, from failed) and refresh buttons of an execution's view. */
function addToolbar(
  widget: MainAreaWidget<ExecutionView>,
  client: ExecutionsClient,
  open: (id: string) => void
): void {
  const view = widget.content;
  const status = document.createElement('span');
  status.className = 'jp-ForgeLab-ExecutionView-state';
  const update = () => {
    status.textContent = `${view.model.status}`;
    status.dataset.status = view.model.status;
  };
  update();
  view.model.stateChanged.connect(update);
  const act = (label: string, run: () => Promise<unknown>) => () =>
    void run().catch(error => showError(`${label} failed`, error));
  widget.toolbar.addItem(
    'cancel',
    new ToolbarButton({
      icon: stopIcon,
      label: 'Cancel',
      tooltip: 'Stop the running jobs and cancel those waiting',
      onClick: act('Cancel', () => client.cancel(view.model.id))
    })
  );
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
  widget.toolbar.addItem('status', new Widget({ node: status }));
}
