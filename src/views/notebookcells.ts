/**
 * A new notebook filled with code cells: how "Open in Notebook" shows a pipeline or a job's code
 * (as the architecture editor's "Open Architecture in a Notebook" does).
 */
import { CommandRegistry } from '@lumino/commands';
import { NotebookPanel } from '@jupyterlab/notebook';

/**
 * Create a notebook in folder `cwd` (through JupyterLab's `notebook:create-new`, so it gets the
 * user's Python kernel, a free name and the usual undo history) whose cells are `cells`.
 */
export async function openCellsInNotebook(
  commands: CommandRegistry,
  cwd: string,
  cells: string[]
): Promise<NotebookPanel> {
  const panel = (await commands.execute('notebook:create-new', {
    cwd,
    kernelName: 'python3'
  })) as NotebookPanel;
  await panel.context.ready;
  const notebook = panel.content.model!.sharedModel;
  notebook.transact(() => {
    notebook.deleteCellRange(0, notebook.cells.length);
    notebook.insertCells(
      0,
      cells.map(source => ({ cell_type: 'code', source }))
    );
  });
  return panel;
}
