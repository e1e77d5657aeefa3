/**
 * The photometric-redshift case study in JupyterLab: its pipeline in the editor, and a tiny run
 * of it against the offline sky, with the loss curve arriving live and the t-SNE figure at the
 * end. With FORGELAB_SCREENSHOTS=1 the screenshots are written to docs/images/ for the README.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { TestInfo } from '@playwright/test';
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as readline from 'readline';
import { openPipeline } from './utils';

const REPO = path.resolve(__dirname, '../..');
const EXAMPLE = path.join(REPO, 'examples', 'redshift');

type Pipeline = {
  nodes: {
    id: string;
    kind: string;
    attributes?: Record<string, unknown>;
  }[];
};

function trainPipeline(): Pipeline {
  return JSON.parse(
    fs.readFileSync(path.join(EXAMPLE, 'train.pipeline.json'), 'utf8')
  );
}

/** Attach a screenshot to the report, and write it to docs/images/ when asked to. */
async function screenshot(
  page: IJupyterLabPageFixture,
  testInfo: TestInfo,
  name: string
): Promise<void> {
  const body = await page.screenshot({
    path: testInfo.outputPath(`${name}.png`)
  });
  await testInfo.attach(name, { body, contentType: 'image/png' });
  if (process.env.FORGELAB_SCREENSHOTS === '1') {
    const images = path.join(REPO, 'docs', 'images');
    fs.mkdirSync(images, { recursive: true });
    fs.writeFileSync(path.join(images, `${name}.png`), body);
  }
}

/** Upload the pipeline (and the network it references, one folder up) and open its editor. */
async function openRedshiftPipeline(
  page: IJupyterLabPageFixture,
  tmpPath: string,
  document: Pipeline
): Promise<void> {
  await page.contents.uploadContent(
    fs.readFileSync(path.join(REPO, 'examples', 'redshift.arch.json'), 'utf8'),
    'text',
    `${tmpPath}/redshift.arch.json`
  );
  const file = `${tmpPath}/redshift/train.pipeline.json`;
  await page.contents.uploadContent(
    JSON.stringify(document, null, 2),
    'text',
    file
  );
  await openPipeline(page, file);
}

/**
 * Show a job of the current execution view (the canvas scrolls to its node). Through the view's
 * API rather than a click: the pipeline is wider than the canvas, so a node may lie outside it.
 */
async function selectJob(
  page: IJupyterLabPageFixture,
  node: string
): Promise<void> {
  await page.evaluate(
    id => (window as any).jupyterapp.shell.currentWidget.content.selectNode(id),
    node
  );
}

/** `forgelab example redshift --offline` on a small sky; resolves to its settings. */
function serveSky(
  root: string
): Promise<{ process: ChildProcess; settings: Record<string, string> }> {
  const child = spawn(
    process.env.PYTHON || 'python',
    [
      '-m',
      'forgelab.cli',
      'example',
      'redshift',
      '--offline',
      '--json',
      '--galaxies',
      '200',
      '--root',
      root
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] }
  );
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    lines.once('line', line =>
      resolve({ process: child, settings: JSON.parse(line) })
    );
    child.once('exit', code =>
      reject(
        new Error(`forgelab example redshift --offline exited with ${code}`)
      )
    );
  });
}

test.describe('redshift case study', () => {
  // Wide enough for the whole pipeline to be readable in the README's screenshots.
  test.use({ viewport: { width: 1920, height: 1080 } });

  test('the training pipeline opens in the editor with all its nodes', async ({
    page,
    tmpPath
  }, testInfo) => {
    const document = trainPipeline();
    await openRedshiftPipeline(page, tmpPath, document);
    const editor = page.locator('.jp-ForgeLab-PipelineDocument');
    for (const node of document.nodes) {
      await expect(
        editor.locator(`g.jp-ForgeLab-GraphView-node[data-id="${node.id}"]`)
      ).toBeVisible();
    }
    await expect(editor.locator('g.jp-ForgeLab-GraphView-node')).toHaveCount(
      document.nodes.length
    );
    await expect(
      editor.locator('g.jp-ForgeLab-GraphView-node[data-id="train"]')
    ).toContainText('Train validate');
    await page.sidebar.close('left');
    await editor.locator('[data-jp-item-name="fit"] button').click();
    await screenshot(page, testInfo, 'redshift-pipeline');
  });

  test('a tiny run shows the loss curve live, then the t-SNE figure', async ({
    page,
    tmpPath
  }, testInfo) => {
    // A real run: nine jobs, each a Python process that imports pandas or Keras, and a
    // network to train. That takes minutes on two busy cores, so it runs when screenshots are
    // asked for (FORGELAB_SCREENSHOTS=1), not on every test run.
    test.skip(
      process.env.FORGELAB_SCREENSHOTS !== '1',
      'a real training run: set FORGELAB_SCREENSHOTS=1'
    );
    test.setTimeout(600000);
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'forgelab-galata-sky-'));
    const sky = await serveSky(root);
    try {
      const document = trainPipeline();
      const values: Record<string, Record<string, unknown>> = {
        config: { scale: 'tiny' },
        query: { casjobs_url: sky.settings.casjobs_url },
        download: {
          sas_url: sky.settings.sas_url,
          directory: path.join(root, 'frames')
        }
      };
      for (const node of document.nodes) {
        if (values[node.id]) {
          node.attributes = { ...(node.attributes ?? {}), ...values[node.id] };
        }
      }
      await openRedshiftPipeline(page, tmpPath, document);
      const editor = page.locator('.jp-ForgeLab-PipelineDocument');
      await expect(
        editor.locator('g.jp-ForgeLab-GraphView-node[data-id="train"]')
      ).toBeVisible();
      await editor.locator('[data-jp-item-name="run"] button').click();
      await expect(
        page.locator('.jp-Dialog select[name="compute"] option')
      ).toHaveCount(3, { timeout: 30000 });
      await page.keyboard.press('Enter');

      const view = page.locator('.jp-ForgeLab-ExecutionView');
      await expect(view).toBeVisible();
      const train = view.locator(
        'g.jp-ForgeLab-GraphView-node[data-id="train"]'
      );
      await expect(train).toHaveClass(/jp-ForgeLab-mod-status-running/, {
        timeout: 300000
      });
      await page.sidebar.close('left');
      await selectJob(page, 'train');
      const panel = view.locator('.jp-ForgeLab-JobPanel');
      const loss = panel.locator('img.jp-ForgeLab-JobPanel-figure');
      await expect(loss).toHaveCount(1, { timeout: 180000 });
      await loss.click();
      await expect(loss).toHaveClass(/jp-mod-zoomed/);
      await screenshot(page, testInfo, 'redshift-running');

      await expect(view).toHaveAttribute('data-status', 'succeeded', {
        timeout: 240000
      });
      await selectJob(page, 'embedding_plot');
      await expect(panel).toHaveAttribute('data-status', 'succeeded');
      await expect(panel.locator('.jp-ForgeLab-JobPanel-title')).toHaveText(
        'Visualize embeddings'
      );
      const scatter = panel.locator('img.jp-ForgeLab-JobPanel-figure');
      await expect(scatter).toHaveCount(1, { timeout: 30000 });
      await expect(
        view.locator('g.jp-ForgeLab-GraphView-node[data-id="tsne"]')
      ).toHaveClass(/jp-ForgeLab-mod-status-succeeded/);
      await scatter.click();
      await expect(scatter).toHaveClass(/jp-mod-zoomed/);
      await screenshot(page, testInfo, 'redshift-tsne');
    } finally {
      sky.process.kill('SIGTERM');
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
