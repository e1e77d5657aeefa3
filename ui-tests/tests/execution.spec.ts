/**
 * Running a pipeline from its editor opens the live execution view: console lines (ANSI
 * colours rendered) and a plot arrive while the job still runs, then the final colours; the
 * executions sidebar lists the execution and traces its artifacts.
 */
import { expect, test } from '@jupyterlab/galata';
import { runAFailingPipeline } from './failedrun';
import { openPipeline } from './utils';

/**
 * A training-like job: a line and a loss curve per step, then it waits for a marker file the
 * test writes once it has seen the live output, so "still running" never depends on timing.
 */
const TRAIN = `
import os
import time

import matplotlib.pyplot as plt


def train(*, steps: int = 4, marker: str = "") -> ("losses",):
    """Print a line and redraw a loss curve per step."""
    fig, ax = plt.subplots()
    losses = []
    for step in range(steps):
        losses.append(1.0 / (step + 1))
        print(f"\\x1b[32mstep {step}\\x1b[0m loss={losses[-1]:.3f}", flush=True)
        ax.clear()
        ax.plot(losses, marker="o")
        ax.set_title("loss")
        fig.canvas.draw()
        time.sleep(0.2)
    deadline = time.time() + 90
    while marker and not os.path.exists(marker) and time.time() < deadline:
        time.sleep(0.1)
    print("finished", flush=True)
    return losses
`;

const REPORT = `
def report(losses) -> ("best",):
    """The lowest loss."""
    print("best", min(losses))
    return min(losses)
`;

function pipeline(marker: string): Record<string, unknown> {
  return {
    format: 'forgelab.pipeline',
    version: 1,
    name: 'live',
    nodes: [
      {
        id: 'train',
        kind: 'operation',
        attributes: { steps: 4, marker },
        operation: {
          id: 'train',
          name: 'train',
          inputs: [],
          outputs: [{ name: 'losses' }],
          attributes: [
            { name: 'steps', type: 'int', default: 4 },
            { name: 'marker', type: 'str', default: '' }
          ],
          source: { language: 'python', function: 'train', code: TRAIN }
        }
      },
      {
        id: 'report',
        kind: 'operation',
        operation: {
          id: 'report',
          name: 'report',
          inputs: [{ name: 'losses' }],
          outputs: [{ name: 'best' }],
          attributes: [],
          source: { language: 'python', function: 'report', code: REPORT }
        }
      }
    ],
    connections: [
      {
        source: { node: 'train', port: 'losses' },
        target: { node: 'report', port: 'losses' }
      }
    ]
  };
}

test.describe('execution view', () => {
  test('shows console lines and a plot while the job runs, then the final colours', async ({
    page,
    tmpPath
  }, testInfo) => {
    const root: string = await page.evaluate(
      () =>
        JSON.parse(document.getElementById('jupyter-config-data')!.textContent!)
          .serverRoot
    );
    const marker = `${root}/${tmpPath}/release.marker`;
    const path = `${tmpPath}/live.pipeline.json`;
    await page.contents.uploadContent(
      JSON.stringify(pipeline(marker), null, 2),
      'text',
      path
    );
    await openPipeline(page, path);
    const editor = page.locator('.jp-ForgeLab-PipelineDocument');
    await expect(
      editor.locator('g.jp-ForgeLab-GraphView-node[data-id="train"]')
    ).toBeVisible();

    // Run asks for the adapters (local preselected; Enter runs), then opens the execution view.
    await editor.locator('[data-jp-item-name="run"] button').click();
    await expect(
      page.locator('.jp-Dialog select[name="compute"] option')
    ).toHaveCount(3, { timeout: 30000 });
    await expect(page.locator('.jp-Dialog select[name="compute"]')).toHaveValue(
      'local'
    );
    await page.keyboard.press('Enter');
    const view = page.locator('.jp-ForgeLab-ExecutionView');
    await expect(view).toBeVisible();
    const trainNode = view.locator(
      'g.jp-ForgeLab-GraphView-node[data-id="train"]'
    );
    const reportNode = view.locator(
      'g.jp-ForgeLab-GraphView-node[data-id="report"]'
    );
    await expect(trainNode).toHaveClass(/jp-ForgeLab-mod-status-running/, {
      timeout: 60000
    });
    await trainNode.locator('.jp-ForgeLab-GraphView-title').click();
    const panel = view.locator('.jp-ForgeLab-JobPanel');

    // Live: the first lines and the plot arrive while the job is still running.
    const firstLine = panel.locator('.jp-ForgeLab-JobPanel-line', {
      hasText: 'step 0'
    });
    await expect(firstLine).toBeVisible({ timeout: 60000 });
    await expect(panel).toHaveAttribute('data-status', 'running');
    await expect(
      firstLine.locator('.jp-ForgeLab-ansi-fg-green', { hasText: 'step 0' })
    ).toBeVisible();
    const figure = panel.locator('img.jp-ForgeLab-JobPanel-figure');
    await expect(figure).toHaveCount(1, { timeout: 30000 });
    await expect(panel).toHaveAttribute('data-status', 'running');
    await expect(trainNode).toHaveClass(/jp-ForgeLab-mod-status-running/);
    await expect(reportNode).toHaveClass(/jp-ForgeLab-mod-status-pending/);
    // Every step redraws the same figure in place: still one image, drawn again.
    await expect(
      panel.locator('.jp-ForgeLab-JobPanel-line', { hasText: 'step 3' })
    ).toBeVisible({ timeout: 30000 });
    await expect(panel).toHaveAttribute('data-status', 'running');
    await expect(figure).toHaveCount(1);
    await figure.click();
    await expect(figure).toHaveClass(/jp-mod-zoomed/);
    const live = await page.screenshot({
      path: testInfo.outputPath('execution-live.png')
    });
    await testInfo.attach('execution-live', {
      body: live,
      contentType: 'image/png'
    });

    // Release the job: both jobs end green, the execution succeeded.
    await page.contents.uploadContent('', 'text', `${tmpPath}/release.marker`);
    await expect(view).toHaveAttribute('data-status', 'succeeded', {
      timeout: 60000
    });
    await expect(trainNode).toHaveClass(/jp-ForgeLab-mod-status-succeeded/);
    await expect(reportNode).toHaveClass(/jp-ForgeLab-mod-status-succeeded/);
    await expect(panel).toHaveAttribute('data-status', 'succeeded');
    await expect(
      panel.locator('.jp-ForgeLab-JobPanel-line', { hasText: 'finished' })
    ).toBeVisible();
    await expect(panel.locator('.jp-ForgeLab-JobPanel-info')).toContainText(
      'Adapter'
    );

    // The generated code of the job.
    await panel.locator('.jp-ForgeLab-JobPanel-code summary').click();
    await expect(
      panel.locator('.jp-ForgeLab-JobPanel-editor[data-file="main.py"]')
    ).toBeVisible();
    const final = await page.screenshot({
      path: testInfo.outputPath('execution-final.png')
    });
    await testInfo.attach('execution-final', {
      body: final,
      contentType: 'image/png'
    });

    // The sidebar lists it; its output artifacts trace back to their jobs.
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute('forgelab:show-executions')
    );
    const sidebar = page.locator('.jp-ForgeLab-ExecutionsSidebar');
    const item = sidebar.locator(
      '.jp-ForgeLab-ExecutionsSidebar-item[data-status="succeeded"]'
    );
    await expect(item.first()).toBeVisible({ timeout: 15000 });
    const artifact = sidebar
      .locator('.jp-ForgeLab-ExecutionsSidebar-artifact', { hasText: 'best' })
      .first();
    await expect(artifact).toBeVisible();
    await artifact.locator('button', { hasText: 'Provenance' }).click();
    await expect(
      artifact.locator('.jp-ForgeLab-ExecutionsSidebar-provenance li').first()
    ).toContainText('report');
    const listed = await page.screenshot({
      path: testInfo.outputPath('executions-sidebar.png')
    });
    await testInfo.attach('executions-sidebar', {
      body: listed,
      contentType: 'image/png'
    });
  });

  test('a failed run is notified and its view opens on the failed job, the whole graph in view', async ({
    page,
    tmpPath
  }) => {
    await runAFailingPipeline(page, tmpPath);
  });
});

