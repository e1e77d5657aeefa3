/**
 * An operation's source beside its interface (inputs, outputs, attributes, references).
 *
 * For inline operations the panel holds a code editor on `source.code`: edits are described by
 * the server after a pause and, when they define an operation, update the node in the pipeline
 * (one undo step). For workspace operations the `.py` file is open in JupyterLab's own editor
 * and the panel shows the interface, refreshed by {@link OperationSourcePanel.reloadFile} when
 * the file is saved.
 */
import { Notification } from '@jupyterlab/apputils';
import { CodeEditor, CodeEditorWrapper } from '@jupyterlab/codeeditor';
import { JSONExt } from '@lumino/coreutils';
import { Message } from '@lumino/messaging';
import { BoxLayout, SplitPanel, Widget } from '@lumino/widgets';

import { Connection, Operation } from '../formats';
import { IntrospectError, OperationsClient } from '../services';
import { PipelineModel } from './model';
import { renderInterface } from './opinterface';
import { describeRemoved, operationFilePath } from './opsource';

/** How long typing must pause before the code is sent to the server, in ms. */
export const INTROSPECT_DELAY = 600;

/** The source and interface of one operation node of a pipeline. */
export class OperationSourcePanel extends Widget {
  /** Create the panel of node `options.nodeId`; with `editorFactory`, an inline code editor. */
  constructor(options: OperationSourcePanel.IOptions) {
    super();
    this.addClass('jp-ForgeLab-OperationSource');
    this.model = options.model;
    this.nodeId = options.nodeId;
    this._operations = options.operations;
    this.title.closable = true;
    this._info = new Widget();
    this._info.addClass('jp-ForgeLab-OperationSource-interface');
    this._message = document.createElement('div');
    this._message.className = 'jp-ForgeLab-OperationSource-message';
    this._message.setAttribute('role', 'status');
    this._interface = document.createElement('div');
    this._info.node.append(this._message, this._interface);

    const layout = new BoxLayout();
    const operation = this._operation();
    if (options.editorFactory && operation?.source.code !== undefined) {
      this._code = new CodeEditor.Model({ mimeType: 'text/x-python' });
      this._code.sharedModel.setSource(operation.source.code);
      this._applied = operation.source.code;
      this._editor = new CodeEditorWrapper({
        factory: options.editorFactory,
        model: this._code
      });
      this._editor.addClass('jp-ForgeLab-OperationSource-editor');
      this._code.sharedModel.changed.connect(this._onCodeChanged, this);
      const split = new SplitPanel({ spacing: 1 });
      split.addWidget(this._editor);
      split.addWidget(this._info);
      split.setRelativeSizes([3, 1.4]);
      layout.addWidget(split);
    } else {
      layout.addWidget(this._info);
    }
    this.layout = layout;
    this.model.pipelineChanged.connect(this._onPipelineChanged, this);
    this._render();
  }

  /** The pipeline. */
  readonly model: PipelineModel;
  /** The node whose operation is shown. */
  readonly nodeId: string;

  /** The code editor of an inline operation (`null` for workspace files). */
  get editor(): CodeEditorWrapper | null {
    return this._editor;
  }

  /** Describe the current code now instead of after the pause; resolves when applied. */
  async flush(): Promise<void> {
    window.clearTimeout(this._timer);
    if (this._code) {
      await this._introspect(this._code.sharedModel.getSource());
    }
  }

  /**
   * Read the operations of the workspace file again (it was saved) and update every node of
   * the pipeline that uses one of them.
   */
  async reloadFile(): Promise<void> {
    const operation = this._operation();
    const path = operation && operationFilePath(operation);
    if (!operation || !path) {
      return;
    }
    let found: Map<string, Operation>;
    try {
      found = await this._operations.inFile(path);
    } catch (error) {
      this._showError(error as Error);
      return;
    }
    if (this.isDisposed) {
      return;
    }
    const updates = this.model.replaceOperations(found);
    const removed = [...updates.values()].flatMap(u => u.removed);
    if (!found.has(operation.id)) {
      this._setMessage(
        `${path} no longer defines \`${operation.source.function}\`: the node keeps its last interface. Define the function again or remove the node.`,
        'error'
      );
    } else {
      this._setMessage(describeRemoved(removed), removed.length ? 'warn' : '');
    }
    this._notifyRemoved(removed);
    this._render(false);
  }

