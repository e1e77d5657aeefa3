/**
 * The provenance panel: a notebook's variables with their versions, the graph of one variable,
 * a click on a node selects its cell, reify opens a pipeline; a widget edit is recorded.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';

import { command, graphNode, readFile } from './utils';

// galata's kernel tracking rewrites some kernel requests: let them through untouched.
test.use({ kernels: null });

async function runCells(page: IJupyterLabPageFixture, codes: string[]) {
  for (const [index, code] of codes.entries()) {
    if (index > 0) {
      await page.notebook.addCell('code', code);
    } else {
      await page.notebook.setCell(0, 'code', code);
    }
    await page.notebook.runCell(index, { inplace: true });
  }
}

async function openNotebook(page: IJupyterLabPageFixture, name: string) {
  await page.notebook.createNew(name);
  await expect(page.locator('.jp-ForgeLab-kernelStatus')).toHaveAttribute(
    'data-state',
    'ready',
    { timeout: 60000 }
  );
}

async function showPanel(page: IJupyterLabPageFixture) {
  await page.evaluate(async () => {
    await (window as any).jupyterapp.commands.execute(
      'forgelab:show-provenance'
    );
  });
  const panel = page.locator('#forgelab-provenance');
  await expect(panel).toBeVisible();
  return panel;
}

test('variables, their graph, jump to a cell and reify into the pipeline editor', async ({
  page
}) => {
  await openNotebook(page, 'prov.ipynb');
  await runCells(page, ['a = 2', 'b = a * 10', 'a = 5\nc = b + a']);
  const panel = await showPanel(page);

  const c = panel.locator(
    '.jp-ForgeLab-ProvenancePanel-variable[data-name="c"]'
  );
  await expect(c).toContainText('v1');
  await expect(
    panel.locator('.jp-ForgeLab-ProvenancePanel-variable[data-name="a"]')
  ).toContainText('v2');

  // A variable's context menu offers to reify it.
  await c.click({ button: 'right' });
  await expect(
    page.locator('.lm-Menu-itemLabel', { hasText: 'Reify c…' })
  ).toBeVisible();
  await page.keyboard.press('Escape');

  await c.click();
  const nodes = panel.locator('g.jp-ForgeLab-GraphView-node');
  await expect(nodes).toHaveCount(3);
  await expect(
    panel.locator('.jp-ForgeLab-GraphView-edges path')
  ).not.toHaveCount(0);
  await page.screenshot({ path: 'test-results/forgelab-provenance.png' });

  // The node of `a = 2` selects the first cell.
  const first = nodes.filter({ hasText: 'a = 2' });
  await first.locator('.jp-ForgeLab-GraphView-title').click();
  await expect(
    page.locator(
      '.jp-NotebookPanel .jp-Cell.jp-mod-active .jp-InputArea-editor'
    )
  ).toHaveText('a = 2');
  await expect(
    panel.locator('.jp-ForgeLab-ProvenancePanel-message')
  ).toContainText('Cell 1 selected');

  await panel.locator('.jp-ForgeLab-ProvenancePanel-reify').click();
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog).toContainText('Lift constants into attributes');
  await expect(dialog).toContainText('Allow network');
  await dialog.getByRole('button', { name: 'Reify' }).click();
  const editor = page.locator('.jp-ForgeLab-PipelineDocument');
  await expect(editor).toBeVisible({ timeout: 30000 });
  await expect(
    page.locator('.lm-DockPanel-tabBar .lm-TabBar-tab', {
      hasText: 'c.pipeline.json'
    })
  ).toBeVisible();
  await expect(editor.locator('g.jp-ForgeLab-GraphView-node')).not.toHaveCount(
    0
  );
});

test('a widget edit is recorded and reified with its value', async ({
  page,
  tmpPath
}) => {
  await openNotebook(page, 'widget.ipynb');
  await runCells(page, [
    'import ipywidgets as w\nslider = w.IntSlider(value=3, max=20)\nslider'
  ]);
  // The user types a new value into the slider's readout.
  const readout = page.locator('.widget-readout').first();
  await expect(readout).toBeVisible({ timeout: 30000 });
  await readout.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('7');
  await page.keyboard.press('Enter');
  await expect(readout).toHaveText('7');

  const notebook = `${tmpPath}/widget.ipynb`;
  await expect
    .poll(
      async () =>
        page.evaluate(async path => {
          const app = (window as any).jupyterapp;
          const settings = app.serviceManager.serverSettings;
          const response = await fetch(
            `${settings.baseUrl}forgelab/api/provenance/records?notebook=${encodeURIComponent(path)}`
          );
          const body = await response.json();
          return body.records
            .filter((r: any) => r.kind === 'widget')
            .map((r: any) => r.code);
        }, notebook),
      { timeout: 20000 }
    )
    .toEqual(['slider.value = 7']);

  await page.notebook.addCell('code', 'y = slider.value * 2\ny');
  await page.notebook.runCell(1, { inplace: true });
  expect(await page.notebook.getCellTextOutput(1)).toEqual(['14']);

  await showPanel(page);
  await page.evaluate(async () => {
    void (window as any).jupyterapp.commands.execute(
      'forgelab:reify-variable',
      {
        target: 'y'
      }
    );
  });
  const dialog = page.locator('.jp-Dialog');
  await dialog.locator('input[name="lift"]').uncheck();
  await dialog.getByRole('button', { name: 'Reify' }).click();
  await expect(page.locator('.jp-ForgeLab-PipelineDocument')).toBeVisible({
    timeout: 30000
  });
  const text = await page.evaluate(async path => {
    const app = (window as any).jupyterapp;
    const model = await app.serviceManager.contents.get(path, {
      content: true
    });
    return typeof model.content === 'string'
      ? model.content
      : JSON.stringify(model.content);
  }, `${tmpPath}/y.pipeline.json`);
  expect(text).toContain('slider.value = 7');
});

test("an artifact's Provenance button shows its graph, and it reifies", async ({
  page
}) => {
  await openNotebook(page, 'art.ipynb');
  await runCells(page, ['base = 3', 'scaled = base * 4', 'total = scaled + 1']);
  // Reify as a user does: the command first waits until the kernel has stored its records
  // (they are written in the background), then reifies. Asking the server directly could
  // reify before the last cell's record is in, and a busy machine makes that likely.
  await showPanel(page);
  const reifying = page.evaluate(
    () =>
      (window as any).jupyterapp.commands.execute('forgelab:reify-variable', {
        target: 'total'
      }) as Promise<string | null>
  );
  const dialog = page.locator('.jp-Dialog');
  await dialog.locator('input[name="lift"]').uncheck();
  await dialog.getByRole('button', { name: 'Reify' }).click();
  const reified = await reifying;
  expect(reified).toBeTruthy();
  // Then run the pipeline: its jobs make artifacts.
  const execution = await page.evaluate(async path => {
    const app = (window as any).jupyterapp;
    const base = `${app.serviceManager.serverSettings.baseUrl}forgelab/api/`;
    const xsrf = document.cookie.match(/_xsrf=([^;]+)/)?.[1] ?? '';
    const response = await fetch(base + 'executions', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-XSRFToken': xsrf },
      body: JSON.stringify({ path })
    });
    return response.json();
  }, reified);
  expect(execution.id).toBeTruthy();

  await page.evaluate(() =>
    (window as any).jupyterapp.commands.execute('forgelab:show-executions')
  );
  const sidebar = page.locator('.jp-ForgeLab-ExecutionsSidebar');
  const artifact = sidebar
    .locator('.jp-ForgeLab-ExecutionsSidebar-artifact', { hasText: 'scaled' })
    .first();
  await expect(artifact).toBeVisible({ timeout: 90000 });
  await artifact.locator('button', { hasText: 'Provenance' }).click();

  const panel = page.locator('#forgelab-provenance');
  await expect(panel).toBeVisible();
  await expect(
    panel.locator('.jp-ForgeLab-ProvenancePanel-subjectName')
  ).toContainText('artifact');
  await expect(panel.locator('g.jp-ForgeLab-GraphView-node')).toHaveCount(2);

  await panel.locator('.jp-ForgeLab-ProvenancePanel-reify').click();
  await expect(
    page.locator('.lm-DockPanel-tabBar .lm-TabBar-tab', {
      hasText: 'scaled.pipeline.json'
    })
  ).toBeVisible({ timeout: 30000 });

  // The artifact's graph again, then the notebook gets the focus: the graph makes way for the
  // empty state, since the panel follows the notebook (its variables are listed above).
  await artifact.locator('button', { hasText: 'Provenance' }).click();
  await expect(panel.locator('g.jp-ForgeLab-GraphView-node')).toHaveCount(2);
  await page
    .locator('.lm-DockPanel-tabBar .lm-TabBar-tab', { hasText: 'art.ipynb' })
    .click();
  await expect(panel.locator('g.jp-ForgeLab-GraphView-node')).toHaveCount(0);
  await expect(
    panel.locator('.jp-ForgeLab-ProvenancePanel-subjectName')
  ).not.toContainText('artifact');
  await expect(
    panel.locator('.jp-ForgeLab-ProvenancePanel-variable[data-name="total"]')
  ).toBeVisible();
});

test("a cell output's context menu shows its graph and reifies it", async ({
  page
}) => {
  await openNotebook(page, 'output.ipynb');
  await runCells(page, [
    'xs = [1, 2, 3]',
    'unused = 0',
    'ys = [x * x for x in xs]',
    'sum(ys)'
  ]);
  const output = page
    .locator('.jp-NotebookPanel .jp-Cell')
    .nth(3)
    .locator('.jp-OutputArea-child')
    .first();
  await expect(output).toContainText('14');

  await output.click({ button: 'right' });
  await page
    .locator('.lm-Menu-itemLabel', {
      hasText: 'Show Provenance of This Output'
    })
    .click();
  const panel = page.locator('#forgelab-provenance');
  await expect(panel).toBeVisible();
  await expect(
    panel.locator('.jp-ForgeLab-ProvenancePanel-subjectName')
  ).toContainText('output of cell');
  // The sum, the squares and the list: not `unused = 0`.
  await expect(panel.locator('g.jp-ForgeLab-GraphView-node')).toHaveCount(3);

  await output.click({ button: 'right' });
  await page
    .locator('.lm-Menu-itemLabel', { hasText: 'Reify This Output…' })
    .click();
  const dialog = page.locator('.jp-Dialog');
  await dialog.getByRole('button', { name: 'Reify' }).click();
  await expect(page.locator('.jp-ForgeLab-PipelineDocument')).toBeVisible({
    timeout: 30000
  });
  await expect(
    page.locator('.lm-DockPanel-tabBar .lm-TabBar-tab', {
      hasText: /cell-\d+\.pipeline\.json/
    })
  ).toBeVisible();
});

test('Verify a reified variable, then see it go stale when an input changes', async ({
  page,
  tmpPath
}) => {
  await openNotebook(page, 'verify.ipynb');
  await runCells(page, [
    'lr = 0.5',
    'w = [1.0, 2.0, 3.0]',
    'score = sum(x * lr for x in w)'
  ]);
  const panel = await showPanel(page);
  void command(page, 'forgelab:reify-variable', { target: 'score' });
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog.locator('input[name="network"]')).not.toBeChecked();
  await page.screenshot({ path: 'test-results/forgelab-reify-dialog.png' });
  await dialog.getByRole('button', { name: 'Reify' }).click();
  const editor = page.locator('.jp-ForgeLab-PipelineDocument');
  await expect(editor).toBeVisible({ timeout: 30000 });

  // A reified operation names its cells by number and first line, not by record id.
  const doc = JSON.parse(
    await readFile(page, `${tmpPath}/score.pipeline.json`)
  );
  const maker = doc.nodes.find((n: any) =>
    (n.operation?.outputs ?? []).some((o: any) => o.name === 'score')
  );
  // The editor opens at a readable zoom, which in this small window leaves the last node under
  // the property panel: show the whole graph first, as a user would.
  await editor.locator('.jp-ForgeLab-FitButton').first().click();
  await graphNode(page, maker.id, '.jp-ForgeLab-PipelineDocument')
    .locator('rect')
    .first()
    .click();
  await expect(editor.locator('.jp-ForgeLab-Properties-origins')).toContainText(
    'cell [3]: score = sum(x * lr for x in w)'
  );

  await editor.locator('.jp-ForgeLab-Verify-button').click();
  const verdict = editor.locator('.jp-ForgeLab-Verdict');
  await expect(verdict).toHaveText('Reproduced', { timeout: 90000 });
  await expect(verdict).toHaveAttribute('title', /reproduced/);
  // The verdict is kept with the pipeline, beside what it was reified from.
  const stored = await page.evaluate(
    () =>
      (window as any).jupyterapp.shell.currentWidget.content.model.toPipeline()
        .metadata.reifiedFrom.verification
  );
  expect(stored).toMatchObject({ outcome: 'reproduced', detail: null });
  expect(stored.execution).toBeTruthy();
  await page.screenshot({ path: 'test-results/forgelab-verify-light.png' });

  // A new lr: score's history read lr v1, so score is stale.
  await page.notebook.activate('verify.ipynb');
  await page.notebook.addCell('code', 'lr = 0.1');
  await page.notebook.runCell(3, { inplace: true });
  const score = panel.locator(
    '.jp-ForgeLab-ProvenancePanel-variable[data-name="score"]'
  );
  const marker = score.locator('.jp-ForgeLab-ProvenancePanel-stale');
  await expect(marker).toBeVisible({ timeout: 30000 });
  await expect(marker).toHaveAttribute(
    'title',
    'score reads lr v1; lr is now v2 (cell [4])'
  );
  await score.click();
  await expect(
    panel.locator('g.jp-ForgeLab-GraphView-node.fl-mod-stale')
  ).toHaveCount(1);
  await page.screenshot({ path: 'test-results/forgelab-stale-light.png' });

  await command(page, 'apputils:change-theme', { theme: 'JupyterLab Dark' });
  await expect(page.locator('body')).toHaveAttribute(
    'data-jp-theme-light',
    'false'
  );
  await expect(page.locator('#jupyterlab-splash')).toHaveCount(0);
  await page.waitForTimeout(500);
  await page.screenshot({ path: 'test-results/forgelab-stale-dark.png' });
  await page
    .locator('.lm-DockPanel-tabBar .lm-TabBar-tab', {
      hasText: 'score.pipeline.json'
    })
    .click();
  await page.screenshot({ path: 'test-results/forgelab-verify-dark.png' });
});

test('a long variable name is cut to its node with the whole name in the tooltip', async ({
  page
}) => {
  const name = 'normalised_training_features_after_outlier_removal_version_2';
  expect(name).toHaveLength(60);
  await openNotebook(page, 'long.ipynb');
  await runCells(page, ['base = 3', `${name} = base * 4`]);
  const panel = await showPanel(page);
  await panel
    .locator(`.jp-ForgeLab-ProvenancePanel-variable[data-name="${name}"]`)
    .click();
  const nodes = panel.locator('g.jp-ForgeLab-GraphView-node');
  await expect(nodes).toHaveCount(2);
  // Every text of a node (title, subtitle, details, port labels) stays inside its box.
  const outside = await nodes.evaluateAll(all =>
    all.flatMap(node => {
      const box = node
        .querySelector('rect.jp-ForgeLab-GraphView-body')!
        .getBoundingClientRect();
      return [...node.querySelectorAll('text')]
        .filter(text => {
          const r = text.getBoundingClientRect();
          return (
            r.width > 0 &&
            (r.left < box.left - 0.5 ||
              r.right > box.right + 0.5 ||
              r.top < box.top - 0.5 ||
              r.bottom > box.bottom + 0.5)
          );
        })
        .map(text => text.textContent);
    })
  );
  expect(outside).toEqual([]);
  // The cut title ends in an ellipsis; the node's tooltip has the whole name.
  const producer = nodes.filter({ hasText: `${name} = base * 4` });
  await expect(producer.locator('.jp-ForgeLab-GraphView-title')).toHaveText(
    /…$/
  );
  await expect(producer.locator(':scope > title')).toContainText(
    `${name} = base * 4`
  );
});
