/**
 * A PyTorch architecture built by mouse: the launcher's PyTorch card, the torch.nn palette from
 * the kernel, shapes computed on the meta device, a wrong in_features said in plain words on
 * its layer, the fix, and the saved file.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import { addLayer, fit, KERNEL_TIMEOUT, setArgument, wire } from './archeditor';
import { graphNode, readFile as fileText, save } from './utils';

const node = (page: IJupyterLabPageFixture, id: string) => graphNode(page, id);

test.describe('PyTorch architecture editor', () => {
  test.setTimeout(300000);

  test('builds a torch.nn network by mouse with live shapes and a plain-words size error', async ({
    page
  }) => {
    const errors: string[] = [];
    page.on('pageerror', e => errors.push(e.message));
    await page.sidebar.close('left');
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute('launcher:create')
    );
    await page
      .locator(
        '.jp-LauncherCard[title="Create a new neural-network architecture (PyTorch)"]:visible'
      )
      .click();
    const editor = page.locator('.jp-ForgeLab-ArchitectureEditor');
    await expect(editor).toBeVisible();
    const file: string = await page.evaluate(
      () => (window as any).jupyterapp.shell.currentWidget.context.path
    );

    // The kernel sends the torch.nn catalog, then the channels-first Input's shape.
    await expect(
      page.locator('.jp-ForgeLab-LayerPalette-item[data-name="Conv2d"]')
    ).toBeAttached({ timeout: KERNEL_TIMEOUT });
    await expect(
      page.locator('.jp-ForgeLab-LayerPalette-item[data-name="Conv2D"]')
    ).toHaveCount(0);
    await expect(page.locator('.jp-ForgeLab-LayerPalette')).toContainText(
      'PyTorch 2.'
    );
    await expect(node(page, 'input')).toContainText('(None, 1, 28, 28)', {
      timeout: KERNEL_TIMEOUT
    });

    await addLayer(page, 'Conv2d');
    await setArgument(page, 'in_channels', '1');
    await setArgument(page, 'out_channels', '8');
    await setArgument(page, 'kernel_size', '3');
    await addLayer(page, 'ReLU');
    await addLayer(page, 'Flatten');
    await addLayer(page, 'Linear');
    await setArgument(page, 'in_features', '100');
    await setArgument(page, 'out_features', '10');
    await expect(page.locator('g.jp-ForgeLab-GraphView-node')).toHaveCount(5);
    await fit(page);
    await wire(page, 'input', 'conv2d');
    await wire(page, 'conv2d', 'relu');
    await wire(page, 'relu', 'flatten');
    await wire(page, 'flatten', 'linear');
    await expect(page.locator('g.jp-ForgeLab-GraphView-edge')).toHaveCount(4);

    await expect(node(page, 'conv2d')).toContainText('(None, 8, 26, 26)', {
      timeout: KERNEL_TIMEOUT
    });
    await expect(node(page, 'conv2d')).toContainText('params 80');
    await expect(node(page, 'flatten')).toContainText('(None, 5408)');

    // in_features does not match what Flatten gives: the fix is said on the Linear layer.
    await expect(node(page, 'linear')).toHaveClass(
      /jp-ForgeLab-mod-layer-error/,
      { timeout: KERNEL_TIMEOUT }
    );
    await node(page, 'linear').locator('.jp-ForgeLab-GraphView-title').click();
    await expect(
      page.locator('.jp-ForgeLab-LayerProperties-error')
    ).toContainText('set in_features to 5408');
    await page.screenshot({
      path: 'test-results/architecture-torch-error.png'
    });

    await setArgument(page, 'in_features', '5408');
    await expect(node(page, 'linear')).not.toHaveClass(
      /jp-ForgeLab-mod-layer-error/,
      { timeout: KERNEL_TIMEOUT }
    );
    await expect(node(page, 'linear')).toContainText('(None, 10)');
    const status = page.locator('.jp-ForgeLab-ArchitectureEditor-status');
    await expect(status).toContainText('54,170 parameters');
    await page.screenshot({ path: 'test-results/architecture-torch.png' });

    await save(page);
    const saved = JSON.parse(await fileText(page, file));
    expect(saved.framework).toBe('torch');
    expect(saved.layers.map((l: any) => [l.id, l.type, l.inputs])).toEqual([
      ['input', 'Input', undefined],
      ['conv2d', 'Conv2d', ['input']],
      ['relu', 'ReLU', ['conv2d']],
      ['flatten', 'Flatten', ['relu']],
      ['linear', 'Linear', ['flatten']]
    ]);
    expect(saved.layers[1].arguments).toEqual({
      in_channels: 1,
      out_channels: 8,
      kernel_size: 3
    });
    expect(saved.layers[4].arguments).toEqual({
      in_features: 5408,
      out_features: 10
    });
    expect(errors).toEqual([]);
  });
});
