/**
 * Export and Open in Notebook as a person reaches them: the pipeline editor's Export button asks
 * zip or folder and a destination beside the pipeline, and the zip appears in the file browser;
 * the file browser's menu offers both; Open in Notebook gives a notebook whose cells run the
 * pipeline one node at a time; a job's Open in Notebook, from its execution, gives a notebook of
 * its code that runs in the kernel.
 */
import * as fs from 'fs';
import * as path from 'path';

import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';

import { graphNode, openPipeline } from './utils';

const EXAMPLES = path.resolve(__dirname, '../../examples');
const EDITOR = '.jp-ForgeLab-PipelineDocument';

/** The code cells of the notebook in the main area, as its model holds them. */
async function notebookCells(page: IJupyterLabPageFixture): Promise<string[]> {
  await expect(
    page.locator('.jp-NotebookPanel .jp-Cell').first()
  ).toBeVisible();
  return page.evaluate(() =>
    (
      window as any
    ).jupyterapp.shell.currentWidget.content.model.sharedModel.cells.map(
      (cell: any) => cell.getSource()
    )
  );
}

/** The file browser's row of the file `name`. */
function listingItem(page: IJupyterLabPageFixture, name: string) {
  const exact = new RegExp(`^${name.replace(/\./g, '\\.')}$`);
  return page.locator('.jp-DirListing-item', {
    has: page.locator('.jp-DirListing-itemText', { hasText: exact })
  });
}

const SAY = `
def say(word, *, times: int = 2):
    return " ".join([word] * times)
`;

/** Two operations: \`make\` gives a word, \`say\` repeats it (its input comes from an artifact). */
const JOBS = {
  format: 'forgelab.pipeline',
  version: 1,
  name: 'jobs',
  nodes: [
    {
      id: 'make',
      kind: 'operation',
      operation: {
        id: 'make',
        name: 'make',
        inputs: [],
        outputs: [{ name: 'word' }],
        attributes: [],
        source: {
          language: 'python',
          function: 'make',
          code: 'def make():\n    return "hello"\n'
        }
      }
    },
    {
      id: 'say',
      kind: 'operation',
      attributes: { times: 3 },
      operation: {
        id: 'say',
        name: 'say',
        inputs: [{ name: 'word' }],
        outputs: [{ name: 'text' }],
        attributes: [{ name: 'times', type: 'int', default: 2 }],
        source: { language: 'python', function: 'say', code: SAY }
      }
    }
  ],
  connections: [
    {
      source: { node: 'make', port: 'word' },
      target: { node: 'say', port: 'word' }
    }
  ]
};

