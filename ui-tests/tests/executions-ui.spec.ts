/**
 * The executions UI a person meets after Run: the Run dialog explains each adapter and greys
 * out one that cannot be reached, with the reason; the execution tab is named after the pipeline
 * and a local time; Cancel is disabled once the run has ended; an empty console says so; the
 * generated code is highlighted and read-only in JupyterLab's editor; the pipeline as it ran
 * and its diff against the file; the sidebar's Cancel, Re-run, Re-run failed, Delete and
 * Download controls and its context menu.
 */
import { expect, test } from '@jupyterlab/galata';
import type { Page } from '@playwright/test';

import { command, openPipeline } from './utils';

const QUIET =
  'import time\n\n\ndef quiet(*, seconds: float = 0.0):\n    time.sleep(seconds)\n    return 1\n';

const LOUD = `
import time


def loud(n, *, times: int = 1, seconds: float = 0.0):
    time.sleep(seconds)
    print("hello " * times, flush=True)
    return "hello " * times
`;

function pipeline(times: number): Record<string, unknown> {
  return {
    format: 'forgelab.pipeline',
    version: 1,
    name: 'uiexec',
    nodes: [
      {
        id: 'quiet',
        kind: 'operation',
        operation: {
          id: 'quiet',
          name: 'quiet',
          inputs: [],
          outputs: [{ name: 'n' }],
          attributes: [{ name: 'seconds', type: 'float', default: 0 }],
          source: { language: 'python', function: 'quiet', code: QUIET }
        }
      },
      {
        id: 'loud',
        kind: 'operation',
        attributes: { times },
        operation: {
          id: 'loud',
          name: 'loud',
          inputs: [{ name: 'n' }],
          outputs: [{ name: 'text' }],
          attributes: [
            { name: 'times', type: 'int', default: 1 },
            { name: 'seconds', type: 'float', default: 0 }
          ],
          source: { language: 'python', function: 'loud', code: LOUD }
        }
      }
    ],
    connections: [
      {
        source: { node: 'quiet', port: 'n' },
        target: { node: 'loud', port: 'n' }
      }
    ]
  };
}

/** Start an execution through the REST API (as the Run button does); its id. */
async function submit(
  page: Page,
  path: string,
  set: Record<string, unknown>
): Promise<string> {
  return page.evaluate(
    async ({ path, set, doc }) => {
      const xsrf = (document.cookie.match(/_xsrf=([^;]+)/) ?? [])[1] ?? '';
      const base = JSON.parse(
        document.getElementById('jupyter-config-data')!.textContent!
      ).baseUrl;
      const answer = await fetch(`${base}forgelab/api/executions`, {
        method: 'POST',
        headers: { 'X-XSRFToken': decodeURIComponent(xsrf) },
        body: JSON.stringify({
          pipeline: doc,
          path,
          compute: 'local',
          storage: 'local',
          set
        })
      });
      return (await answer.json()).id as string;
    },
    { path, set, doc: pipeline(1) }
  );
}

