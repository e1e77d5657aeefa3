/**
 * The editing commands that both graph editors share (Delete, Duplicate, Undo, Redo), acting on
 * the current editor's canvas. Their default shortcuts live in `schema/plugin.json`, so users see
 * and change them in the Keyboard Shortcuts editor; on a node's context menu they act on the node
 * under the pointer.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';

import { GraphView } from '../graphview';

/** The class of a node of a graph canvas (its `data-id` is the node's id). */
export const GRAPH_NODE_CLASS = 'jp-ForgeLab-GraphView-node';

/** What the commands need of an editor. */
export interface IGraphCommandsOptions {
  /** `pipeline` or `architecture`: part of every command id. */
  kind: string;
  /** `Pipeline` or `Architecture`: in the labels, which the command palette lists together. */
  noun: string;
  /** The editor the commands act on, if any. */
  canvas: () => GraphView | null;
  /** The editor's class: its node context menu opens on nodes inside it. */
  editorClass: string;
  palette: ICommandPalette | null;
}

/** The ids of the shared commands for editors of `kind`. */
export function graphCommandIds(kind: string) {
  return {
    remove: `forgelab:delete-${kind}-selection`,
    duplicate: `forgelab:duplicate-${kind}-selection`,
    undo: `forgelab:undo-${kind}`,
    redo: `forgelab:redo-${kind}`
  };
}

/** The id of the canvas node under the context menu that is open, or ''. */
export function nodeUnderMenu(app: JupyterFrontEnd): string {
  return (
    app
      .contextMenuHitTest(n => n.classList?.contains(GRAPH_NODE_CLASS))
      ?.getAttribute('data-id') ?? ''
  );
}

/** Register Delete, Duplicate, Undo and Redo for one kind of editor, and its node menu. */
export function addGraphCommands(
  app: JupyterFrontEnd,
  options: IGraphCommandsOptions
): ReturnType<typeof graphCommandIds> {
  const ids = graphCommandIds(options.kind);
  const noun = options.noun;
  const isEnabled = () => !!options.canvas();
  /** The canvas, with the node under the context menu selected when run from there. */
  const target = (args: Record<string, unknown>): GraphView | null => {
    const canvas = options.canvas();
    const node = args.fromContextMenu ? nodeUnderMenu(app) : '';
    if (canvas && node && !canvas.selection.nodes.has(node)) {
      canvas.select([node]);
    }
    return canvas;
  };
  app.commands.addCommand(ids.remove, {
    label: args =>
      args.fromContextMenu ? 'Delete' : `Delete ${noun} Selection`,
    caption: 'Delete the selected nodes and connections (undoable)',
    isEnabled,
    execute: args => target(args)?.deleteSelection()
  });
  app.commands.addCommand(ids.duplicate, {
    label: args =>
      args.fromContextMenu ? 'Duplicate' : `Duplicate ${noun} Selection`,
    caption: 'Copy the selected nodes beside them',
    isEnabled,
    execute: args => target(args)?.duplicateSelection()
  });
  app.commands.addCommand(ids.undo, {
    label: `Undo ${noun} Edit`,
    caption: 'Undo the last edit of the graph',
    isEnabled,
    execute: () => options.canvas()?.undo()
  });
  app.commands.addCommand(ids.redo, {
    label: `Redo ${noun} Edit`,
    caption: 'Redo the last undone edit of the graph',
    isEnabled,
    execute: () => options.canvas()?.redo()
  });
  const selector = `.${options.editorClass} .${GRAPH_NODE_CLASS}`;
  for (const [rank, command] of [ids.duplicate, ids.remove].entries()) {
    app.contextMenu.addItem({
      command,
      selector,
      args: { fromContextMenu: true },
      rank: 10 + rank
    });
  }
  for (const command of Object.values(ids)) {
    options.palette?.addItem({ command, category: 'ForgeLab' });
  }
  return ids;
}
