/**
 * The pipeline editor plugin: opens `*.pipeline.json` files in the pipeline editor, and adds
 * "Pipeline" to the launcher's ForgeLab section and File › New, "Run Pipeline" and the editing
 * commands (with shortcuts in the settings), the node context menu (Open Source, Duplicate,
 * Delete, Run from Here) and Run / Export on a pipeline in the file browser.
 */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, WidgetTracker } from '@jupyterlab/apputils';
import { ICollaborativeContentProvider } from '@jupyter/collaborative-drive';
import { IEditorServices } from '@jupyterlab/codeeditor';
import { IDocumentManager } from '@jupyterlab/docmanager';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { ILauncher } from '@jupyterlab/launcher';
import { notebookIcon, ToolbarButton } from '@jupyterlab/ui-components';

import { reuseResults, reuseSummary } from '../executions/reuse';
import { dump } from '../formats';
import { pipelineIcon } from '../icons';
import {
  contentsFileExists,
  emptyPipeline,
  OperationCatalog,
  OperationSourceOpener,
  PipelineDocumentWidget,
  PipelineModelFactory,
  PIPELINE_CONTENT_TYPE,
  pipelineFrom,
  PipelineWidgetFactory,
  referencePicker,
  YPipeline
} from '../pipeline';
import { IExecutionOpener, IForgeLab } from '../tokens';
import { LISTING_FILE_TYPES } from './core';
import { showShortcuts } from '../views/shortcuts';
import {
  addGraphCommands,
  graphCommandIds,
  nodeUnderMenu
} from './graphcommands';

/** The name of the pipeline editor's widget factory. */
export const PIPELINE_FACTORY = 'ForgeLab Pipeline Editor';

/** Command ids of the pipeline editor. */
export namespace PipelineCommandIDs {
  export const create = 'forgelab:new-pipeline';
  export const run = 'forgelab:run-pipeline';
  export const fit = 'forgelab:fit-pipeline';
  export const arrange = 'forgelab:arrange-pipeline';
  export const revealNode = 'forgelab:reveal-pipeline-node';
  export const refreshOperations = 'forgelab:refresh-operations';
  export const runFromHere = 'forgelab:run-pipeline-from-node';
  export const openNodeSource = 'forgelab:open-node-source';
  export const runFile = 'forgelab:run-pipeline-file';
  export const exportFile = 'forgelab:export-pipeline-file';
}

/** The command that exports a pipeline (the export plugin adds it, args: `path`). */
export const EXPORT_PIPELINE_COMMAND = 'forgelab:export-pipeline';

/** The command that opens a pipeline in a new notebook (the export plugin adds it, args: `path`). */
export const OPEN_PIPELINE_NOTEBOOK_COMMAND =
  'forgelab:open-pipeline-in-notebook';

/** A pipeline file in the file browser's listing. */
const PIPELINE_LISTING_ITEM = `.jp-DirListing-item[data-file-type="${LISTING_FILE_TYPES.pipeline}"]`;

/** A node of a pipeline editor's canvas. */
const PIPELINE_NODE = '.jp-ForgeLab-PipelineEditor .jp-ForgeLab-GraphView-node';

/** Export and Open in Notebook in an editor's toolbar, acting on its file wherever it moves. */
function addExportButtons(
  app: JupyterFrontEnd,
  widget: PipelineDocumentWidget
): void {
  for (const [name, command, label, tooltip, icon] of [
    [
      'export',
      EXPORT_PIPELINE_COMMAND,
      'Export',
      'Export the pipeline as a zip or folder that runs with plain Python',
      undefined
    ],
    [
      'open-in-notebook',
      OPEN_PIPELINE_NOTEBOOK_COMMAND,
      'Open in Notebook',
      'Create a notebook beside the pipeline that runs it, one cell per node',
      notebookIcon
    ]
  ] as const) {
    widget.toolbar.addItem(
      name,
      new ToolbarButton({
        label: icon ? undefined : label,
        icon,
        tooltip,
        onClick: () => {
          if (app.commands.hasCommand(command)) {
            void app.commands.execute(command, { path: widget.context.path });
          }
        }
      })
    );
  }
}

