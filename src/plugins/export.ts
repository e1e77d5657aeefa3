/**
 * The export plugin: Export a pipeline (a zip or folder that runs with plain Python) and Open
 * Pipeline in Notebook, from the pipeline editor's toolbar, the command palette and the file
 * browser's context menu on a `*.pipeline.json`. Both act on the saved file: unsaved changes
 * are saved first, so what is exported is what the editor shows.
 */
import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  Dialog,
  ICommandPalette,
  Notification,
  showDialog
} from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import { IDocumentManager } from '@jupyterlab/docmanager';
import { DocumentRegistry } from '@jupyterlab/docregistry';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { Contents } from '@jupyterlab/services';

import { showError } from '../executions';
import {
  defaultExportPath,
  ExportDialogBody,
  exportDestination,
  IExportChoice,
  PipelineDocumentWidget
} from '../pipeline';
import { IPipelineExport } from '../services';
import { IForgeLab } from '../tokens';
import { openCellsInNotebook } from '../views/notebookcells';
import { LISTING_FILE_TYPES } from './core';
import {
  EXPORT_PIPELINE_COMMAND,
  OPEN_PIPELINE_NOTEBOOK_COMMAND
} from './pipeline';

/** How long a shared document may take to save itself before Export saves it. */
const AUTOSAVE_WAIT_MS = 5000;

/**
 * Make the file hold what `context` shows. A shared (collaborative) document saves itself on
 * the server shortly after each change, and saving it from here as well races that save into
 * JupyterLab's "File Changed" question (jupyterlab/jupyter-collaboration#312): wait for it
 * first, and save only a document that stays unsaved.
 */
async function saveFirst(context: DocumentRegistry.Context): Promise<void> {
  const model = context.model;
  if (model.dirty && model.collaborative) {
    await new Promise<void>(resolve => {
      const done = () => {
        model.stateChanged.disconnect(onChange);
        clearTimeout(timer);
        resolve();
      };
      const onChange = () => {
        if (!model.dirty) {
          done();
        }
      };
      const timer = setTimeout(done, AUTOSAVE_WAIT_MS);
      model.stateChanged.connect(onChange);
    });
  }
  if (model.dirty) {
    await context.save();
  }
}

/** A pipeline file in the file browser's listing. */
const PIPELINE_LISTING_ITEM = `.jp-DirListing-item[data-file-type="${LISTING_FILE_TYPES.pipeline}"]`;

export const exportPlugin: JupyterFrontEndPlugin<void> = {
  id: 'forgelab:export',
  description:
    'Export a pipeline as a standalone zip or folder, and open a pipeline in a notebook.',
  autoStart: true,
  requires: [IForgeLab],
  optional: [ICommandPalette, IDocumentManager, IDefaultFileBrowser],
  activate: (
    app: JupyterFrontEnd,
    forgelab: IForgeLab,
    palette: ICommandPalette | null,
    docManager: IDocumentManager | null,
    browser: IDefaultFileBrowser | null
  ): void => {
    const api = forgelab.api.pipelines;

    /**
     * `args.path`, else the pipeline in the main area, else the one selected in the file
     * browser (first, with `args.fromBrowser`: its context menu).
     */
    const pipelinePath = (args: Record<string, unknown>): string => {
      if (typeof args.path === 'string' && args.path) {
        return args.path;
      }
      const item = browser?.selectedItems().next();
      const selected =
        item && !item.done && item.value.path.endsWith('.pipeline.json')
          ? item.value.path
          : '';
      const shown = app.shell.currentWidget;
      if (!args.fromBrowser && shown instanceof PipelineDocumentWidget) {
        return shown.context.path;
      }
      return selected;
    };
    /** The open editor of `path` when it has unsaved changes. */
    const unsaved = (path: string) => {
      const widget = docManager?.findWidget(path);
      return widget?.context.model.dirty ? widget : null;
    };
    const namesBeside = async (path: string): Promise<string[]> => {
      try {
        const listing = await app.serviceManager.contents.get(
          PathExt.dirname(path),
          { content: true }
        );
        return (listing.content as Contents.IModel[]).map(item => item.name);
      } catch {
        return [];
      }
    };

    const exportPipeline = async (
      path: string
    ): Promise<IPipelineExport | null> => {
      const editor = unsaved(path);
      const taken = await namesBeside(path);
      const body = new ExportDialogBody(
        {
          zip: defaultExportPath(path, 'zip', taken),
          folder: defaultExportPath(path, 'folder', taken)
        },
        editor
          ? 'The pipeline has unsaved changes: they are saved first, so the export is the pipeline you see.'
          : ''
      );
      const result = await showDialog<IExportChoice>({
        title: `Export ${PathExt.basename(path)}`,
        body,
        buttons: [Dialog.cancelButton(), Dialog.okButton({ label: 'Export' })],
        focusNodeSelector: '.jp-ForgeLab-ExportDialog-destination'
      });
      if (!result.button.accept || !result.value) {
        return null;
      }
      // Saved now, with whatever was edited while the dialog was open.
      const open = docManager?.findWidget(path);
      if (open) {
        await saveFirst(open.context);
      }
      const { format } = result.value;
      const destination = exportDestination(result.value.destination, format);
      const notice = Notification.emit(
        `Exporting ${PathExt.basename(path)}…`,
        'in-progress',
        { autoClose: false }
      );
      try {
        const done = await api.export(path, { format, destination });
        void browser?.model.refresh();
        Notification.update({
          id: notice,
          message: `Exported to ${done.path}`,
          type: 'success',
          autoClose: 8000,
          actions: [
            {
              label: 'Show in File Browser',
              caption: `Select ${done.path} in the file browser`,
              callback: () =>
                void app.commands.execute('filebrowser:go-to-path', {
                  path: done.path
                })
            }
          ]
        });
        return done;
      } catch (error) {
        Notification.update({
          id: notice,
          message: `${PathExt.basename(path)} was not exported: ${(error as Error)?.message ?? error}`,
          type: 'error',
          autoClose: false
        });
        return null;
      }
    };

    app.commands.addCommand(EXPORT_PIPELINE_COMMAND, {
      label: 'Export Pipeline…',
      caption:
        'Export the pipeline as a zip or folder that runs with plain Python (args: path)',
      isEnabled: args => !!pipelinePath(args),
      execute: args => {
        const path = pipelinePath(args);
        return path ? exportPipeline(path) : null;
      }
    });
    app.commands.addCommand(OPEN_PIPELINE_NOTEBOOK_COMMAND, {
      label: 'Open Pipeline in Notebook',
      caption:
        'Create a notebook beside the pipeline that runs it, one cell per node (args: path)',
      isEnabled: args => !!pipelinePath(args),
      execute: async args => {
        const path = pipelinePath(args);
        if (!path) {
          return null;
        }
        const editor = unsaved(path);
        if (editor) {
          await saveFirst(editor.context);
        }
        let cells: string[];
        try {
          cells = (await api.notebook(path)).cells;
        } catch (error) {
          await showError(
            `${PathExt.basename(path)} cannot open in a notebook`,
            error
          );
          return null;
        }
        return openCellsInNotebook(app.commands, PathExt.dirname(path), cells);
      }
    });
    app.contextMenu.addItem({
      command: OPEN_PIPELINE_NOTEBOOK_COMMAND,
      selector: PIPELINE_LISTING_ITEM,
      args: { fromBrowser: true },
      rank: 3
    });
    for (const command of [
      EXPORT_PIPELINE_COMMAND,
      OPEN_PIPELINE_NOTEBOOK_COMMAND
    ]) {
      palette?.addItem({ command, category: 'ForgeLab' });
    }
  }
};
