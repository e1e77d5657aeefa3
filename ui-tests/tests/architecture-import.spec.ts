/**
 * A PyTorch model held by a notebook variable opens as an architecture: the variable's context
 * menu in the provenance panel, the input shape torch.fx cannot trace asked in a dialog, the file
 * saved beside the notebook and its shapes computed by the editor's kernel.
 */
import { expect, test } from '@jupyterlab/galata';
import { KERNEL_TIMEOUT } from './archeditor';

// galata's kernel tracking rewrites some kernel requests: let them through untouched.
test.use({ kernels: null });

test('opens a notebook variable holding an nn.Module as an architecture', async ({
  page,
  tmpPath
}) => {
  test.setTimeout(300000);
  await page.notebook.createNew('models.ipynb');
  await expect(page.locator('.jp-ForgeLab-kernelStatus')).toHaveAttribute(
    'data-state',
    'ready',
    { timeout: KERNEL_TIMEOUT }
  );
  await page.notebook.setCell(
    0,
    'code',
    [
      'import torch',
      'from torch import nn',
      'net = nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(144, 2))'
    ].join('\n')
  );
  await page.notebook.runCell(0, { inplace: true });

  await page.evaluate(() =>
    (window as any).jupyterapp.commands.execute('forgelab:show-provenance')
  );
  const row = page.locator(
    '.jp-ForgeLab-ProvenancePanel-variable[data-name="net"]'
  );
  await expect(row).toBeVisible({ timeout: KERNEL_TIMEOUT });
  await row.click({ button: 'right' });
  await page
    .getByRole('menuitem', { name: 'Open net as Architecture' })
    .click();

  // torch.fx cannot know the input's shape: the dialog asks for it.
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog).toContainText('Shape of the input', {
    timeout: KERNEL_TIMEOUT
  });
  await dialog.locator('input').fill('3, 8, 8');
  await dialog.getByRole('button', { name: /ok/i }).click();

  const editor = page.locator('.jp-ForgeLab-ArchitectureEditor');
  await expect(editor).toBeVisible({ timeout: KERNEL_TIMEOUT });
  const node = (id: string) =>
    page.locator(`g.jp-ForgeLab-GraphView-node[data-id="${id}"]`);
  await expect(page.locator('g.jp-ForgeLab-GraphView-node')).toHaveCount(5);
  await expect(node('0')).toContainText('(None, 4, 6, 6)', {
    timeout: KERNEL_TIMEOUT
  });
  await expect(node('3')).toContainText('(None, 2)');
  await page.screenshot({ path: 'test-results/architecture-import.png' });

  const saved = await page.evaluate(async p => {
    const model = await (window as any).jupyterapp.serviceManager.contents.get(
      p,
      { content: true }
    );
    return JSON.parse(model.content as string);
  }, `${tmpPath}/net.arch.json`);
  expect(saved.framework).toBe('torch');
  expect(saved.layers[0]).toMatchObject({
    id: 'input',
    type: 'Input',
    arguments: { shape: [3, 8, 8] }
  });
  expect(saved.layers.map((l: any) => l.type)).toEqual([
    'Input',
    'Conv2d',
    'ReLU',
    'Flatten',
    'Linear'
  ]);
});