  /** Release the editor and the model's listener. */
  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    window.clearTimeout(this._timer);
    this.model.pipelineChanged.disconnect(this._onPipelineChanged, this);
    this._code?.sharedModel.changed.disconnect(this._onCodeChanged, this);
    super.dispose();
    this._code?.dispose();
  }

  /** Focus the code editor when the panel is activated. */
  protected onActivateRequest(msg: Message): void {
    super.onActivateRequest(msg);
    this._editor?.editor.focus();
  }

  private _operation(): Operation | undefined {
    return this.model.getNode(this.nodeId)?.operation;
  }

  private _onCodeChanged(): void {
    window.clearTimeout(this._timer);
    this._timer = window.setTimeout(() => void this.flush(), INTROSPECT_DELAY);
  }

  private async _introspect(code: string): Promise<void> {
    const current = this._operation();
    if (!current) {
      return;
    }
    if (code === this._applied) {
      // Back to the code the node already has (an error typed and taken back).
      if (this._message.dataset.kind === 'error') {
        this._setMessage('', '');
      }
      return;
    }
    this._setMessage('Reading the signature…', 'busy');
    let described: Operation;
    try {
      described = await this._operations.introspect(
        code,
        current.source.function
      );
    } catch (error) {
      if (!this.isDisposed && this._code?.sharedModel.getSource() === code) {
        this._showError(error as Error);
      }
      return;
    }
    // Newer typing is on its way; its answer will be applied instead.
    if (this.isDisposed || this._code?.sharedModel.getSource() !== code) {
      return;
    }
    const latest = this._operation();
    if (!latest) {
      return;
    }
    const next: Operation = {
      ...described,
      id: latest.id,
      ...(latest.category ? { category: latest.category } : {})
    };
    this._applied = code;
    if (JSONExt.deepEqual(next as any, latest as any)) {
      this._setMessage('', '');
      return;
    }
    const update = this.model.replaceOperation(this.nodeId, next);
    this._setMessage(
      describeRemoved(update.removed),
      update.removed.length ? 'warn' : ''
    );
    this._notifyRemoved(update.removed);
    this._render(false);
  }

  private _notifyRemoved(removed: ReadonlyArray<Connection>): void {
    if (removed.length) {
      Notification.warning(describeRemoved(removed), { autoClose: 8000 });
    }
  }

  private _onPipelineChanged(
    _: PipelineModel,
    change: PipelineModel.IChange
  ): void {
    if (!change.nodes.includes(this.nodeId)) {
      return;
    }
    const operation = this._operation();
    if (!operation) {
      // The node was deleted (or undone away): there is nothing left to edit.
      this.dispose();
      return;
    }
    const code = operation.source.code;
    // Undo, redo or a collaborator changed the code: show it unless the user is typing.
    if (
      this._code &&
      code !== undefined &&
      code !== this._applied &&
      !this._editor?.editor.hasFocus()
    ) {
      this._applied = code;
      this._code.sharedModel.setSource(code);
    }
    this._render(false);
  }

  private _showError(error: Error): void {
    const line = error instanceof IntrospectError ? error.line : null;
    this._setMessage(
      `${line ? `Line ${line}: ` : ''}${error.message}`,
      'error'
    );
  }

  private _setMessage(
    text: string,
    kind: '' | 'busy' | 'warn' | 'error'
  ): void {
    this._message.textContent = text;
    this._message.dataset.kind = kind;
    this._message.classList.toggle('jp-mod-error', kind === 'error');
  }

  private _render(clearMessage = true): void {
    const operation = this._operation();
    if (!operation) {
      return;
    }
    const path = operationFilePath(operation);
    this.title.label = `${operation.name} (source)`;
    this.title.caption = path
      ? `The interface of ${operation.source.function} in ${path}`
      : `The inline operation ${operation.source.function} of node ${this.nodeId}`;
    if (clearMessage) {
      this._setMessage(path ? `Save ${path} to update the pipeline.` : '', '');
    }
    const heading = document.createElement('h3');
    heading.textContent = `${operation.name} · ${this.nodeId}`;
    this._interface.replaceChildren(heading, renderInterface(operation));
  }

  private _operations: OperationsClient;
  private _info: Widget;
  private _message: HTMLDivElement;
  private _interface: HTMLDivElement;
  private _code: CodeEditor.Model | null = null;
  private _editor: CodeEditorWrapper | null = null;
  private _applied = '';
  private _timer = 0;
}

/** The {@link OperationSourcePanel} namespace. */
export namespace OperationSourcePanel {
  /** Options of a source panel. */
  export interface IOptions {
    /** The pipeline. */
    model: PipelineModel;
    /** The operation node. */
    nodeId: string;
    /** Describes edited code. */
    operations: OperationsClient;
    /** Creates the code editor of an inline operation; absent for workspace files. */
    editorFactory?: CodeEditor.Factory;
  }
}
