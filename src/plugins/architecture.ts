/**
 * The architecture editor plugin: opens `*.arch.json` files in the architecture editor, and adds
 * "Architecture" (Keras) and "PyTorch Architecture" to the launcher's ForgeLab section, File › New
 * and the command palette, the editing commands (shortcuts in the settings) and the node context
 * menu (Duplicate, Delete), with "Export as Python", "Open in a Notebook", and "Open as Architecture" for a
 * notebook variable that holds a Keras or PyTorch model.
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
  showDialog,
  WidgetTracker
} from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import { ICollaborativeContentProvider } from '@jupyter/collaborative-drive';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { ILauncher } from '@jupyterlab/launcher';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';

import {
  ArchitectureDocumentWidget,
  ArchitectureModelFactory,
  ArchitectureToolbarCommands,
  ArchitectureWidgetFactory,
  ARCHITECTURE_CONTENT_TYPE,
  architecturePathFor,
  emptyArchitecture,
  frameworkTitle,
  inputsWithoutShape,
  parseShape,
  withInputShape,
  YArchitecture
} from '../architecture';
import { Architecture } from '../formats/types';
import { dump } from '../formats';
import { architectureIcon } from '../icons';
import { IForgeLab } from '../tokens';
import {
  rememberContextMenuTargets,
  underContextMenu
} from '../views/contextmenu';
import { showShortcuts } from '../views/shortcuts';
import { addGraphCommands, graphCommandIds } from './graphcommands';

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
  export const openVariable = 'forgelab:open-variable-as-architecture';
}

/** The frameworks the launcher and the palette create architectures for. */
const FRAMEWORKS = ['keras', 'torch'];

/** The provenance panel's variable rows (their `data-name` is the variable). */
const VARIABLE_SELECTOR = '.jp-ForgeLab-ProvenancePanel-variable';

/** `dir/net.arch.json` → `dir/net.py`. */
export function pythonPathFor(path: string): string {
  return path.replace(/(\.arch)?\.json$/, '') + '.py';
}