/** A job that waits for a marker file, then fails: it ends only once the test says so. */
const WAIT_THEN_FAIL = `
import os
import time


def wait_then_fail(*, marker: str = "") -> ("value",):
    deadline = time.time() + 90
    while not os.path.exists(marker) and time.time() < deadline:
        time.sleep(0.1)
    raise ValueError("the marker came: failing on purpose")
`;

test.describe('a run whose view was closed', () => {
  test.setTimeout(180000);

  test('is still notified when it fails, and Open brings its view back', async ({
    page,
    tmpPath
  }) => {
    const path = `${tmpPath}/closed.pipeline.json`;
    const root: string = await page.evaluate(
      () =>
        JSON.parse(document.getElementById('jupyter-config-data')!.textContent!)
          .serverRoot
    );
    const pipeline = {
      format: 'forgelab.pipeline',
      version: 1,
      name: 'closed',
      nodes: [
        {
          id: 'wait',
          kind: 'operation',
          label: 'Wait then fail',
          attributes: { marker: `${root}/${tmpPath}/go.txt` },
          operation: {
            id: 'wait',
            name: 'wait',
            inputs: [],
            outputs: [{ name: 'value' }],
            attributes: [{ name: 'marker', type: 'str', default: '' }],
            source: {
              language: 'python',
              function: 'wait_then_fail',
              code: WAIT_THEN_FAIL
            }
          }
        }
      ],
      connections: []
    };
    await page.contents.uploadContent(
      JSON.stringify(pipeline, null, 2),
      'text',
      path
    );
    await openPipeline(page, path);
    const editor = page.locator('.jp-ForgeLab-PipelineDocument');
    await expect(
      editor.locator('g.jp-ForgeLab-GraphView-node[data-id="wait"]')
    ).toBeVisible({ timeout: 60000 });
    await editor.locator('[data-jp-item-name="run"] button').click();
    await expect(
      page.locator('.jp-Dialog select[name="compute"] option').first()
    ).toBeAttached({ timeout: 30000 });
    await page.keyboard.press('Enter');

    // The view opens on the running job; the user closes it at once.
    const view = page.locator('.jp-ForgeLab-ExecutionView');
    await expect(view).toHaveAttribute('data-status', /pending|running/, {
      timeout: 60000
    });
    await page
      .locator('.lm-TabBar-tab', { hasText: 'closed · ' })
      .locator('.lm-TabBar-tabCloseIcon')
      .click();
    await expect(view).toHaveCount(0);

    await page.contents.uploadContent('go', 'text', `${tmpPath}/go.txt`);
    const notice = page.locator('.jp-toast-message', {
      hasText: 'closed failed: Wait then fail — ValueError: '
    });
    await expect(notice).toBeVisible({ timeout: 120000 });
    await expect(notice).toContainText('failing on purpose');
    await page.locator('.jp-toast-button', { hasText: 'Open' }).click();
    await expect(view).toHaveAttribute('data-status', 'failed');
    await expect(view.locator('.jp-ForgeLab-JobPanel')).toHaveAttribute(
      'data-status',
      'failed'
    );
  });
});
