/**
 * The pipeline editor plugin: opens `*.pipeline.json` files in the pipeline editor, and adds
 * "New Pipeline" to the launcher and the command palette, and "Run Pipeline".
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
import { ILauncher } from '@jupyterlab/launcher';

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
  PipelineWidgetFactory,
  referencePicker,
  YPipeline
} from '../pipeline';
import { IExecutionOpener, IForgeLab } from '../tokens';

/** The name of the pipeline editor's widget factory. */
export const PIPELINE_FACTORY = 'ForgeLab Pipeline Editor';

/** Command ids of the pipeline editor. */
export namespace PipelineCommandIDs {
  export const create = 'forgelab:new-pipeline';
  export const run = 'forgelab:run-pipeline';
  export const fit = 'forgelab:fit-pipeline';
  export const arrange = 'forgelab:arrange-pipeline';
  export const refreshOperations = 'forgelab:refresh-operations';
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
    IExecutionOpener
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
    executions: IExecutionOpener | null
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
      label: args => (args.isLauncher ? 'Pipeline' : 'New Pipeline'),
      caption: 'Create a new ForgeLab pipeline',
      icon: args => (args.isPalette ? undefined : pipelineIcon),
      execute: async args => {
        const cwd = typeof args.cwd === 'string' ? args.cwd : '';
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

    launcher?.add({
      command: PipelineCommandIDs.create,
      category: 'Other',
      rank: 1
    });
    for (const command of Object.values(PipelineCommandIDs)) {
      palette?.addItem({
        command,
        category: 'ForgeLab',
        args: { isPalette: true }
      });
    }
  }
};
