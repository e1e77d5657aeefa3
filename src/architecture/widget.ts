/**
 * The architecture document widget and its factory: an {@link ArchitectureEditor} in a
 * JupyterLab document, with its own kernel session for shape feedback and a toolbar (kernel,
 * Undo, Redo, Fit, Arrange, Export as Python, Open in a Notebook).
 */
import {
  ISessionContext,
  SessionContext,
  Toolbar as KernelToolbar
} from '@jupyterlab/apputils';
import {
  ABCWidgetFactory,
  DocumentRegistry,
  DocumentWidget
} from '@jupyterlab/docregistry';
import { ServiceManager } from '@jupyterlab/services';
import { redoIcon, ToolbarButton, undoIcon } from '@jupyterlab/ui-components';
import { CommandRegistry } from '@lumino/commands';

import { createFitButton } from '../graphview/toolbar';
import { IForgeLab } from '../tokens';
import { ArchitectureEditor } from './editor';
import { ArchitectureModel } from './model';

/** The kernel the editor starts for shape feedback. */
export const ARCHITECTURE_KERNEL = 'python3';

/** Command ids the toolbar runs (registered by the plugin). */
export namespace ArchitectureToolbarCommands {
  export const exportPython = 'forgelab:export-architecture-python';
  export const openInNotebook = 'forgelab:open-architecture-in-notebook';
}

/** An architecture opened as a document. */
export class ArchitectureDocumentWidget extends DocumentWidget<
  ArchitectureEditor,
  ArchitectureModel
> {
  /** Create the widget around `options.content`, which owns `sessionContext`. */
  constructor(
    options: DocumentWidget.IOptions<ArchitectureEditor, ArchitectureModel>,
    readonly sessionContext: ISessionContext,
    commands: CommandRegistry
  ) {
    super(options);
    this.content.canvas.holdUntil(this.revealed);
    this.addClass('jp-ForgeLab-ArchitectureDocument');
    const add = (
      name: string,
      tooltip: string,
      onClick: () => void,
      label?: string,
      icon?: any
    ) =>
      this.toolbar.addItem(
        name,
        new ToolbarButton({ label, icon, tooltip, onClick })
      );
    add(
      'undo',
      'Undo the last edit',
      () => this.content.model.undo(),
      undefined,
      undoIcon
    );
    add(
      'redo',
      'Redo the last undone edit',
      () => this.content.model.redo(),
      undefined,
      redoIcon
    );
    this.toolbar.addItem(
      'fit',
      createFitButton(this.content.canvas, 'architecture')
    );
    add(
      'arrange',
      'Lay the architecture out again',
      () => this.content.canvas.arrange(),
      'Arrange'
    );
    add(
      'export-python',
      'Generate Keras code (def build_model()) and open it as a Python file',
      () => void commands.execute(ArchitectureToolbarCommands.exportPython),
      'Export as Python'
    );
    add(
      'open-in-notebook',
      'Generate Keras code and insert it into a new notebook',
      () => void commands.execute(ArchitectureToolbarCommands.openInNotebook),
      'Open in Notebook'
    );
    this.toolbar.addItem('spacer', KernelToolbar.createSpacerItem());
    this.toolbar.addItem(
      'kernelName',
      KernelToolbar.createKernelNameItem(sessionContext)
    );
    this.toolbar.addItem(
      'restart',
      KernelToolbar.createRestartButton(sessionContext)
    );
  }

  /** The Keras code of the architecture (`def build_model(): ...`), from the kernel. */
  async generateCode(): Promise<string> {
    await this.content.bridge.ready();
    const answer = (await this.content.bridge.request('arch.codegen', {
      document: this.content.model.toArchitecture()
    })) as { code: string };
    return answer.code;
  }

  /**
   * Close the editor; its kernel is shut down with the last editor of the file (two views of
   * one file find the same session by path and share its kernel).
   */
  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    const session = this.sessionContext;
    const path = session.path;
    const left = (editorsByPath.get(path) ?? 1) - 1;
    if (left > 0) {
      editorsByPath.set(path, left);
    } else {
      editorsByPath.delete(path);
    }
    super.dispose();
    const shutdown = left > 0 ? Promise.resolve() : session.shutdown();
    void shutdown.catch(() => undefined).then(() => session.dispose());
  }
}

/** How many open editors use the kernel session of each path. */
const editorsByPath = new Map<string, number>();

/** Creates architecture editors for `*.arch.json` documents. */
export class ArchitectureWidgetFactory extends ABCWidgetFactory<
  ArchitectureDocumentWidget,
  ArchitectureModel
> {
  /** Create the factory. */
  constructor(
    options: DocumentRegistry.IWidgetFactoryOptions<ArchitectureDocumentWidget>,
    private readonly _services: {
      forgelab: IForgeLab;
      manager: ServiceManager.IManager;
      commands: CommandRegistry;
    }
  ) {
    super(options);
  }

  /** Create an editor, with a session of its own in a Python kernel. */
  protected createNewWidget(
    context: DocumentRegistry.IContext<ArchitectureModel>
  ): ArchitectureDocumentWidget {
    const { forgelab, manager, commands } = this._services;
    const sessionContext = new SessionContext({
      sessionManager: manager.sessions,
      specsManager: manager.kernelspecs,
      path: context.path,
      name: context.path.split('/').pop(),
      type: 'forgelab-architecture',
      kernelPreference: {
        name: ARCHITECTURE_KERNEL,
        language: 'python',
        shouldStart: true,
        canStart: true,
        autoStartDefault: true
      }
    });
    editorsByPath.set(context.path, (editorsByPath.get(context.path) ?? 0) + 1);
    const bridge = forgelab.bridgeFor(sessionContext);
    const content = new ArchitectureEditor({ model: context.model, bridge });
    const widget = new ArchitectureDocumentWidget(
      { context, content },
      sessionContext,
      commands
    );
    void context.ready.then(() => sessionContext.initialize());
    // Shape feedback needs ForgeLab in this kernel even where notebooks do not load it.
    void sessionContext.ready.then(() => {
      if (!bridge.autoLoad && bridge.state === 'idle') {
        bridge.load().catch(() => undefined);
      }
    });
    return widget;
  }
}
