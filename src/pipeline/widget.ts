/**
 * The pipeline document widget and its factory: a {@link PipelineEditor} in a JupyterLab
 * document, with a toolbar (Run, Fit, Arrange, Undo, Redo).
 */
import {
  ABCWidgetFactory,
  DocumentRegistry,
  DocumentWidget
} from '@jupyterlab/docregistry';
import {
  redoIcon,
  runIcon,
  ToolbarButton,
  undoIcon
} from '@jupyterlab/ui-components';
import { PathExt } from '@jupyterlab/coreutils';
import { Message } from '@lumino/messaging';
import { ISignal, Signal } from '@lumino/signaling';

import { runWithDialog } from '../executions/run';
import { createFitButton } from '../graphview/toolbar';
import { IForgeLab } from '../tokens';
import { OperationCatalog } from './catalog';
import { PipelineEditor } from './editor';
import { FileChecker, FileExists } from './filecheck';
import { PipelineModel } from './model';
import { ImplicitOperation, Pipeline, Reference } from '../formats';

/** A pipeline opened as a document. */
export class PipelineDocumentWidget extends DocumentWidget<
  PipelineEditor,
  PipelineModel
> {
  /** Create the widget; `forgelab` supplies the server and the default adapters for Run. */
  constructor(
    options: DocumentWidget.IOptions<PipelineEditor, PipelineModel>,
    private readonly _forgelab: IForgeLab,
    exists?: FileExists
  ) {
    super(options);
    this.content.canvas.holdUntil(this.revealed);
    if (exists) {
      const model = this.content.model;
      const checker = new FileChecker(
        exists,
        () => model.toPipeline(),
        () => PathExt.dirname(this.context.path),
        check => (model.fileCheck = check)
      );
      this._files = checker;
      model.pipelineChanged.connect((_, change) => {
        if (change.nodes.length) {
          checker.schedule();
        }
      });
      this.context.pathChanged.connect(() => checker.schedule());
      void this.context.ready.then(() => checker.schedule());
    }
    // The palette shows the operations of the pipeline's own folder first.
    this.content.palette.path = this.context.path;
    this.context.pathChanged.connect(
      () => (this.content.palette.path = this.context.path)
    );
    this.addClass('jp-ForgeLab-PipelineDocument');
    const button = (
      name: string,
      label: string,
      tooltip: string,
      onClick: () => void,
      icon?: any
    ) =>
      this.toolbar.addItem(
        name,
        new ToolbarButton({
          label: icon ? undefined : label,
          icon,
          tooltip,
          onClick
        })
      );
    button(
      'run',
      'Run',
      'Run the pipeline: choose the compute and storage adapters',
      () => void this.run(),
      runIcon
    );
    button(
      'undo',
      'Undo',
      'Undo the last edit',
      () => this.content.model.undo(),
      undoIcon
    );
    button(
      'redo',
      'Redo',
      'Redo the last undone edit',
      () => this.content.model.redo(),
      redoIcon
    );
    this.toolbar.addItem(
      'fit',
      createFitButton(this.content.canvas, 'pipeline')
    );
    button('arrange', 'Arrange', 'Lay the pipeline out again', () =>
      this.content.canvas.arrange()
    );
  }

  /** Emitted with the new execution's id after Run started one (the plugin opens its view). */
  get executionStarted(): ISignal<this, string> {
    return this._executionStarted;
  }

  /**
   * Ask which compute and storage adapters to use (the settings' defaults preselected), then
   * submit the pipeline (with unsaved edits), or `pipeline` (a part of it, "Run from here");
   * says readably why when the server refuses. `note` (what a part reuses) is added to the
   * dialog and the notification. Resolves to the new execution's id, or `null`.
   */
  async run(pipeline?: Pipeline, note = ''): Promise<string | null> {
    const settings = this._forgelab.settings;
    const id = await runWithDialog({
      api: this._forgelab.api,
      defaults: {
        compute: settings.defaultCompute,
        storage: settings.defaultStorage
      },
      pipeline: pipeline ?? this.content.model.toPipeline(),
      path: this.context.path,
      note
    });
    if (id !== null) {
      this._executionStarted.emit(id);
    }
    return id;
  }

  /** Look at the named files again: one may have been uploaded meanwhile. */
  protected onActivateRequest(msg: Message): void {
    super.onActivateRequest(msg);
    this._files?.schedule();
  }

  dispose(): void {
    this._files?.dispose();
    super.dispose();
  }

  private _executionStarted = new Signal<this, string>(this);
  private _files: FileChecker | null = null;
}

/** Creates pipeline editors for `*.pipeline.json` documents. */
export class PipelineWidgetFactory extends ABCWidgetFactory<
  PipelineDocumentWidget,
  PipelineModel
> {
  /** Create the factory; one operation catalog is shared by every editor. */
  constructor(
    options: DocumentRegistry.IWidgetFactoryOptions<PipelineDocumentWidget>,
    private readonly _forgelab: IForgeLab,
    readonly catalog: OperationCatalog,
    private readonly _pickReference?: (
      reference: Reference,
      pipelinePath: string
    ) => Promise<string | null>,
    private readonly _notebookRecords?: (
      notebook: string
    ) => Promise<ImplicitOperation[]>,
    private readonly _exists?: FileExists
  ) {
    super(options);
  }

  /** Create an editor for a document context. */
  protected createNewWidget(
    context: DocumentRegistry.IContext<PipelineModel>
  ): PipelineDocumentWidget {
    const content = new PipelineEditor({
      model: context.model,
      catalog: this.catalog,
      pickReference: this._pickReference
        ? reference => this._pickReference!(reference, context.path)
        : undefined,
      notebookRecords: this._notebookRecords
    });
    return new PipelineDocumentWidget(
      { context, content },
      this._forgelab,
      this._exists
    );
  }
}
