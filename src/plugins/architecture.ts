/**
 * The architecture editor plugin: opens `*.arch.json` files in the architecture editor, and adds
 * "New Architecture" to the launcher and the command palette, with "Export as Python" and "Open
 * in a Notebook".
 */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  ICommandPalette,
  Notification,
  WidgetTracker
} from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import { ICollaborativeContentProvider } from '@jupyter/collaborative-drive';
import { ILauncher } from '@jupyterlab/launcher';
import { NotebookPanel } from '@jupyterlab/notebook';

import {
  ArchitectureDocumentWidget,
  ArchitectureModelFactory,
  ArchitectureToolbarCommands,
  ArchitectureWidgetFactory,
  ARCHITECTURE_CONTENT_TYPE,
  emptyArchitecture,
  YArchitecture
} from '../architecture';
import { dump } from '../formats';
import { architectureIcon } from '../icons';
import { IForgeLab } from '../tokens';

/** The name of the architecture editor's widget factory. */
export const ARCHITECTURE_FACTORY = 'ForgeLab Architecture Editor';

/** Command ids of the architecture editor. */
export namespace ArchitectureCommandIDs {
  export const create = 'forgelab:new-architecture';
  export const exportPython = ArchitectureToolbarCommands.exportPython;
  export const openInNotebook = ArchitectureToolbarCommands.openInNotebook;
  export const fit = 'forgelab:fit-architecture';
  export const arrange = 'forgelab:arrange-architecture';
  export const reloadLayers = 'forgelab:reload-layer-catalog';
}

/** `dir/net.arch.json` → `dir/net.py`. */
export function pythonPathFor(path: string): string {
  return path.replace(/(\.arch)?\.json$/, '') + '.py';
}