export const pipelinePlugin: JupyterFrontEndPlugin<void> = {
  id: 'forgelab:pipeline-editor',
  description: 'The visual editor of ForgeLab pipelines (*.pipeline.json).',
  autoStart: true,
  requires: [IForgeLab],
  optional: [
    ILauncher,
    ICommandPalette,
    ILayoutRestorer,
    ICollaborativeContentProvider,
    IDocumentManager,
    IEditorServices,
    IExecutionOpener,
    IDefaultFileBrowser
  ],
  activate: (
    app: JupyterFrontEnd,
    forgelab: IForgeLab,
    launcher: ILauncher | null,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    collaboration: ICollaborativeContentProvider | null,
    docManager: IDocumentManager | null,
    editorServices: IEditorServices | null,
    executions: IExecutionOpener | null,
    browser: IDefaultFileBrowser | null
  ): void => {
    const catalog = new OperationCatalog(forgelab.api.operations);
    const provenance = forgelab.api.provenance;
    // With jupyter-collaboration, pipelines open through its content provider on a shared
    // YPipeline (the server's `forgelab.collaboration.YPipeline` holds the same layout).
    collaboration?.sharedModelFactory.registerDocumentFactory(
      PIPELINE_CONTENT_TYPE,
      () => new YPipeline()
    );
    const modelFactory = new PipelineModelFactory({
      collaborative: !!collaboration
    });
    app.docRegistry.addModelFactory(modelFactory);
    const factory = new PipelineWidgetFactory(
      {
        name: PIPELINE_FACTORY,
        label: 'Pipeline Editor',
        modelName: modelFactory.name,
        fileTypes: ['forgelab-pipeline'],
        defaultFor: ['forgelab-pipeline'],
        defaultRendered: ['forgelab-pipeline']
      },
      forgelab,
      catalog,
      docManager
        ? referencePicker({ docManager, artifacts: forgelab.api.artifacts })
        : undefined,
      notebook => provenance.records(notebook),
      contentsFileExists(app.serviceManager.contents)
    );
    const sources = new OperationSourceOpener({
      shell: app.shell,
      operations: forgelab.api.operations,
      docManager,
      editorServices
    });
    if (collaboration) {
      factory.contentProviderId = 'rtc';
    }
    app.docRegistry.addWidgetFactory(factory);

    const tracker = new WidgetTracker<PipelineDocumentWidget>({
      namespace: 'forgelab-pipeline'
    });
    factory.widgetCreated.connect((_, widget) => {
      widget.title.icon = pipelineIcon;
      widget.context.pathChanged.connect(() => void tracker.save(widget));
      widget.content.sourceRequested.connect((_, id) =>
        sources.open(widget, id)
      );
      // Run opens the live view of the new execution (when the executions plugin is there).
      widget.executionStarted.connect((_, id) => void executions?.open(id));
      const edits = graphCommandIds('pipeline');
      showShortcuts(widget.toolbar, app.commands, {
        run: PipelineCommandIDs.run,
        undo: edits.undo,
        redo: edits.redo,
        fit: PipelineCommandIDs.fit,
        arrange: PipelineCommandIDs.arrange
      });
      addExportButtons(app, widget);
      void tracker.add(widget);
    });
    if (restorer) {
      void restorer.restore(tracker, {
        command: 'docmanager:open',
        args: widget => ({
          path: widget.context.path,
          factory: PIPELINE_FACTORY
        }),
        name: widget => widget.context.path
      });
    }

    const current = () => tracker.currentWidget;
    const isEnabled = () =>
      !!current() && current() === app.shell.currentWidget;

    app.commands.addCommand(PipelineCommandIDs.create, {
      label: args => (args.isPalette ? 'New Pipeline' : 'Pipeline'),
      caption: 'Create a new ForgeLab pipeline',
      icon: args => (args.isPalette ? undefined : pipelineIcon),
      execute: async args => {
        // From File › New, beside what the file browser shows (as a new notebook).
        const cwd =
          typeof args.cwd === 'string' ? args.cwd : (browser?.model.path ?? '');
        const contents = app.serviceManager.contents;
        const model = await contents.newUntitled({
          path: cwd,
          type: 'file',
          ext: '.pipeline.json'
        });
        await contents.save(model.path, {
          type: 'file',
          format: 'text',
          content: dump(emptyPipeline())
        });
        return app.commands.execute('docmanager:open', {
          path: model.path,
          factory: PIPELINE_FACTORY
        });
      }
    });
    app.commands.addCommand(PipelineCommandIDs.run, {
      label: 'Run Pipeline…',
      caption:
        'Run the current pipeline: choose the compute and storage adapters',
      isEnabled,
      execute: () => current()?.run()
    });
    app.commands.addCommand(PipelineCommandIDs.fit, {
      label: 'Fit Pipeline to View',
      isEnabled,
      execute: () => current()?.content.canvas.fit()
    });
    app.commands.addCommand(PipelineCommandIDs.revealNode, {
      label: 'Show Pipeline Node',
      caption:
        'Centre the current pipeline on a node (args: node, its id) and select it',
      isEnabled,
      execute: args => {
        const node = typeof args.node === 'string' ? args.node : '';
        current()?.content.canvas.reveal(node);
      }
    });
    app.commands.addCommand(PipelineCommandIDs.arrange, {
      label: 'Arrange Pipeline',
      caption: 'Lay the current pipeline out again (undoable)',
      isEnabled,
      execute: () => current()?.content.canvas.arrange()
    });
    app.commands.addCommand(PipelineCommandIDs.refreshOperations, {
      label: 'Reload Pipeline Operations',
      caption: 'Ask the server again for the operations the palette offers',
      execute: () => catalog.refresh()
    });

    /** The node named in `args`, else the one under the context menu, else the selected one. */
    const nodeId = (args: Record<string, unknown>): string => {
      if (typeof args.node === 'string') {
        return args.node;
      }
      if (args.fromContextMenu) {
        return nodeUnderMenu(app);
      }
      const selected = [...(current()?.content.canvas.selection.nodes ?? [])];
      return selected.length === 1 ? selected[0] : '';
    };
    app.commands.addCommand(PipelineCommandIDs.openNodeSource, {
      label: 'Open Source',
      caption: "Show the node's operation code (args: node)",
      isEnabled,
      execute: args => {
        const widget = current();
        const node = nodeId(args);
        if (widget && node) {
          return sources.open(widget, node);
        }
      }
    });
    app.commands.addCommand(PipelineCommandIDs.runFromHere, {
      label: 'Run from Here…',
      caption:
        'Run this node and everything downstream of it, reusing the upstream results of an earlier run that are still valid (args: node)',
      isEnabled,
      execute: async args => {
        const widget = current();
        const node = nodeId(args);
        const sub =
          widget && pipelineFrom(widget.content.model.toPipeline(), node);
        if (!widget || !sub) {
          return null;
        }
        // Upstream results an earlier run of this file left, unchanged since, are reused.
        const earlier = await forgelab.api.executions
          .list({ pipeline: widget.context.path })
          .catch(() => []);
        const plan = reuseResults(sub, node, earlier);
        return widget.run(plan.pipeline, reuseSummary(plan));
      }
    });
    addGraphCommands(app, {
      kind: 'pipeline',
      noun: 'Pipeline',
      editorClass: 'jp-ForgeLab-PipelineEditor',
      canvas: () => (isEnabled() ? current()!.content.canvas : null),
      palette
    });
    app.contextMenu.addItem({
      command: PipelineCommandIDs.openNodeSource,
      selector: PIPELINE_NODE,
      args: { fromContextMenu: true },
      rank: 1
    });
    app.contextMenu.addItem({
      command: PipelineCommandIDs.runFromHere,
      selector: PIPELINE_NODE,
      args: { fromContextMenu: true },
      rank: 20
    });

    /** The pipeline file selected in the file browser (what its context menu acts on). */
    const selectedFile = (args: Record<string, unknown>): string => {
      if (typeof args.path === 'string') {
        return args.path;
      }
      const item = browser?.selectedItems().next();
      return item && !item.done ? item.value.path : '';
    };
    app.commands.addCommand(PipelineCommandIDs.runFile, {
      label: 'Run Pipeline…',
      caption: 'Open the pipeline and run it (args: path)',
      execute: async args => {
        const path = selectedFile(args);
        if (!path) {
          return null;
        }
        const widget = (await app.commands.execute('docmanager:open', {
          path,
          factory: PIPELINE_FACTORY
        })) as PipelineDocumentWidget;
        await widget.context.ready;
        return widget.run();
      }
    });
    app.commands.addCommand(PipelineCommandIDs.exportFile, {
      label: 'Export Pipeline…',
      caption: 'Export the pipeline as a folder that runs with plain Python',
      isVisible: () => app.commands.hasCommand(EXPORT_PIPELINE_COMMAND),
      execute: args =>
        app.commands.execute(EXPORT_PIPELINE_COMMAND, {
          path: selectedFile(args)
        })
    });
    for (const [rank, command] of [
      PipelineCommandIDs.runFile,
      PipelineCommandIDs.exportFile
    ].entries()) {
      app.contextMenu.addItem({
        command,
        selector: PIPELINE_LISTING_ITEM,
        rank: 1 + rank
      });
    }

    launcher?.add({
      command: PipelineCommandIDs.create,
      category: 'ForgeLab',
      rank: 1
    });
    for (const command of [
      PipelineCommandIDs.create,
      PipelineCommandIDs.run,
      PipelineCommandIDs.fit,
      PipelineCommandIDs.arrange,
      PipelineCommandIDs.refreshOperations
    ]) {
      palette?.addItem({
        command,
        category: 'ForgeLab',
        args: { isPalette: true }
      });
    }
  }
};
