/**
 * Opens an operation node's source in the main area, split beside its pipeline: an inline
 * operation in an {@link OperationSourcePanel} with a code editor, a workspace operation's `.py`
 * file in JupyterLab's file editor with the interface panel under it.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import { CodeEditor } from '@jupyterlab/codeeditor';
import { DocumentRegistry } from '@jupyterlab/docregistry';
import { IDocumentManager } from '@jupyterlab/docmanager';

import { OperationsClient } from '../services';
import { operationFilePath, operationSourceKind } from './opsource';
import { OperationSourcePanel } from './sourcepanel';
import { PipelineDocumentWidget } from './widget';

/** Opens source panels and keeps one per pipeline node. */
export class OperationSourceOpener {
  /** Create an opener; without a document manager, workspace files cannot be opened. */
  constructor(private readonly _options: OperationSourceOpener.IOptions) {}

  /** The open panel of `nodeId` in `pipeline`, if any. */
  panelOf(
    pipeline: PipelineDocumentWidget,
    nodeId: string
  ): OperationSourcePanel | undefined {
    const panel = this._panels.get(`${pipeline.id}\n${nodeId}`);
    return panel && !panel.isDisposed ? panel : undefined;
  }

  /** Show the source of node `nodeId` of `pipeline`; returns its panel, or `null`. */
  open(
    pipeline: PipelineDocumentWidget,
    nodeId: string
  ): OperationSourcePanel | null {
    const { shell } = this._options;
    const existing = this.panelOf(pipeline, nodeId);
    if (existing) {
      shell.activateById(existing.id);
      return existing;
    }
    const model = pipeline.content.model;
    const operation = model.getNode(nodeId)?.operation;
    const kind = operationSourceKind(operation);
    let panel: OperationSourcePanel;
    if (kind === 'inline') {
      panel = new OperationSourcePanel({
        model,
        nodeId,
        operations: this._options.operations,
        editorFactory:
          this._options.editorServices?.factoryService.newDocumentEditor
      });
      panel.id = `forgelab-source-${++OperationSourceOpener._count}`;
      shell.add(panel, 'main', { mode: 'split-right', ref: pipeline.id });
    } else if (kind === 'file') {
      const path = operationFilePath(operation!)!;
      const file = this._options.docManager?.openOrReveal(
        path,
        undefined,
        undefined,
        { mode: 'split-right', ref: pipeline.id }
      );
      if (!file) {
        Notification.error(
          `${path} could not be opened: is it still in the workspace, and is the document manager enabled?`,
          { autoClose: 8000 }
        );
        return null;
      }
      panel = new OperationSourcePanel({
        model,
        nodeId,
        operations: this._options.operations
      });
      panel.id = `forgelab-source-${++OperationSourceOpener._count}`;
      shell.add(panel, 'main', { mode: 'split-bottom', ref: file.id });
      const onSave = (
        _: DocumentRegistry.IContext<DocumentRegistry.IModel>,
        state: DocumentRegistry.SaveState
      ) => {
        if (state === 'completed') {
          void panel.reloadFile();
        }
      };
      file.context.saveState.connect(onSave);
      const closeWithFile = () => panel.dispose();
      file.disposed.connect(closeWithFile);
      panel.disposed.connect(() => {
        file.context.saveState.disconnect(onSave);
        file.disposed.disconnect(closeWithFile);
      });
    } else {
      Notification.info(
        kind === 'module'
          ? `${operation!.name} is a built-in operation (module ${operation!.source.module}); its source is not editable here.`
          : 'This node has no Python source to show.',
        { autoClose: 5000 }
      );
      return null;
    }
    const key = `${pipeline.id}\n${nodeId}`;
    this._panels.set(key, panel);
    const closeWithPipeline = () => panel.dispose();
    pipeline.disposed.connect(closeWithPipeline);
    panel.disposed.connect(() => {
      pipeline.disposed.disconnect(closeWithPipeline);
      this._panels.delete(key);
    });
    shell.activateById(panel.id);
    return panel;
  }

  private _panels = new Map<string, OperationSourcePanel>();
  private static _count = 0;
}

/** The {@link OperationSourceOpener} namespace. */
export namespace OperationSourceOpener {
  /** What the opener needs from the application. */
  export interface IOptions {
    /** Where panels go. */
    shell: JupyterFrontEnd.IShell;
    /** Describes edited inline code. */
    operations: OperationsClient;
    /** Opens workspace `.py` files. */
    docManager: IDocumentManager | null;
    /** Creates code editors for inline operations. */
    editorServices: {
      factoryService: { newDocumentEditor: CodeEditor.Factory };
    } | null;
  }
}
