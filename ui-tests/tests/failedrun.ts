/**
 * A run that fails, as a user meets it: Run, a notification that names the failed job and its
 * error with an "Open" action, and the execution view on the failed job with the whole graph
 * in view. Shared by the specs with and without jupyter-collaboration.
 */
import { expect, IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';
import { openPipeline } from './utils';

const PASS = `
def step(value=0) -> ("value",):
    return value + 1
`;

const TRAIN = `
def train(value) -> ("model",):
    with open("no-such-data.csv") as data:
        return data.read()
`;

/** A chain of five operations whose fourth, "Train keras", fails: far from the first job. */
function failingPipeline(): Record<string, unknown> {
  const operation = (id: string, code: string, inputs: string[]) => ({
    id,
    name: id,
    inputs: inputs.map(name => ({ name, optional: true })),
    outputs: [{ name: id === 'train' ? 'model' : 'value' }],
    attributes: [],
    source: {
      language: 'python',
      function: id === 'train' ? 'train' : 'step',
      code
    }
  });
  const ids = ['load', 'clean', 'split', 'train', 'score'];
  return {
    format: 'forgelab.pipeline',
    version: 1,
    name: 'fails',
    nodes: ids.map((id, i) => ({
      id,
      kind: 'operation',
      label: id === 'train' ? 'Train keras' : id,
      operation: operation(
        id,
        id === 'train' ? TRAIN : PASS,
        i ? ['value'] : []
      )
    })),
    connections: ids.slice(1).map((id, i) => ({
      source: { node: ids[i], port: ids[i] === 'train' ? 'model' : 'value' },
      target: { node: id, port: 'value' }
    }))
  };
}

/** Whether `inner`'s box lies inside `outer`'s. */
async function inside(inner: Locator, outer: Locator): Promise<boolean> {
  const a = await inner.boundingBox();
  const b = await outer.boundingBox();
  return (
    !!a &&
    !!b &&
    a.x >= b.x - 1 &&
    a.y >= b.y - 1 &&
    a.x + a.width <= b.x + b.width + 1 &&
    a.y + a.height <= b.y + b.height + 1
  );
}

/** The view shows the failed job, its node selected, and the whole graph fits the canvas. */
async function expectFailureInView(page: IJupyterLabPageFixture) {
  const view = page.locator('.jp-ForgeLab-ExecutionView');
  await expect(view).toHaveAttribute('data-status', 'failed', {
    timeout: 120000
  });
  const panel = view.locator('.jp-ForgeLab-JobPanel');
  await expect(panel).toHaveAttribute('data-status', 'failed');
  await expect(panel.locator('.jp-ForgeLab-JobPanel-title')).toHaveText(
    'Train keras'
  );
  await expect(panel.locator('.jp-ForgeLab-JobPanel-error')).toContainText(
    'no-such-data.csv does not exist'
  );
  const canvas = view.locator('.jp-ForgeLab-GraphView');
  const node = (id: string) =>
    view.locator(`g.jp-ForgeLab-GraphView-node[data-id="${id}"]`);
  await expect(node('train')).toHaveClass(/jp-mod-selected/);
  await expect(node('train')).toHaveClass(/jp-ForgeLab-mod-status-failed/);
  await expect(node('score')).toHaveClass(/jp-ForgeLab-mod-status-skipped/);
  for (const id of ['load', 'train', 'score']) {
    await expect.poll(() => inside(node(id), canvas)).toBe(true);
  }
}

/**
 * Run a pipeline that fails from its editor; the notification says which job failed and why,
 * the open view switches to it, and the notification's "Open" brings a closed view back on it.
 */
export async function runAFailingPipeline(
  page: IJupyterLabPageFixture,
  tmpPath: string
): Promise<void> {
  const path = `${tmpPath}/fails.pipeline.json`;
  await page.contents.uploadContent(
    JSON.stringify(failingPipeline(), null, 2),
    'text',
    path
  );
  await openPipeline(page, path);
  const editor = page.locator('.jp-ForgeLab-PipelineDocument');
  await expect(
    editor.locator('g.jp-ForgeLab-GraphView-node[data-id="train"]')
  ).toBeVisible({ timeout: 60000 });
  await editor.locator('[data-jp-item-name="run"] button').click();
  await expect(
    page.locator('.jp-Dialog select[name="compute"] option').first()
  ).toBeAttached({ timeout: 30000 });
  await page.keyboard.press('Enter');

  const notice = page.locator('.jp-toast-message', {
    hasText: 'fails failed: Train keras — FileNotFoundError: '
  });
  await expect(notice).toBeVisible({ timeout: 120000 });
  await expect(notice).toContainText(
    'no-such-data.csv does not exist — check the path, or upload the file'
  );
  await expectFailureInView(page);

  // Closed, the view comes back from the notification, again on the failed job.
  await page
    .locator('.lm-TabBar-tab', { hasText: 'fails · ' })
    .locator('.lm-TabBar-tabCloseIcon')
    .click();
  await expect(page.locator('.jp-ForgeLab-ExecutionView')).toHaveCount(0);
  await page.locator('.jp-toast-button', { hasText: 'Open' }).click();
  await expectFailureInView(page);
}