test.describe('executions UI', () => {
  test('run dialog, tab title, ended state, empty console, read-only code, as it ran and its diff', async ({
    page,
    tmpPath
  }, testInfo) => {
    const path = `${tmpPath}/uiexec.pipeline.json`;
    await page.contents.uploadContent(
      JSON.stringify(pipeline(1), null, 2),
      'text',
      path
    );
    await openPipeline(page, path);
    const editor = page.locator('.jp-ForgeLab-PipelineDocument');
    await expect(
      editor.locator('g.jp-ForgeLab-GraphView-node[data-id="loud"]')
    ).toBeVisible({ timeout: 60000 });

    // The Run dialog: one line per adapter; the S3 storage (nothing listens on its endpoint)
    // is greyed out with the reason once its connection test fails, never offered as ready.
    await editor.locator('[data-jp-item-name="run"] button').click();
    const dialog = page.locator('.jp-Dialog');
    const local = dialog.locator(
      '.jp-ForgeLab-RunDialog-adapters[data-kind="compute"] li[data-name="local"]'
    );
    await expect(local).toContainText('local — ', { timeout: 30000 });
    await expect(local).not.toHaveClass(/jp-mod-disabled/);
    const s3 = dialog.locator(
      '.jp-ForgeLab-RunDialog-adapters[data-kind="storage"] li[data-name="s3"]'
    );
    await expect(s3).toHaveClass(/jp-mod-disabled/, { timeout: 30000 });
    await expect(s3).toContainText('not reachable');
    await expect(
      dialog.locator('select[name="storage"] option[value="s3"]')
    ).toBeDisabled();
    await expect(dialog.locator('select[name="storage"]')).toHaveValue('local');
    await page.keyboard.press('Enter');

    // The tab: the pipeline's name and a short local time, not a long id.
    const view = page.locator('.jp-ForgeLab-ExecutionView');
    await expect(view).toHaveAttribute('data-status', 'succeeded', {
      timeout: 90000
    });
    const tab = page.locator('.lm-TabBar-tab.lm-mod-current', {
      hasText: 'uiexec · '
    });
    await expect(tab.locator('.lm-TabBar-tabLabel')).toHaveText(
      /^uiexec · \d\d:\d\d$/
    );

    // Ended: Cancel is disabled in the toolbar.
    const widget = page.locator('.jp-MainAreaWidget', { has: view });
    await expect(
      widget.locator('[data-jp-item-name="cancel"] button')
    ).toBeDisabled();

    await view
      .locator(
        'g.jp-ForgeLab-GraphView-node[data-id="quiet"] .jp-ForgeLab-GraphView-title'
      )
      .click();
    const panel = view.locator('.jp-ForgeLab-JobPanel');
    // The ended job's Cancel is disabled and looks it, beside its enabled Open in Notebook.
    const cancelJob = panel.locator('.jp-ForgeLab-JobPanel-cancel');
    await expect(cancelJob).toBeDisabled();
    const opacity = (l: typeof cancelJob) =>
      l.evaluate(e => Number(getComputedStyle(e).opacity));
    expect(await opacity(cancelJob)).toBeLessThan(0.6);
    const notebook = panel.locator('.jp-ForgeLab-JobPanel-notebook');
    await expect(notebook).toBeEnabled();
    expect(await opacity(notebook)).toBe(1);

    // The generated code: JupyterLab's editor, highlighted, read-only.
    await panel.locator('.jp-ForgeLab-JobPanel-code summary').click();
    const main = panel.locator(
      '.jp-ForgeLab-JobPanel-editor[data-file="main.py"]'
    );
    await expect(main.locator('.cm-content')).toContainText('runtime.run');
    // Highlighted: the keyword `import` is its own styled token.
    await expect(
      main.locator('.cm-content span', { hasText: /^import$/ }).first()
    ).toBeVisible();
    await main.locator('.cm-content').click();
    await page.keyboard.type('xyz');
    await expect(main.locator('.cm-content')).not.toContainText('xyz');
    for (const theme of ['JupyterLab Light', 'JupyterLab Dark']) {
      await command(page, 'apputils:change-theme', { theme });
      await expect(page.locator('body')).toHaveAttribute(
        'data-jp-theme-name',
        theme
      );
      await testInfo.attach(`execution-ended-${theme.split(' ')[1]}`, {
        body: await page.screenshot(),
        contentType: 'image/png'
      });
    }
    await command(page, 'apputils:change-theme', {
      theme: 'JupyterLab Light'
    });

    // As it ran: the pipeline the execution ran, read-only.
    await widget.locator('[data-jp-item-name="as-it-ran"] button').click();
    const asRan = page.locator('.jp-ForgeLab-PipelineAsRan');
    await expect(
      asRan.locator('g.jp-ForgeLab-GraphView-node[data-id="loud"]')
    ).toBeVisible();

    // The file changes; the diff against it names the node and the attribute.
    await page.contents.uploadContent(
      JSON.stringify(pipeline(2), null, 2),
      'text',
      path
    );
    // (the toolbar's Compare with file button may sit in its overflow menu)
    const id = (await widget.getAttribute('id'))!.replace(
      'forgelab-execution-',
      ''
    );
    await page.evaluate(async id => {
      await (window as any).jupyterapp.commands.execute(
        'forgelab:diff-execution-pipeline',
        { id }
      );
    }, id);
    const changed = page.locator(
      '.jp-ForgeLab-PipelineDiff-node[data-node="loud"]'
    );
    await expect(changed).toContainText('times: 1 → 2');
    await expect(
      page.locator('.jp-ForgeLab-PipelineDiff-node[data-node="quiet"]')
    ).toHaveCount(0);
  });

  test('the sidebar: Cancel, Re-run, Re-run failed, Delete, Download and the context menu', async ({
    page,
    tmpPath
  }) => {
    const path = `${tmpPath}/uiexec.pipeline.json`;
    await page.contents.uploadContent(
      JSON.stringify(pipeline(1), null, 2),
      'text',
      path
    );
    const done = await submit(page, path, {});
    await command(page, 'forgelab:show-executions');
    const sidebar = page.locator('.jp-ForgeLab-ExecutionsSidebar');
    const ended = sidebar.locator(
      `.jp-ForgeLab-ExecutionsSidebar-item[data-id="${done}"]`
    );
    await expect(ended).toHaveAttribute('data-status', 'succeeded', {
      timeout: 90000
    });
    // Relative local time, the full time in the tooltip; the name is pipeline · time.
    await expect(ended.locator('time')).toHaveAttribute('title', /\d/);
    await expect(
      ended.locator('.jp-ForgeLab-ExecutionsSidebar-name')
    ).toHaveText(/^uiexec · \d\d:\d\d$/);
    const button = (item: typeof ended, name: string) =>
      item.locator(`button[name="${name}"]`);
    await expect(button(ended, 'cancel')).toBeDisabled();
    await expect(button(ended, 'rerun')).toBeEnabled();
    await expect(button(ended, 'rerun-failed')).toBeDisabled();
    await expect(button(ended, 'delete')).toBeEnabled();

    // Its artifacts are grouped under it; Download downloads the stored bytes.
    const text = ended.locator('.jp-ForgeLab-ExecutionsSidebar-artifact', {
      hasText: 'text'
    });
    await expect(text).toBeVisible();
    await expect(
      text.locator('.jp-ForgeLab-ExecutionsSidebar-type')
    ).toHaveAttribute('title', 'str');
    const download = page.waitForEvent('download');
    await button(text, 'download').click();
    expect((await download).suggestedFilename()).toContain('text');

    // The context menu offers Open, Re-run, Cancel, Delete; Cancel is disabled here.
    await ended.locator('.jp-ForgeLab-ExecutionsSidebar-name').click({
      button: 'right'
    });
    const menu = page.locator('.lm-Menu');
    for (const label of ['Open', 'Re-run', 'Cancel', 'Delete']) {
      await expect(
        menu.locator('.lm-Menu-item', {
          has: page.locator('.lm-Menu-itemLabel', {
            hasText: new RegExp(`^${label}$`)
          })
        })
      ).toBeVisible();
    }
    await expect(
      menu.locator('.lm-Menu-item.lm-mod-disabled', { hasText: 'Cancel' })
    ).toHaveCount(1);
    await page.keyboard.press('Escape');

    // Re-run opens the new execution's view.
    await button(ended, 'rerun').click();
    await expect(page.locator('.jp-ForgeLab-ExecutionView')).toHaveCount(1, {
      timeout: 30000
    });

    // A running execution: Cancel enabled, Delete not; cancelled, Re-run failed is offered.
    const slow = await submit(page, path, { 'quiet.seconds': 120 });
    await command(page, 'forgelab:show-executions');
    const running = sidebar.locator(
      `.jp-ForgeLab-ExecutionsSidebar-item[data-id="${slow}"]`
    );
    await expect(button(running, 'cancel')).toBeEnabled({ timeout: 30000 });
    await expect(button(running, 'delete')).toBeDisabled();
    // Its waiting job has no console yet, and says so instead of showing an empty box.
    await running.locator('.jp-ForgeLab-ExecutionsSidebar-name').click();
    const view = page.locator(`#forgelab-execution-${slow}`);
    await view
      .locator(
        'g.jp-ForgeLab-GraphView-node[data-id="loud"] .jp-ForgeLab-GraphView-title'
      )
      .click();
    const panel = view.locator('.jp-ForgeLab-JobPanel');
    const empty = panel.locator('.jp-ForgeLab-JobPanel-consoleEmpty');
    await expect(empty).toHaveText('The job has not started yet.');
    await expect(empty).toBeVisible();
    await expect(panel.locator('.jp-ForgeLab-JobPanel-console')).toBeHidden();
    await command(page, 'forgelab:show-executions');
    await button(running, 'cancel').click();
    await expect(running).toHaveAttribute('data-status', 'cancelled', {
      timeout: 60000
    });
    await expect(button(running, 'cancel')).toBeDisabled();
    await expect(button(running, 'rerun-failed')).toBeEnabled();

    // Delete asks first, then the record is gone.
    await button(running, 'delete').click();
    await page
      .locator('.jp-Dialog')
      .getByRole('button', { name: 'Delete' })
      .click();
    await expect(running).toHaveCount(0, { timeout: 15000 });
  });
});