export const architecturePlugin: JupyterFrontEndPlugin<void> = {
  id: 'forgelab:architecture-editor',
  description:
    'The visual editor of neural-network architectures (*.arch.json), with shapes from Keras.',
  autoStart: true,
  requires: [IForgeLab],
  optional: [
    ILauncher,
    ICommandPalette,
    ILayoutRestorer,
    ICollaborativeContentProvider
  ],
  activate: (
    app: JupyterFrontEnd,
    forgelab: IForgeLab,
    launcher: ILauncher | null,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    collaboration: ICollaborativeContentProvider | null
  ): void => {
    // With jupyter-collaboration, architectures open through its content provider on a shared
    // YArchitecture (the server's `forgelab.collaboration.YArchitecture` holds the same layout);
    // without it, the editor reads and writes the file as text.
    collaboration?.sharedModelFactory.registerDocumentFactory(
      ARCHITECTURE_CONTENT_TYPE,
      () => new YArchitecture()
    );
    const modelFactory = new ArchitectureModelFactory({
      collaborative: !!collaboration
    });
    app.docRegistry.addModelFactory(modelFactory);
    const factory = new ArchitectureWidgetFactory(
      {
        name: ARCHITECTURE_FACTORY,
        label: 'Architecture Editor',
        modelName: modelFactory.name,
        fileTypes: ['forgelab-architecture'],
        defaultFor: ['forgelab-architecture'],
        defaultRendered: ['forgelab-architecture']
      },
      { forgelab, manager: app.serviceManager, commands: app.commands }
    );
    if (collaboration) {
      factory.contentProviderId = 'rtc';
    }
    app.docRegistry.addWidgetFactory(factory);

    const tracker = new WidgetTracker<ArchitectureDocumentWidget>({
      namespace: 'forgelab-architecture'
    });
    factory.widgetCreated.connect((_, widget) => {
      widget.title.icon = architectureIcon;
      widget.context.pathChanged.connect(() => void tracker.save(widget));
      void tracker.add(widget);
    });
    if (restorer) {
      void restorer.restore(tracker, {
        command: 'docmanager:open',
        args: widget => ({
          path: widget.context.path,
          factory: ARCHITECTURE_FACTORY
        }),
        name: widget => widget.context.path
      });
    }

    const current = () => tracker.currentWidget;
    const isEnabled = () => !!current();
    const contents = app.serviceManager.contents;

    const codeOf = async (widget: ArchitectureDocumentWidget) => {
      try {
        return await widget.generateCode();
      } catch (error) {
        Notification.error(
          `No Keras code for ${widget.context.path}: ${(error as Error).message}`,
          { autoClose: 8000 }
        );
        return null;
      }
    };

    app.commands.addCommand(ArchitectureCommandIDs.create, {
      label: args => (args.isLauncher ? 'Architecture' : 'New Architecture'),
      caption: 'Create a new neural-network architecture (Keras)',
      icon: args => (args.isPalette ? undefined : architectureIcon),
      execute: async args => {
        const cwd = typeof args.cwd === 'string' ? args.cwd : '';
        const model = await contents.newUntitled({
          path: cwd,
          type: 'file',
          ext: '.arch.json'
        });
        await contents.save(model.path, {
          type: 'file',
          format: 'text',
          content: dump(emptyArchitecture())
        });
        return app.commands.execute('docmanager:open', {
          path: model.path,
          factory: ARCHITECTURE_FACTORY
        });
      }
    });
    app.commands.addCommand(ArchitectureCommandIDs.exportPython, {
      label: 'Export Architecture as Python',
      caption:
        'Save the Keras code of the current architecture beside it (<name>.py) and open it',
      isEnabled,
      execute: async () => {
        const widget = current();
        const code = widget && (await codeOf(widget));
        if (!widget || code === null || code === undefined) {
          return;
        }
        let path = pythonPathFor(widget.context.path);
        const exists = await contents.get(path, { content: false }).then(
          () => true,
          () => false
        );
        if (exists) {
          path = (
            await contents.newUntitled({
              path: PathExt.dirname(path),
              type: 'file',
              ext: '.py'
            })
          ).path;
        }
        await contents.save(path, {
          type: 'file',
          format: 'text',
          content: code
        });
        return app.commands.execute('docmanager:open', { path });
      }
    });
    app.commands.addCommand(ArchitectureCommandIDs.openInNotebook, {
      label: 'Open Architecture in a Notebook',
      caption:
        'Create a notebook whose first cell builds the current architecture in Keras',
      isEnabled,
      execute: async () => {
        const widget = current();
        const code = widget && (await codeOf(widget));
        if (!widget || code === null || code === undefined) {
          return;
        }
        const path = widget.context.path;
        const panel = (await app.commands.execute('notebook:create-new', {
          cwd: PathExt.dirname(path),
          kernelName: 'python3'
        })) as NotebookPanel;
        await panel.context.ready;
        const notebook = panel.content.model!.sharedModel;
        notebook.transact(() => {
          notebook.deleteCellRange(0, notebook.cells.length);
          notebook.insertCells(0, [
            { cell_type: 'code', source: code.trimEnd() },
            {
              cell_type: 'code',
              source: 'model = build_model()\nmodel.summary()'
            }
          ]);
        });
        return panel;
      }
    });
    app.commands.addCommand(ArchitectureCommandIDs.fit, {
      label: 'Fit Architecture to View',
      isEnabled,
      execute: () => current()?.content.canvas.fit()
    });
    app.commands.addCommand(ArchitectureCommandIDs.arrange, {
      label: 'Arrange Architecture',
      caption: 'Lay the current architecture out again (undoable)',
      isEnabled,
      execute: () => current()?.content.canvas.arrange()
    });
    app.commands.addCommand(ArchitectureCommandIDs.reloadLayers, {
      label: 'Reload Keras Layer Catalog',
      caption: 'Ask the kernel to introspect Keras again for the layer palette',
      isEnabled,
      execute: () => current()?.content.loadCatalog(true)
    });

    launcher?.add({
      command: ArchitectureCommandIDs.create,
      category: 'Other',
      rank: 2
    });
    for (const command of Object.values(ArchitectureCommandIDs)) {
      palette?.addItem({
        command,
        category: 'ForgeLab',
        args: { isPalette: true }
      });
    }
  }
};
