/**
 * The pipeline editor, driven by mouse the way a person uses it: create a pipeline from the
 * launcher, add operations from the palette, wire them, set an attribute, save, close and
 * reopen; a connection that would close a cycle is refused with its reason on screen.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import { save } from './utils';

/** Plain Python functions the server turns into operations (the paper's Figure 3). */
const OPERATIONS = `
def get_data(*, samples: int = 100) -> ("data", "labels"):
    """Make a toy data set."""
    return list(range(samples)), [i % 2 for i in range(samples)]


def train(data, labels, *, epochs: int = 3) -> ("model",):
    """Fit a model."""
    return {"epochs": epochs}


def score(model, data, labels) -> ("accuracy",):
    """Score the model."""
    return 1.0
`;

const port = (
  page: IJupyterLabPageFixture,
  direction: 'in' | 'out',
  node: string,
  name: string
) =>
  page.locator(
    `.jp-ForgeLab-PipelineEditor .jp-ForgeLab-GraphView-port.jp-mod-${direction}[data-node="${node}"][data-port="${name}"] circle`
  );

/** Drag a wire from an output port to an input port with the mouse. */
async function wire(
  page: IJupyterLabPageFixture,
  from: [string, string],
  to: [string, string]
): Promise<void> {
  const a = await port(page, 'out', ...from).boundingBox();
  const b = await port(page, 'in', ...to).boundingBox();
  if (!a || !b) {
    throw new Error(
      `port ${from.join('.')} or ${to.join('.')} is not on screen`
    );
  }
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2 + 20, { steps: 5 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
  await page.mouse.up();
}

/** Add an operation by searching the palette and clicking the match. */
async function addFromPalette(
  page: IJupyterLabPageFixture,
  query: string,
  name: string
): Promise<void> {
  const search = page.locator('.jp-ForgeLab-Palette-search');
  await search.fill(query);
  await page
    .locator('.jp-ForgeLab-Palette-item', { hasText: name })
    .first()
    .click();
}

async function fileText(
  page: IJupyterLabPageFixture,
  path: string
): Promise<string> {
  return page.evaluate(async p => {
    const model = await (window as any).jupyterapp.serviceManager.contents.get(
      p,
      { content: true }
    );
    return model.content as string;
  }, path);
}

test.describe('Pipeline editor', () => {
  test.setTimeout(180000);

  test('builds, saves and reopens a pipeline by mouse; refuses a cycle with its reason', async ({
    page,
    tmpPath
  }) => {
    await page.contents.uploadContent(
      OPERATIONS,
      'text',
      `${tmpPath}/figure3_ops.py`
    );
    await page.filebrowser.refresh();

    // New pipeline from the launcher.
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute('launcher:create')
    );
    await page
      .locator(
        '.jp-LauncherCard[title="Create a new ForgeLab pipeline"]:visible'
      )
      .click();
    const editor = page.locator('.jp-ForgeLab-PipelineEditor');
    await expect(editor).toBeVisible();
    const path: string = await page.evaluate(
      () => (window as any).jupyterapp.shell.currentWidget.context.path
    );
    expect(path).toMatch(/\.pipeline\.json$/);

    // The palette lists the workspace's functions under their file, the pipeline's folder first
    // (importing them can take a moment).
    await expect(
      page.locator('.jp-ForgeLab-Palette-group summary').first()
    ).toHaveText('figure3_ops.py', {
      timeout: 60000
    });
    await addFromPalette(page, 'figure3_ops.py:get_data', 'Get data');
    await addFromPalette(page, 'figure3_ops.py:train', 'Train');
    await addFromPalette(page, 'figure3_ops.py:score', 'Score');
    await addFromPalette(page, 'output', 'Output');
    await page.locator('.jp-ForgeLab-Palette-search').fill('');
    await expect(
      page.locator('.jp-ForgeLab-PipelineEditor g.jp-ForgeLab-GraphView-node')
    ).toHaveCount(4);
    await page
      .locator('.jp-ForgeLab-PipelineEditor .jp-ForgeLab-GraphView')
      .click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('f');
    await page.waitForTimeout(400);

    await wire(page, ['get_data', 'data'], ['train', 'data']);
    await wire(page, ['train', 'model'], ['score', 'model']);
    await expect(
      page.locator('.jp-ForgeLab-PipelineEditor g.jp-ForgeLab-GraphView-edge')
    ).toHaveCount(2);

    // score depends on train: feeding train from score would close a cycle.
    await wire(page, ['score', 'accuracy'], ['train', 'labels']);
    const message = page.locator(
      '.jp-ForgeLab-GraphView-message.jp-mod-visible'
    );
    await expect(message).toContainText('would create a cycle');
    await expect(
      page.locator('.jp-ForgeLab-PipelineEditor g.jp-ForgeLab-GraphView-edge')
    ).toHaveCount(2);
    await page.screenshot({
      path: test.info().outputPath('pipeline-cycle-refused.png')
    });

    await wire(page, ['get_data', 'labels'], ['train', 'labels']);
    await wire(page, ['get_data', 'data'], ['score', 'data']);
    await wire(page, ['get_data', 'labels'], ['score', 'labels']);
    await wire(page, ['score', 'accuracy'], ['output', 'value']);
    await expect(
      page.locator('.jp-ForgeLab-PipelineEditor g.jp-ForgeLab-GraphView-edge')
    ).toHaveCount(6);
    // Every input is fed: no node is flagged.
    await expect(
      page.locator(
        '.jp-ForgeLab-PipelineEditor g.jp-ForgeLab-GraphView-node.jp-mod-issue'
      )
    ).toHaveCount(0);

    // Set an attribute in the property panel.
    await page
      .locator(
        'g.jp-ForgeLab-GraphView-node[data-id="train"] .jp-ForgeLab-GraphView-title'
      )
      .click();
    const epochs = page.locator(
      '.jp-ForgeLab-Properties input[name="attr-epochs"]'
    );
    await expect(epochs).toHaveValue('3');
    await epochs.fill('12');
    await epochs.press('Enter');
    await expect(
      page.locator(
        '.jp-ForgeLab-PipelineEditor g.jp-ForgeLab-GraphView-node[data-id="train"]'
      )
    ).toContainText('epochs = 12');

    await expect(
      page.locator('.lm-TabBar-tab.jp-mod-current.jp-mod-dirty')
    ).toHaveCount(1);
    await save(page);
    await page.screenshot({
      path: test.info().outputPath('pipeline-editor.png')
    });
    const saved = JSON.parse(await fileText(page, path));
    expect(saved.format).toBe('forgelab.pipeline');
    expect(saved.nodes.map((n: any) => n.id)).toEqual([
      'get_data',
      'train',
      'score',
      'output'
    ]);
    expect(saved.nodes[1].attributes).toEqual({ epochs: 12 });
    expect(saved.connections).toHaveLength(6);

    // Close and reopen: the same pipeline, drawn the same, not dirty.
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute('application:close-all')
    );
    await expect(editor).toHaveCount(0);
    await page.evaluate(async p => {
      await (window as any).jupyterapp.commands.execute('docmanager:open', {
        path: p
      });
    }, path);
    await expect(
      page.locator('.jp-ForgeLab-PipelineEditor g.jp-ForgeLab-GraphView-node')
    ).toHaveCount(4);
    await expect(
      page.locator('.jp-ForgeLab-PipelineEditor g.jp-ForgeLab-GraphView-edge')
    ).toHaveCount(6);
    await expect(
      page.locator(
        '.jp-ForgeLab-PipelineEditor g.jp-ForgeLab-GraphView-node[data-id="train"]'
      )
    ).toContainText('epochs = 12');
    await save(page);
    expect(JSON.parse(await fileText(page, path))).toEqual(saved);
  });
});
