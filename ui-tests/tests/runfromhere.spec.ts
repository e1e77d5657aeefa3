/**
 * Run from Here reuses what an earlier run left: after a full run of load → train → plot, a run
 * from plot submits one job, fed by an Input of train's stored result, and plots the same value.
 */
import { expect, test } from '@jupyterlab/galata';
import type { Page } from '@playwright/test';
import { openPipeline } from './utils';

/** An operation node running `code`, taking `inputs` and giving `y`. */
function op(id: string, inputs: string[], code: string) {
  return {
    id,
    kind: 'operation',
    operation: {
      id,
      name: id,
      inputs: inputs.map(name => ({ name })),
      outputs: [{ name: 'y', type: 'int' }],
      attributes: [],
      source: { language: 'python', function: id, code }
    }
  };
}

const PIPELINE = {
  format: 'forgelab.pipeline',
  version: 1,
  name: 'reuse',
  nodes: [
    op('load', [], 'def load() -> ("y",):\n    return 6\n'),
    op('train', ['x'], 'def train(x) -> ("y",):\n    return x * 7\n'),
    op(
      'plot',
      ['x'],
      'def plot(x) -> ("y",):\n    print(f"plotted {x}", flush=True)\n    return x\n'
    )
  ],
  connections: [
    {
      source: { node: 'load', port: 'y' },
      target: { node: 'train', port: 'x' }
    },
    {
      source: { node: 'train', port: 'y' },
      target: { node: 'plot', port: 'x' }
    }
  ]
};

/** The executions of the pipeline file at `path`, newest first, as the server lists them. */
function executions(page: Page, path: string): Promise<any[]> {
  return page.evaluate(async p => {
    const base = JSON.parse(
      document.getElementById('jupyter-config-data')!.textContent!
    ).baseUrl;
    const answer = await fetch(
      `${base}forgelab/api/executions?pipeline=${encodeURIComponent(p)}`
    );
    return (await answer.json()).executions;
  }, path);
}

test('Run from Here reuses the unchanged upstream results of the last run', async ({
  page,
  tmpPath
}) => {
  const path = `${tmpPath}/reuse.pipeline.json`;
  await page.contents.uploadContent(JSON.stringify(PIPELINE), 'text', path);
  const open = () => openPipeline(page, path);
  await open();
  const editor = page.locator('.jp-ForgeLab-PipelineDocument');
  await expect(
    editor.locator('g.jp-ForgeLab-GraphView-node[data-id="plot"]')
  ).toBeVisible();

  // The whole pipeline first: three jobs.
  await editor.locator('[data-jp-item-name="run"] button').click();
  await expect(
    page.locator('.jp-Dialog select[name="compute"] option')
  ).toHaveCount(3, { timeout: 30000 });
  await expect(page.locator('.jp-Dialog .jp-Dialog-header')).toHaveText(
    'Run Pipeline'
  );
  await page.keyboard.press('Enter');
  const first = page.locator('.jp-ForgeLab-ExecutionView').last();
  await expect(first).toHaveAttribute('data-status', 'succeeded', {
    timeout: 90000
  });
  const [full] = await executions(page, path);
  expect(full.jobs.map((j: any) => j.node)).toEqual(['load', 'train', 'plot']);

  // Run from Here on plot: the dialog says what it reuses; one job runs.
  await open();
  void page.evaluate(() =>
    (window as any).jupyterapp.commands.execute(
      'forgelab:run-pipeline-from-node',
      { node: 'plot' }
    )
  );
  await expect(page.locator('.jp-Dialog .jp-Dialog-header')).toHaveText(
    /^Run Pipeline, reusing 1 result from reuse · \d/
  );
  await expect(
    page.locator('.jp-Dialog select[name="compute"] option')
  ).toHaveCount(3, { timeout: 30000 });
  await page.keyboard.press('Enter');
  await expect
    .poll(async () => (await executions(page, path)).length, {
      timeout: 30000
    })
    .toBe(2);
  const view = page.locator('.jp-ForgeLab-ExecutionView:visible');
  await expect(view).toHaveAttribute('data-status', 'succeeded', {
    timeout: 90000
  });
  const [partial] = await executions(page, path);
  expect(partial.jobs.map((j: any) => j.node)).toEqual(['plot']);
  const inputs = partial.pipeline.nodes.filter((n: any) => n.kind === 'input');
  expect(inputs.map((n: any) => n.source)).toEqual([
    full.jobs.find((j: any) => j.node === 'train').outputs.y.id
  ]);

  // The value is the one train computed then.
  await view
    .locator(
      'g.jp-ForgeLab-GraphView-node[data-id="plot"] .jp-ForgeLab-GraphView-title'
    )
    .click();
  await expect(
    view.locator('.jp-ForgeLab-JobPanel-line', { hasText: 'plotted 42' })
  ).toBeVisible({ timeout: 30000 });
});