test.describe('Export and Open in Notebook', () => {
  test('Export writes a zip beside the pipeline that the file browser shows; the pipeline opens in a notebook', async ({
    page,
    tmpPath
  }) => {
    for (const name of ['digits.pipeline.json', 'digits.arch.json']) {
      await page.contents.uploadContent(
        fs.readFileSync(path.join(EXAMPLES, name), 'utf8'),
        'text',
        `${tmpPath}/${name}`
      );
    }
    await page.filebrowser.openDirectory(tmpPath);
    await listingItem(page, 'digits.pipeline.json').click({ button: 'right' });
    const menu = page.locator('.lm-Menu').last();
    await expect(menu).toBeVisible();
    const labels = await menu
      .locator('.lm-Menu-item:visible .lm-Menu-itemLabel')
      .allInnerTexts();
    expect(labels).toEqual(
      expect.arrayContaining(['Export Pipeline…', 'Open Pipeline in Notebook'])
    );
    await page.keyboard.press('Escape');

    await openPipeline(page, `${tmpPath}/digits.pipeline.json`);
    const editor = page.locator(EDITOR);
    await expect(graphNode(page, 'train', EDITOR)).toBeVisible({
      timeout: 60000
    });

    // An unsaved edit: the dialog says it is saved first, so the export is what the editor shows.
    await page.evaluate(() =>
      (window as any).jupyterapp.shell.currentWidget.content.model.setAttribute(
        'plot',
        'title',
        'Edited before export'
      )
    );
    await expect(
      page.locator('.lm-TabBar-tab.jp-mod-current.jp-mod-dirty')
    ).toHaveCount(1);
    await editor.locator('[data-jp-item-name="export"] button').click();
    const dialog = page.locator('.jp-Dialog');
    const destination = dialog.locator('.jp-ForgeLab-ExportDialog-destination');
    await expect(destination).toHaveValue(`${tmpPath}/digits-export.zip`);
    await expect(
      dialog.locator('.jp-ForgeLab-ExportDialog-note')
    ).toContainText('unsaved changes: they are saved first');
    await dialog.getByLabel('Folder').check();
    await expect(destination).toHaveValue(`${tmpPath}/digits-export`);
    await dialog.getByLabel('Zip file').check();
    await dialog.getByRole('button', { name: 'Export' }).click();
    const notice = page.locator('.Toastify__toast', {
      hasText: `Exported to ${tmpPath}/digits-export.zip`
    });
    await expect(notice).toBeVisible({ timeout: 60000 });
    await expect(
      page.locator('.lm-TabBar-tab.jp-mod-dirty', {
        hasText: 'digits.pipeline.json'
      })
    ).toHaveCount(0);
    await notice.getByRole('button', { name: 'Show in File Browser' }).click();
    await expect(listingItem(page, 'digits-export.zip')).toBeVisible();
    expect(await page.contents.fileExists(`${tmpPath}/digits-export.zip`)).toBe(
      true
    );

    await editor
      .locator('[data-jp-item-name="open-in-notebook"] button')
      .click();
    const cells = await notebookCells(page);
    expect(cells[0]).toContain(
      'from forgelab.operations.builtin.data import load_digits'
    );
    expect(cells[0]).toContain('def _outputs(value, ports):');
    expect(cells[1]).toBe(
      "# Load digits (load)\nx, y = _outputs(load_digits(normalize=True), ['x', 'y']).values()"
    );
    expect(cells[3]).toContain("architecture='digits.arch.json'");
    expect(cells[5]).toContain("title='Edited before export'");
    expect(cells[cells.length - 1]).toBe(
      "outputs = {'model': model, 'accuracy': result, 'loss_plot': plot_result}\noutputs"
    );
    expect(cells).toHaveLength(7);
  });

  test("A job's Open in Notebook gives its code, whose cells run in the kernel", async ({
    page,
    tmpPath
  }) => {
    const file = `${tmpPath}/jobs.pipeline.json`;
    await page.contents.uploadContent(
      JSON.stringify(JOBS, null, 2),
      'text',
      file
    );
    await openPipeline(page, file);
    const editor = page.locator(EDITOR);
    await expect(graphNode(page, 'say', EDITOR)).toBeVisible({
      timeout: 60000
    });
    await editor.locator('[data-jp-item-name="run"] button').click();
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog.locator('select[name="storage"]')).toHaveValue(
      'local',
      {
        timeout: 30000
      }
    );
    await page.keyboard.press('Enter');
    const view = page.locator('.jp-ForgeLab-ExecutionView');
    await expect(view).toHaveAttribute('data-status', 'succeeded', {
      timeout: 90000
    });

    // The job's node has the entry in its context menu; the panel has the button.
    await graphNode(page, 'say', '.jp-ForgeLab-ExecutionView')
      .locator('.jp-ForgeLab-GraphView-title')
      .click({ button: 'right' });
    await expect(
      page.locator('.lm-Menu-item', { hasText: 'Open Job in Notebook' })
    ).toBeVisible();
    await page.keyboard.press('Escape');
    await graphNode(page, 'say', '.jp-ForgeLab-ExecutionView')
      .locator('.jp-ForgeLab-GraphView-title')
      .click();
    const button = view.locator('.jp-ForgeLab-JobPanel-notebook');
    await expect(button).toBeEnabled();
    await button.click();
    const cells = await notebookCells(page);
    expect(cells[0]).toContain('from forgelab.jobs import runtime');
    expect(cells[0]).toContain('def say(word, *, times: int = 2):');
    expect(cells[1]).toContain(
      "inputs = runtime.load_inputs(job, JOB_DIR)\nword = inputs['word']"
    );
    expect(cells[2]).toBe('times = 3');
    expect(cells[3]).toBe(
      "value = say(word=word, times=times)\noutputs = runtime.split_outputs(value, ['text'])\noutputs"
    );

    await page.notebook.run();
    expect(await page.notebook.getCellTextOutput(3)).toEqual([
      "{'text': 'hello hello hello'}"
    ]);
  });
});
