/**
 * Without jupyter-collaboration (a second server lacks it: see playwright.config.js), both
 * editors still open, edit, undo, save and reopen their files as plain text.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import { runAFailingPipeline } from './failedrun';
import { command, graphNode, readFile, save } from './utils';

/** Starting a kernel and importing Keras in it takes a while on a small machine. */
const KERNEL_TIMEOUT = 120000;

const STEP = `
def step(*, epochs: int = 3) -> ("result",):
    """Do one step."""
    return epochs
`;

const PIPELINE = {
  format: 'forgelab.pipeline',
  version: 1,
  nodes: [
    {
      id: 'step',
      kind: 'operation',
      position: { x: 0, y: 0 },
      operation: {
        id: 'step',
        name: 'step',
        inputs: [],
        outputs: [{ name: 'result' }],
        attributes: [{ name: 'epochs', type: 'int', default: 3 }],
        source: { language: 'python', function: 'step', code: STEP }
      }
    }
  ],
  connections: []
};

const ARCHITECTURE = {
  format: 'forgelab.architecture',
  version: 1,
  framework: 'keras',
  layers: [
    { id: 'input', type: 'Input', arguments: { shape: [8] } },
    { id: 'hidden', type: 'Dense', arguments: { units: 4 }, inputs: ['input'] }
  ],
  inputs: ['input'],
  outputs: ['hidden']
};

const node = (page: IJupyterLabPageFixture, id: string) => graphNode(page, id);

/** Select a node and type a value in the property panel's field `field`. */
async function setField(
  page: IJupyterLabPageFixture,
  id: string,
  field: string,
  value: string
): Promise<void> {
  await node(page, id).locator('.jp-ForgeLab-GraphView-title').click();
  const input = page.locator(field);
  await input.fill(value);
  await input.press('Enter');
}

async function open(page: IJupyterLabPageFixture, path: string) {
  await page.evaluate(async p => {
    await (window as any).jupyterapp.commands.execute('docmanager:open', {
      path: p
    });
  }, path);
}

async function saveAndClose(
  page: IJupyterLabPageFixture,
  path: string
): Promise<any> {
  await save(page);
  const saved = JSON.parse(await readFile(page, path));
  await command(page, 'application:close-all');
  return saved;
}

const undo = (page: IJupyterLabPageFixture) =>
  page.locator('.jp-Toolbar-item[data-jp-item-name="undo"]:visible').click();

test.describe('without jupyter-collaboration', () => {
  test.setTimeout(240000);

  test('the pipeline and architecture editors open, edit, undo, save and reopen', async ({
    page,
    tmpPath
  }) => {
    const errors: string[] = [];
    page.on('pageerror', e => errors.push(e.message));
    // Collaboration is absent: no shared-document provider in this JupyterLab.
    expect(
      await page.evaluate(() =>
        (window as any).jupyterapp.hasPlugin(
          '@jupyter/docprovider-extension:content-provider'
        )
      )
    ).toBe(false);

    // The pipeline editor.
    const pipeline = `${tmpPath}/solo.pipeline.json`;
    await page.contents.uploadContent(
      JSON.stringify(PIPELINE),
      'text',
      pipeline
    );
    await open(page, pipeline);
    await expect(node(page, 'step')).toBeVisible({ timeout: 60000 });
    expect(
      await page.evaluate(
        () =>
          (window as any).jupyterapp.shell.currentWidget.context.model
            .collaborative
      )
    ).toBe(false);
    const epochs = '.jp-ForgeLab-Properties input[name="attr-epochs"]';
    await setField(page, 'step', epochs, '12');
    await expect(node(page, 'step')).toContainText('epochs = 12');
    await undo(page);
    await expect(node(page, 'step')).not.toContainText('epochs = 12');
    await setField(page, 'step', epochs, '5');
    await expect(node(page, 'step')).toContainText('epochs = 5');
    const savedPipeline = await saveAndClose(page, pipeline);
    expect(savedPipeline.nodes[0].attributes).toEqual({ epochs: 5 });
    await open(page, pipeline);
    await expect(node(page, 'step')).toContainText('epochs = 5', {
      timeout: 60000
    });
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute('application:close-all')
    );

    // The architecture editor.
    const architecture = `${tmpPath}/solo.arch.json`;
    await page.contents.uploadContent(
      JSON.stringify(ARCHITECTURE),
      'text',
      architecture
    );
    await open(page, architecture);
    await expect(node(page, 'hidden')).toContainText('units = 4', {
      timeout: 60000
    });
    // Edit once the kernel's layer catalog is in, so that the property panel is final.
    await expect(
      page.locator('.jp-ForgeLab-LayerPalette-item[data-name="Dense"]')
    ).toBeAttached({ timeout: KERNEL_TIMEOUT });
    const units =
      '.jp-ForgeLab-LayerProperties-field[data-argument="units"] input';
    await setField(page, 'hidden', units, '12');
    await expect(node(page, 'hidden')).toContainText('units = 12');
    await undo(page);
    await expect(node(page, 'hidden')).toContainText('units = 4');
    await setField(page, 'hidden', units, '9');
    await expect(node(page, 'hidden')).toContainText('units = 9');
    const savedArchitecture = await saveAndClose(page, architecture);
    expect(savedArchitecture.layers[1].arguments).toEqual({ units: 9 });
    expect(savedArchitecture.outputs).toEqual(['hidden']);
    await open(page, architecture);
    await expect(node(page, 'hidden')).toContainText('units = 9', {
      timeout: 60000
    });

    expect(errors).toEqual([]);
  });

  test('a failed run is notified and its view opens on the failed job, the whole graph in view', async ({
    page,
    tmpPath
  }) => {
    await runAFailingPipeline(page, tmpPath);
  });
});
