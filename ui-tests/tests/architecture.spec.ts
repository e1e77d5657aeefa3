/**
 * The architecture editor, driven by mouse the way a person uses it: create an architecture
 * from the launcher, build a small convolutional network from the layer palette, see the
 * kernel's shapes appear, make a layer invalid and see the framework's error on it, fix it,
 * save, close and reopen.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';
import { addLayer, fit, KERNEL_TIMEOUT, setArgument, wire } from './archeditor';
import { graphNode, readFile as fileText, save } from './utils';

const node = (page: IJupyterLabPageFixture, id: string) => graphNode(page, id);

test.describe('Architecture editor', () => {
  test.setTimeout(300000);

  test('builds a convolutional network by mouse with live shapes and errors, saves and reopens it', async ({
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
        '.jp-LauncherCard[title="Create a new neural-network architecture (Keras)"]:visible'
      )
      .click();
    const editor = page.locator('.jp-ForgeLab-ArchitectureEditor');
    await expect(editor).toBeVisible();
    const file: string = await page.evaluate(
      () => (window as any).jupyterapp.shell.currentWidget.context.path
    );
    expect(file).toMatch(/\.arch\.json$/);

    // The kernel sends the Keras layer catalog, then the Input layer's shape.
    await expect(
      page.locator('.jp-ForgeLab-LayerPalette-item[data-name="Dense"]')
    ).toBeAttached({ timeout: KERNEL_TIMEOUT });
    await expect(node(page, 'input')).toContainText('(None, 28, 28, 1)', {
      timeout: KERNEL_TIMEOUT
    });

    await addLayer(page, 'Conv2D');
    await setArgument(page, 'filters', '8');
    await setArgument(page, 'kernel_size', '3');
    await addLayer(page, 'Flatten');
    await addLayer(page, 'Dense');
    await setArgument(page, 'units', '10');
    await expect(page.locator('g.jp-ForgeLab-GraphView-node')).toHaveCount(4);
    await fit(page);
    await wire(page, 'input', 'conv2d');
    await wire(page, 'conv2d', 'flatten');
    await wire(page, 'flatten', 'dense');
    await expect(page.locator('g.jp-ForgeLab-GraphView-edge')).toHaveCount(3);

    // Shapes on every layer and on the edges, parameters per layer and in total.
    await expect(node(page, 'conv2d')).toContainText('(None, 26, 26, 8)', {
      timeout: KERNEL_TIMEOUT
    });
    await expect(node(page, 'conv2d')).toContainText('params 80');
    await expect(node(page, 'flatten')).toContainText('(None, 5408)');
    await expect(node(page, 'dense')).toContainText('(None, 10)');
    await expect(
      page.locator('.jp-ForgeLab-GraphView-edgeLabel', {
        hasText: '(None, 5408)'
      })
    ).toHaveCount(1);
    const status = page.locator('.jp-ForgeLab-ArchitectureEditor-status');
    await expect(status).toContainText('54,170 parameters');
    await page.screenshot({ path: 'test-results/architecture-shapes.png' });

    // A kernel larger than the image: Keras's error shows on the convolution.
    await node(page, 'conv2d').locator('.jp-ForgeLab-GraphView-title').click();
    await setArgument(page, 'kernel_size', '(40, 40)');
    await expect(node(page, 'conv2d')).toHaveClass(
      /jp-ForgeLab-mod-layer-error/,
      { timeout: KERNEL_TIMEOUT }
    );
    await expect(
      node(page, 'conv2d').locator('.jp-ForgeLab-GraphView-badge')
    ).toBeVisible();
    const error = page.locator('.jp-ForgeLab-LayerProperties-error');
    await expect(error).toBeVisible();
    expect((await error.textContent())!.length).toBeGreaterThan(10);
    const tooltip = await node(page, 'conv2d')
      .locator(':scope > title')
      .textContent();
    expect(tooltip).toContain(await error.textContent());
    await expect(node(page, 'dense')).toHaveClass(
      /jp-ForgeLab-mod-layer-not_computed/
    );
    await expect(status).toContainText('1 layer with errors');
    await page.screenshot({ path: 'test-results/architecture-error.png' });

    // Fixed: the error goes, the shapes come back.
    await setArgument(page, 'kernel_size', '3');
    await expect(node(page, 'conv2d')).not.toHaveClass(
      /jp-ForgeLab-mod-layer-error/,
      { timeout: KERNEL_TIMEOUT }
    );
    await expect(node(page, 'dense')).toContainText('(None, 10)');

    await save(page);
    const text = await fileText(page, file);
    const saved = JSON.parse(text);
    expect(saved.layers.map((l: any) => [l.id, l.type, l.inputs])).toEqual([
      ['input', 'Input', undefined],
      ['conv2d', 'Conv2D', ['input']],
      ['flatten', 'Flatten', ['conv2d']],
      ['dense', 'Dense', ['flatten']]
    ]);
    expect(saved.layers[1].arguments).toEqual({ filters: 8, kernel_size: 3 });
    expect(saved.layers[3].arguments).toEqual({ units: 10 });
    expect(saved.inputs).toEqual(['input']);
    expect(saved.outputs).toEqual(['dense']);

    // Close and reopen: the same document, the same drawing, the same shapes.
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute('application:close-all')
    );
    await expect(editor).toHaveCount(0);
    await page.evaluate(async p => {
      await (window as any).jupyterapp.commands.execute('docmanager:open', {
        path: p
      });
    }, file);
    await expect(editor).toBeVisible();
    await expect(page.locator('g.jp-ForgeLab-GraphView-node')).toHaveCount(4);
    await expect(page.locator('g.jp-ForgeLab-GraphView-edge')).toHaveCount(3);
    await expect(node(page, 'dense')).toContainText('(None, 10)', {
      timeout: KERNEL_TIMEOUT
    });
    expect(await fileText(page, file)).toBe(text);
    expect(errors).toEqual([]);
    await expect(
      page.locator('.lm-TabBar-tab.jp-mod-current.jp-mod-dirty')
    ).toHaveCount(0);
  });
});

test.describe('Architecture code', () => {
  test.setTimeout(300000);

  test('exports an architecture as Python beside it and opens it in a notebook', async ({
    page,
    tmpPath
  }) => {
    const example = fs.readFileSync(
      path.resolve(__dirname, '../../examples/mnist-cnn.arch.json'),
      'utf8'
    );
    await page.contents.uploadContent(
      example,
      'text',
      `${tmpPath}/mnist.arch.json`
    );
    await page.evaluate(async p => {
      await (window as any).jupyterapp.commands.execute('docmanager:open', {
        path: p
      });
    }, `${tmpPath}/mnist.arch.json`);
    await expect(page.locator('g.jp-ForgeLab-GraphView-node')).toHaveCount(8);
    await expect(node(page, 'digits')).toContainText('(None, 10)', {
      timeout: KERNEL_TIMEOUT
    });
    await expect(
      page.locator('.jp-ForgeLab-ArchitectureEditor-status')
    ).toContainText('34,826 parameters');

    await page.getByRole('button', { name: 'Export as Python' }).click();
    await expect(page.locator('.lm-TabBar-tab.jp-mod-current')).toContainText(
      'mnist.py'
    );
    const code = await fileText(page, `${tmpPath}/mnist.py`);
    expect(code).toContain('def build_model(');
    expect(code).toContain('Conv2D');

    await page.evaluate(async p => {
      await (window as any).jupyterapp.commands.execute('docmanager:open', {
        path: p
      });
    }, `${tmpPath}/mnist.arch.json`);
    await page.getByRole('button', { name: 'Open in Notebook' }).click();
    const cell = page.locator('.jp-NotebookPanel .jp-Cell').first();
    await expect(cell).toContainText('def build_model(');
    await expect(
      page.locator('.jp-NotebookPanel .jp-Cell').nth(1)
    ).toContainText('model.summary()');
  });
});

test.describe('Architecture layout', () => {
  test('edges leave a layer at its bottom and enter the next at its top', async ({
    page,
    tmpPath
  }) => {
    const file = `${tmpPath}/redshift.arch.json`;
    await page.contents.uploadContent(
      fs.readFileSync(
        path.resolve(__dirname, '../../examples/redshift.arch.json'),
        'utf8'
      ),
      'text',
      file
    );
    await page.evaluate(async p => {
      await (window as any).jupyterapp.commands.execute('docmanager:open', {
        path: p,
        factory: 'ForgeLab Architecture Editor'
      });
    }, file);
    const editor = page.locator('.jp-ForgeLab-ArchitectureDocument');
    const edges = editor.locator('g.jp-ForgeLab-GraphView-edge');
    await expect(edges).not.toHaveCount(0, { timeout: 60000 });
    // Each edge's ends on screen against its layers' boxes: where it starts (bottom edge of
    // the source, heading down) and where it ends (top edge of the target, coming down).
    const wrong = await edges.evaluateAll(all =>
      all.flatMap(g => {
        const edge = (g as any).__data__;
        const path = g.querySelector<SVGPathElement>(
          'path.jp-ForgeLab-GraphView-edgeLine'
        )!;
        const box = (id: string) =>
          g
            .closest('svg')!
            .querySelector(
              `g.jp-ForgeLab-GraphView-node[data-id="${id}"] rect.jp-ForgeLab-GraphView-body`
            )!
            .getBoundingClientRect();
        const ctm = path.getScreenCTM()!;
        const at = (length: number) =>
          new DOMPoint(
            path.getPointAtLength(length).x,
            path.getPointAtLength(length).y
          ).matrixTransform(ctm);
        const total = path.getTotalLength();
        const [start, next, before, end] = [
          at(0),
          at(4),
          at(total - 4),
          at(total)
        ];
        const from = box(edge.source.node);
        const to = box(edge.target.node);
        const near = (a: number, b: number) => Math.abs(a - b) <= 1;
        const ok =
          near(start.y, from.bottom) &&
          start.x > from.left &&
          start.x < from.right &&
          next.y > start.y &&
          near(end.y, to.top) &&
          end.x > to.left &&
          end.x < to.right &&
          before.y < end.y;
        return ok ? [] : [`${edge.source.node} → ${edge.target.node}`];
      })
    );
    expect(wrong).toEqual([]);
  });
});
