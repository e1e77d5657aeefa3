/**
 * The adapters panel shows every adapter's configuration schema and settings, tests
 * connections, and never lets a credential reach the browser.
 */
import { expect, test } from '@jupyterlab/galata';

const SECRETS = ['forgelab-test-secret-value', 'AKIAFORGELABTESTKEY'];

test.use({ autoGoto: false });

test('lists adapters with masked credentials and tests connections', async ({
  page
}) => {
  const leaks: string[] = [];
  page.on('response', async response => {
    if (!response.url().includes('/forgelab/api/')) {
      return;
    }
    const body = await response.text().catch(() => '');
    for (const secret of SECRETS) {
      if (body.includes(secret)) {
        leaks.push(`${response.url()} contains ${secret}`);
      }
    }
  });
  await page.goto();
  await page.evaluate(async () => {
    await (window as any).jupyterapp.commands.execute('forgelab:open-adapters');
  });
  const panel = page.locator('.jp-ForgeLab-adapters');
  const local = panel.locator('[data-adapter="storage:local"]');
  await expect(local).toContainText('local (default)');

  const s3 = panel.locator('[data-adapter="storage:s3"]');
  await expect(s3.locator('tr[data-setting="bucket"]')).toContainText(
    '"forgelab-test"'
  );
  await expect(s3.locator('tr[data-setting="secret"]')).toContainText('"***"');
  await expect(s3.locator('tr[data-setting="key"]')).toContainText('"***"');

  await local.getByRole('button', { name: 'Test connection' }).click();
  await expect(local.locator('.jp-ForgeLab-testResult')).toHaveClass(
    /jp-ForgeLab-ok/,
    {
      timeout: 30000
    }
  );

  await s3.getByRole('button', { name: 'Test connection' }).click();
  const result = s3.locator('.jp-ForgeLab-testResult');
  await expect(result).toHaveClass(/jp-ForgeLab-missing/, { timeout: 60000 });
  await expect(result).not.toHaveText('Testing…');
  await page.screenshot({ path: 'test-results/forgelab-adapters.png' });

  expect(await page.content()).not.toContain(SECRETS[0]);
  expect(leaks).toEqual([]);
});
