/**
 * The provenance plugin: the provenance panel in the right sidebar (following the active
 * notebook), the reify commands (palette, context menu on a variable, artifacts), and the
 * forwarding of widget edits to each notebook kernel's recorder.
 */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  Dialog,
  ICommandPalette,
  InputDialog,
  Notification,
  showDialog
} from '@jupyterlab/apputils';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';

import { provenanceIcon } from '../icons';
import {
  IReifyOptions,
  liftNote,
  localPath,
  NotebookPathSync,
  ProvenancePanel,
  reifiedFrom,
  ReifyOptionsBody,
  sameNotebook,
  VerifyControl,
  verifyPipeline,
  WidgetEditForwarder
} from '../provenance';
import { PipelineDocumentWidget } from '../pipeline/widget';
import { IReified } from '../services';
import { IForgeLab } from '../tokens';
import {
  rememberContextMenuTargets,
  underContextMenu
} from '../views/contextmenu';
import { PIPELINE_FACTORY } from './pipeline';

/** Command ids of the provenance plugin. */
export namespace ProvenanceCommandIDs {
  export const show = 'forgelab:show-provenance';
  export const showArtifact = 'forgelab:show-artifact-provenance';
  export const reifyVariable = 'forgelab:reify-variable';
  export const reifyArtifact = 'forgelab:reify-artifact';
  export const showOutput = 'forgelab:show-output-provenance';
  export const reifyOutput = 'forgelab:reify-output';
}

const VARIABLE_SELECTOR = '.jp-ForgeLab-ProvenancePanel-variable';
const OUTPUT_SELECTOR = '.jp-Notebook .jp-Cell .jp-OutputArea-child';

