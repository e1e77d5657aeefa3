/**
 * ForgeLab loads in JupyterLab without errors, its settings show in the Settings Editor, the
 * status command reaches the server, and notebook kernels get the kernel extension.
 */
import { expect, test } from '@jupyterlab/galata';

test.describe('ForgeLab foundation', () => {
  test.use({ autoGoto: false });

  test('activates without errors and reaches its server extension', async ({
    page
  }) => {
    const messages: string[] = [];
    const errors: string[] = [];
    page.on('console', message => {
      messages.push(message.text());
      if (message.type() === 'error') {
        errors.push(message.text());
      }
    });
    page.on('pageerror', error => errors.push(error.message));

    await page.goto();
    await expect
      .poll(() => messages.some(m => m === 'ForgeLab is activated'))
      .toBe(true);
    // The first status request imports Keras on the server: allow it time.
    await expect
      .poll(() => messages.some(m => /^ForgeLab server .* ready$/.test(m)), {
        timeout: 60000
      })
      .toBe(true);
    expect(errors.filter(e => /forgelab/i.test(e))).toEqual([]);
    expect(messages.filter(m => /Yjs was already imported/.test(m))).toEqual(
      []
    );

    // Each kind has its document type (what its editor opens) and a listing type (the file
    // browser's icon); a double-clicked file opens in ForgeLab's editor.
    const found = await page.evaluate(() => {
      const registry = (window as any).jupyterapp.docRegistry;
      return ['a/train.pipeline.json', 'net.arch.json'].map(path => ({
        types: registry.getFileTypesForPath(path).map((t: any) => t.name),
        factory: registry.defaultWidgetFactory(path)?.name
      }));
    });
    expect(found[0].types).toContain('forgelab-pipeline');
    expect(found[1].types).toContain('forgelab-architecture');
    expect(found.map(f => f.factory)).toEqual([
      'ForgeLab Pipeline Editor',
      'ForgeLab Architecture Editor'
    ]);
  });

  test('shows its settings in the Settings Editor', async ({ page }) => {
    await page.goto();
    await page.evaluate(async () => {
      await (window as any).jupyterapp.commands.execute('settingeditor:open', {
        query: 'ForgeLab'
      });
    });
    const entry = page.locator('.jp-PluginList-entry', { hasText: 'ForgeLab' });
    await expect(entry.first()).toBeVisible();
    await entry.first().click();
    await expect(
      page.getByText('Load ForgeLab into notebook kernels').first()
    ).toBeVisible();
    await expect(
      page.getByText('Default compute adapter').first()
    ).toBeVisible();
  });

  test('the status command lists versions and adapters', async ({ page }) => {
    await page.goto();
    await page.evaluate(async () => {
      void (window as any).jupyterapp.commands.execute('forgelab:show-status');
    });
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog.locator('.jp-ForgeLab-status')).toBeVisible();
    await expect(
      dialog.locator('tr[data-component="keras-backend"]')
    ).toContainText('torch');
    await expect(
      dialog.locator('li[data-adapter="compute:local"]')
    ).toBeVisible();
    await page.screenshot({ path: 'test-results/forgelab-status.png' });
    await dialog.getByRole('button', { name: /ok/i }).click();
  });

  test.describe('in a notebook', () => {
    // galata's kernel tracking answers POST /api/kernels/<id>/restart with 201 instead of the
    // server's 200, which makes JupyterLab abandon the restart: let the requests through.
    test.use({ kernels: null });

    test('loads the kernel extension into a notebook, again after a restart', async ({
      page
    }) => {
      await page.goto();
      await page.notebook.createNew('kernel.ipynb');
      const status = page.locator('.jp-ForgeLab-kernelStatus');
      await expect(status).toHaveAttribute('data-state', 'ready', {
        timeout: 60000
      });

      // The extension is loaded silently: no cell, no output, nothing in the history.
      await page.notebook.setCell(
        0,
        'code',
        "marker = 1\n('marker' in globals(), 'forgelab' in get_ipython().extension_manager.loaded)"
      );
      await page.notebook.runCell(0);
      expect(await page.notebook.getCellTextOutput(0)).toEqual([
        '(True, True)'
      ]);

      // The command waits for the confirmation dialog: do not await it here.
      await page.evaluate(() => {
        void (window as any).jupyterapp.commands.execute(
          'notebook:restart-kernel'
        );
      });
      await page.locator('.jp-Dialog .jp-mod-accept').click();
      await expect(status).toHaveAttribute('data-state', 'ready', {
        timeout: 60000
      });
      // A fresh kernel (the marker is gone) with ForgeLab loaded again.
      await page.notebook.setCell(
        0,
        'code',
        "('marker' in globals(), 'forgelab' in get_ipython().extension_manager.loaded)"
      );
      await page.notebook.runCell(0);
      expect(await page.notebook.getCellTextOutput(0)).toEqual([
        '(False, True)'
      ]);
      await page.screenshot({ path: 'test-results/forgelab-notebook.png' });
    });
  });
});
