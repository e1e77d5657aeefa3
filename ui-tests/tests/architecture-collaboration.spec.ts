/**
 * With jupyter-collaboration installed, two browsers on one architecture see each other's layer
 * edits live (the architecture is a shared Yjs document on the server too), and the file saved
 * by the server holds them.
 */
import { expect, test } from '@jupyterlab/galata';
import type { Page } from '@playwright/test';
import { attachScreenshots, graphNode, readFile, save } from './utils';

/** Starting a kernel and importing Keras in it takes a while on a small machine. */
const KERNEL_TIMEOUT = 120000;

const ARCHITECTURE = {
  format: 'forgelab.architecture',
  version: 1,
  framework: 'keras',
  layers: [
    { id: 'input', type: 'Input', arguments: { shape: [8] } },
    { id: 'hidden', type: 'Dense', arguments: { units: 4 }, inputs: ['input'] },
    { id: 'out', type: 'Dense', arguments: { units: 2 }, inputs: ['hidden'] }
  ],
  inputs: ['input'],
  outputs: ['out']
};

const layer = (p: Page, id: string) => graphNode(p, id);

/** Select a layer and type an argument's value in the property panel. */
async function setArgument(
  page: Page,
  id: string,
  name: string,
  value: string
): Promise<void> {
  await layer(page, id).locator('.jp-ForgeLab-GraphView-title').click();
  const input = page.locator(
    `.jp-ForgeLab-LayerProperties-field[data-argument="${name}"] input`
  );
  await input.fill(value);
  await input.press('Enter');
}

test.describe('architecture collaboration', () => {
  test.setTimeout(300000);

  test('a layer argument edited in one page appears in the other, both ways, and is saved', async ({
    page,
    browser,
    tmpPath,
    baseURL
  }, testInfo) => {
    const path = `${tmpPath}/shared.arch.json`;
    await page.contents.uploadContent(
      JSON.stringify(ARCHITECTURE),
      'text',
      path
    );
    await page.evaluate(async p => {
      await (window as any).jupyterapp.commands.execute('docmanager:open', {
        path: p,
        factory: 'ForgeLab Architecture Editor'
      });
    }, path);
    const other = await (await browser.newContext()).newPage();
    await other.goto(`${baseURL}/lab/tree/${path}`);
    for (const p of [page, other]) {
      await expect(
        p.locator(
          '.jp-ForgeLab-ArchitectureEditor g.jp-ForgeLab-GraphView-node'
        )
      ).toHaveCount(3, { timeout: 60000 });
      // Edit once the kernel's layer catalog is in, so that the property panel is final.
      await expect(
        p.locator('.jp-ForgeLab-LayerPalette-item[data-name="Dense"]')
      ).toBeAttached({ timeout: KERNEL_TIMEOUT });
      expect(
        await p.evaluate(
          () =>
            (window as any).jupyterapp.shell.currentWidget.context.model
              .collaborative
        )
      ).toBe(true);
    }

    // An edit in the first page appears in the second...
    await setArgument(page, 'hidden', 'units', '12');
    await expect(layer(page, 'hidden')).toContainText('units = 12');
    await expect(layer(other, 'hidden')).toContainText('units = 12', {
      timeout: 20000
    });

    // ...and one in the second page appears in the first.
    await setArgument(other, 'out', 'units', '7');
    await expect(layer(page, 'out')).toContainText('units = 7', {
      timeout: 20000
    });
    await expect(layer(other, 'hidden')).toContainText('units = 12');

    await attachScreenshots(testInfo, [
      ['architecture-collaboration-first', page],
      ['architecture-collaboration-second', other]
    ]);

    // Saved through the shared document: the file holds both edits.
    await save(page);
    await expect
      .poll(
        async () => {
          const saved = JSON.parse(await readFile(page, path));
          return saved.layers.map((l: any) => l.arguments);
        },
        { timeout: 20000 }
      )
      .toEqual([{ shape: [8] }, { units: 12 }, { units: 7 }]);
    await other.context().close();
  });
});