export const provenancePlugin: JupyterFrontEndPlugin<void> = {
  id: 'forgelab:provenance',
  description:
    'The provenance panel, reify commands and widget-edit recording.',
  autoStart: true,
  requires: [IForgeLab, INotebookTracker],
  optional: [ICommandPalette, ILayoutRestorer],
  activate: (
    app: JupyterFrontEnd,
    forgelab: IForgeLab,
    tracker: INotebookTracker,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null
  ): void => {
    const client = forgelab.api.provenance;
    const panel = new ProvenancePanel(forgelab.api, notebook =>
      forgelab.bridgeFor(notebook.sessionContext)
    );
    panel.id = 'forgelab-provenance';
    panel.title.icon = provenanceIcon;
    panel.title.caption = 'ForgeLab provenance';
    app.shell.add(panel, 'right', { rank: 650 });
    restorer?.add(panel, panel.id);
    panel.setNotebook(tracker.currentWidget);
    tracker.currentChanged.connect((_, current) => panel.setNotebook(current));
    app.shell.currentChanged?.connect((_, change) => {
      if (change.newValue && tracker.has(change.newValue)) {
        panel.notebookFocused();
      }
    });

    tracker.forEach(notebook => watch(notebook));
    tracker.widgetAdded.connect((_, notebook) => watch(notebook));
    function watch(notebook: NotebookPanel) {
      const bridge = forgelab.bridgeFor(notebook.sessionContext);
      const forwarder = new WidgetEditForwarder(bridge);
      const paths = new NotebookPathSync(bridge, notebook.context);
      notebook.disposed.connect(() => {
        forwarder.dispose();
        paths.dispose();
      });
    }

    /** The kernel bridge of the open notebook whose kernel recorded `notebook`, if any. */
    const bridgeOf = (notebook: string) => {
      const panel = tracker.find(candidate =>
        sameNotebook(notebook, localPath(candidate.context.path))
      );
      return panel ? forgelab.bridgeFor(panel.sessionContext) : null;
    };
    // Verify on the toolbar of every pipeline editor (shown on reified pipelines only).
    app.docRegistry.addWidgetExtension(PIPELINE_FACTORY, {
      createNew: (widget: PipelineDocumentWidget) => {
        const model = widget.content.model;
        const control = new VerifyControl(model, () => {
          const pipeline = model.toPipeline();
          const notebook = reifiedFrom(pipeline)?.notebook ?? '';
          return verifyPipeline({
            pipeline,
            path: widget.context.path,
            executions: forgelab.api.executions,
            bridge: bridgeOf(notebook),
            records: () => client.records(notebook)
          });
        });
        widget.toolbar.insertAfter('run', 'verify', control);
        return control;
      }
    });

    const openPipeline = async (reified: IReified, options?: IReifyOptions) => {
      await app.commands.execute('docmanager:open', {
        path: reified.path,
        factory: PIPELINE_FACTORY
      });
      const note = options?.lift ? liftNote(reified.pipeline) : null;
      if (note) {
        Notification.info(note, { autoClose: 10000 });
      }
    };

    app.commands.addCommand(ProvenanceCommandIDs.show, {
      label: 'Show Provenance',
      caption: 'Show the provenance panel of the active notebook',
      execute: () => app.shell.activateById(panel.id)
    });

    app.commands.addCommand(ProvenanceCommandIDs.showArtifact, {
      label: 'Show Artifact Provenance',
      caption: 'Show the provenance graph of an artifact (args: id)',
      execute: async args => {
        app.shell.activateById(panel.id);
        await panel.showArtifact(String(args.id ?? ''));
      }
    });

    app.commands.addCommand(ProvenanceCommandIDs.reifyVariable, {
      label: args => {
        const target =
          String(args.target ?? '') ||
          (args.fromContextMenu ? variableUnderMenu(app) : '');
        return target ? `Reify ${target}…` : 'Reify Variable…';
      },
      caption:
        'Turn the history of a notebook variable into a pipeline (args: target)',
      isEnabled: () => panel.notebook !== null,
      execute: async args => {
        const notebook = panel.notebook;
        const bridge = panel.bridge;
        if (!notebook || !bridge) {
          await explain('Cannot reify', 'Open a notebook first.');
          return null;
        }
        let target =
          String(args.target ?? '') ||
          (args.fromContextMenu ? variableUnderMenu(app) : '');
        if (!target) {
          await panel.refresh();
          const names = panel.variables.map(v => v.name);
          if (!names.length) {
            await explain(
              'Cannot reify',
              'This notebook has no recorded variables yet: run a cell first.'
            );
            return null;
          }
          const picked = await InputDialog.getItem({
            title: 'Reify which variable?',
            items: names
          });
          if (!picked.button.accept || !picked.value) {
            return null;
          }
          target = picked.value;
        }
        const options = await askReifyOptions(`Reify ${target}`);
        if (options === null) {
          return null;
        }
        try {
          const flushed = (await bridge.request('provenance.flush')) as {
            session: string;
          };
          const reified = await client.reify({
            notebook: localPath(notebook.context.path),
            target,
            session: flushed.session,
            ...options
          });
          await openPipeline(reified, options);
          return reified.path;
        } catch (error) {
          await explain(
            `${target} cannot be reified`,
            (error as Error).message
          );
          return null;
        }
      }
    });

    app.commands.addCommand(ProvenanceCommandIDs.reifyArtifact, {
      label: 'Reify Artifact…',
      caption:
        'Turn the part of an execution that made an artifact into a pipeline (args: id)',
      execute: async args => {
        const id = String(args.id ?? '');
        if (!id) {
          await explain('Cannot reify', 'No artifact was named.');
          return null;
        }
        try {
          const reified = await forgelab.api.artifacts.reify(id);
          await openPipeline(reified);
          return reified.path;
        } catch (error) {
          await explain(
            `Artifact ${id} cannot be reified`,
            (error as Error).message
          );
          return null;
        }
      }
    });

    /** The notebook and cell id the command is about: the output under the menu, or the active cell. */
    const cellOf = (
      args: Record<string, unknown>
    ): { notebook: NotebookPanel; cell: string } | null => {
      if (typeof args.cell === 'string' && tracker.currentWidget) {
        return { notebook: tracker.currentWidget, cell: args.cell };
      }
      const node = args.fromContextMenu
        ? app.contextMenuHitTest(n => n.classList.contains('jp-Cell'))
        : undefined;
      const notebook = node
        ? tracker.find(candidate => candidate.node.contains(node))
        : tracker.currentWidget;
      const cell = node
        ? notebook?.content.widgets.find(widget => widget.node === node)
        : notebook?.content.activeCell;
      if (!notebook || !cell || cell.model.type !== 'code') {
        return null;
      }
      return { notebook, cell: cell.model.id };
    };

    app.commands.addCommand(ProvenanceCommandIDs.showOutput, {
      label: 'Show Provenance of This Output',
      caption:
        "Show the provenance graph of a code cell's output (args: cell, default the active cell)",
      isEnabled: () => tracker.currentWidget !== null,
      execute: async args => {
        const target = cellOf(args);
        if (!target) {
          await explain('No output chosen', 'Select a code cell first.');
          return;
        }
        panel.setNotebook(target.notebook);
        app.shell.activateById(panel.id);
        await panel.showCellOutput(target.cell);
      }
    });

    app.commands.addCommand(ProvenanceCommandIDs.reifyOutput, {
      label: 'Reify This Output…',
      caption:
        "Turn the history of a code cell's output (last expression or figure) into a pipeline (args: cell or record)",
      isEnabled: () => tracker.currentWidget !== null,
      execute: async args => {
        // A record comes from the panel's graph, which shows the notebook the panel follows.
        const record = typeof args.record === 'string' ? args.record : '';
        const chosen = record ? null : cellOf(args);
        const notebook = record ? panel.notebook : chosen?.notebook;
        if (!notebook) {
          await explain('Cannot reify', 'Select a code cell first.');
          return null;
        }
        const options = await askReifyOptions('Reify this output');
        if (options === null) {
          return null;
        }
        const bridge = forgelab.bridgeFor(notebook.sessionContext);
        try {
          const flushed = (await bridge.request('provenance.flush')) as {
            session: string;
          };
          const reified = await client.reifyCell({
            notebook: localPath(notebook.context.path),
            ...(record ? { record } : { cell: chosen?.cell }),
            session: flushed.session,
            ...options
          });
          await openPipeline(reified, options);
          return reified.path;
        } catch (error) {
          await explain(
            'This output cannot be reified',
            (error as Error).message
          );
          return null;
        }
      }
    });

    panel.reifyRequested.connect((_, request) => {
      if (request.record) {
        void app.commands.execute(ProvenanceCommandIDs.reifyOutput, {
          record: request.record
        });
      } else if (request.artifact) {
        void app.commands.execute(ProvenanceCommandIDs.reifyArtifact, {
          id: request.artifact
        });
      } else if (request.target) {
        void app.commands.execute(ProvenanceCommandIDs.reifyVariable, {
          target: request.target
        });
      }
    });

    rememberContextMenuTargets(VARIABLE_SELECTOR);
    app.contextMenu.addItem({
      command: ProvenanceCommandIDs.reifyVariable,
      selector: VARIABLE_SELECTOR,
      args: { fromContextMenu: true },
      rank: 1
    });
    for (const [rank, command] of [
      ProvenanceCommandIDs.showOutput,
      ProvenanceCommandIDs.reifyOutput
    ].entries()) {
      app.contextMenu.addItem({
        command,
        selector: OUTPUT_SELECTOR,
        args: { fromContextMenu: true },
        rank: 20 + rank
      });
    }
    for (const command of [
      ProvenanceCommandIDs.show,
      ProvenanceCommandIDs.reifyVariable,
      ProvenanceCommandIDs.showOutput,
      ProvenanceCommandIDs.reifyOutput
    ]) {
      palette?.addItem({ command, category: 'ForgeLab' });
    }
  }
};

/** The variable whose row the context menu was opened on, if any. */
function variableUnderMenu(app: JupyterFrontEnd): string {
  return underContextMenu(app, VARIABLE_SELECTOR)?.name ?? '';
}

/** Ask how to reify (lift constants, allow the network); `null` when the user cancels. */
async function askReifyOptions(title: string): Promise<IReifyOptions | null> {
  const answer = await showDialog({
    title,
    body: new ReifyOptionsBody(),
    buttons: [Dialog.cancelButton(), Dialog.okButton({ label: 'Reify' })]
  });
  return answer.button.accept ? answer.value : null;
}

/** Tell the user, in plain words, why something did not work. */
async function explain(title: string, message: string): Promise<void> {
  await showDialog({ title, body: message, buttons: [Dialog.okButton()] });
}