export const architecturePlugin: JupyterFrontEndPlugin<void> = {
  id: 'forgelab:architecture-editor',
  description:
    'The visual editor of neural-network architectures (*.arch.json), with shapes from Keras or PyTorch.',
  autoStart: true,
  requires: [IForgeLab],
  optional: [
    ILauncher,
    ICommandPalette,
    ILayoutRestorer,
    ICollaborativeContentProvider,
    INotebookTracker,
    IDefaultFileBrowser
  ],
  activate: (
    app: JupyterFrontEnd,
    forgelab: IForgeLab,
    launcher: ILauncher | null,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    collaboration: ICollaborativeContentProvider | null,
    notebooks: INotebookTracker | null,
    browser: IDefaultFileBrowser | null
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
      const edits = graphCommandIds('architecture');
      showShortcuts(widget.toolbar, app.commands, {
        undo: edits.undo,
        redo: edits.redo,
        fit: ArchitectureCommandIDs.fit,
        arrange: ArchitectureCommandIDs.arrange
      });
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
          `No code for ${widget.context.path}: ${(error as Error).message}`,
          { autoClose: 8000 }
        );
        return null;
      }
    };

    /** Save `document` as a new file at `path` (or an untitled one beside it) and open it. */
    const createAndOpen = async (document: Architecture, path?: string) => {
      let target = path;
      const exists =
        target !== undefined &&
        (await contents.get(target, { content: false }).then(
          () => true,
          () => false
        ));
      if (target === undefined || exists) {
        target = (
          await contents.newUntitled({
            path: target ? PathExt.dirname(target) : '',
            type: 'file',
            ext: '.arch.json'
          })
        ).path;
      }
      await contents.save(target, {
        type: 'file',
        format: 'text',
        content: dump(document)
      });
      return app.commands.execute('docmanager:open', {
        path: target,
        factory: ARCHITECTURE_FACTORY
      });
    };

    app.commands.addCommand(ArchitectureCommandIDs.create, {
      label: args => {
        const framework = String(args.framework ?? 'keras');
        const title =
          framework === 'keras' ? '' : `${frameworkTitle(framework)} `;
        return args.isPalette
          ? `New ${title}Architecture`
          : `${title}Architecture`;
      },
      caption: args =>
        `Create a new neural-network architecture (${frameworkTitle(
          String(args.framework ?? 'keras')
        )})`,
      icon: args => (args.isPalette ? undefined : architectureIcon),
      execute: async args => {
        // From File › New, beside what the file browser shows (as a new notebook).
        const cwd =
          typeof args.cwd === 'string' ? args.cwd : (browser?.model.path ?? '');
        const framework = String(args.framework ?? 'keras');
        const model = await contents.newUntitled({
          path: cwd,
          type: 'file',
          ext: '.arch.json'
        });
        await contents.save(model.path, {
          type: 'file',
          format: 'text',
          content: dump(emptyArchitecture(undefined, framework))
        });
        return app.commands.execute('docmanager:open', {
          path: model.path,
          factory: ARCHITECTURE_FACTORY
        });
      }
    });

    rememberContextMenuTargets(VARIABLE_SELECTOR);
    const variableUnderMenu = (): string =>
      underContextMenu(app, VARIABLE_SELECTOR)?.name ?? '';

    app.commands.addCommand(ArchitectureCommandIDs.openVariable, {
      label: args => {
        const variable =
          String(args.variable ?? '') ||
          (args.fromContextMenu ? variableUnderMenu() : '');
        return variable
          ? `Open ${variable} as Architecture`
          : 'Open Variable as Architecture…';
      },
      caption:
        'Open the Keras or PyTorch model a notebook variable holds in the architecture editor (args: variable)',
      isEnabled: () => !!notebooks?.currentWidget,
      execute: async args => {
        const panel = notebooks?.currentWidget;
        if (!panel) {
          return explain(
            'No notebook',
            'Open the notebook that holds the model first.'
          );
        }
        let variable =
          String(args.variable ?? '') ||
          (args.fromContextMenu ? variableUnderMenu() : '');
        if (!variable) {
          const asked = await InputDialog.getText({
            title: 'Open which variable as an architecture?',
            placeholder: 'model'
          });
          if (!asked.button.accept || !asked.value) {
            return null;
          }
          variable = asked.value.trim();
        }
        const bridge = forgelab.bridgeFor(panel.sessionContext);
        let document: Architecture;
        try {
          await bridge.ready();
          document = (
            (await bridge.request('arch.import', { variable })) as {
              document: Architecture;
            }
          ).document;
        } catch (error) {
          return explain(
            `${variable} cannot be opened as an architecture`,
            (error as Error).message
          );
        }
        for (const id of inputsWithoutShape(document)) {
          const asked = await InputDialog.getText({
            title: `Shape of the input ${id}`,
            label:
              'Without the batch dimension, e.g. 3, 32, 32 (PyTorch cannot trace it)',
            placeholder: '3, 32, 32'
          });
          const shape = asked.button.accept
            ? parseShape(asked.value ?? '')
            : null;
          if (shape) {
            document = withInputShape(document, id, shape);
          }
        }
        return createAndOpen(
          document,
          architecturePathFor(panel.context.path, variable)
        );
      }
    });
    app.commands.addCommand(ArchitectureCommandIDs.exportPython, {
      label: 'Export Architecture as Python',
      caption:
        'Save the Python code of the current architecture beside it (<name>.py) and open it',
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
        'Create a notebook whose first cell builds the current architecture in its framework',
      isEnabled,
      execute: async () => {
        const widget = current();
        const code = widget && (await codeOf(widget));
        if (!widget || code === null || code === undefined) {
          return;
        }
        const path = widget.context.path;
        const framework =
          widget.content.model.sharedModel.getMeta('framework') ?? 'keras';
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
              source:
                framework === 'keras'
                  ? 'model = build_model()\nmodel.summary()'
                  : 'model = build_model()\nprint(model)'
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
      label: 'Reload Layer Catalog',
      caption:
        "Ask the kernel to introspect the architecture's framework again for the layer palette",
      isEnabled,
      execute: () => current()?.content.loadCatalog(true)
    });

    addGraphCommands(app, {
      kind: 'architecture',
      noun: 'Architecture',
      editorClass: 'jp-ForgeLab-ArchitectureEditor',
      canvas: () => {
        const widget = current();
        return widget && widget === app.shell.currentWidget
          ? widget.content.canvas
          : null;
      },
      palette
    });

    for (const [rank, framework] of FRAMEWORKS.entries()) {
      launcher?.add({
        command: ArchitectureCommandIDs.create,
        category: 'ForgeLab',
        rank: 2 + rank,
        args: { framework }
      });
      palette?.addItem({
        command: ArchitectureCommandIDs.create,
        category: 'ForgeLab',
        args: { isPalette: true, framework }
      });
    }
    for (const command of Object.values(ArchitectureCommandIDs)) {
      if (command !== ArchitectureCommandIDs.create) {
        palette?.addItem({
          command,
          category: 'ForgeLab',
          args: { isPalette: true }
        });
      }
    }
    app.contextMenu.addItem({
      command: ArchitectureCommandIDs.openVariable,
      selector: VARIABLE_SELECTOR,
      args: { fromContextMenu: true },
      rank: 2
    });
    app.contextMenu.addItem({
      command: ArchitectureCommandIDs.openVariable,
      selector: '.jp-Notebook .jp-Cell',
      rank: 30
    });
  }
};

/** Tell the user, in plain words, why something did not work. */
async function explain(title: string, message: string): Promise<null> {
  await showDialog({ title, body: message, buttons: [Dialog.okButton()] });
  return null;
}
