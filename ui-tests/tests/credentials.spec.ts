/**
 * Nothing the browser receives holds a credential, and opening someone else's pipeline runs
 * none of its code.
 *
 * The test server (jupyter_server_test_config.py) configures an S3 store with recognisable
 * credentials. A pipeline runs on it through the UI; every HTTP response body and websocket
 * frame the page receives meanwhile is searched for them.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Page } from '@playwright/test';
import { openPipeline } from './utils';

const SECRETS = ['forgelab-test-secret-value', 'AKIAFORGELABTESTKEY'];

const NUMBERS = `
def numbers(*, n: int = 3):
    print("made", n)
    return list(range(n))
`;

function operationNode(id: string, code: string, fn: string): unknown {
  return {
    id,
    kind: 'operation',
    operation: {
      id: `inline:${fn}`,
      name: fn,
      inputs: [],
      outputs: [{ name: 'result' }],
      attributes: [{ name: 'n', type: 'int', default: 3 }],
      source: { language: 'python', function: fn, code }
    }
  };
}

function pipeline(id: string, code: string, fn: string): string {
  return JSON.stringify({
    format: 'forgelab.pipeline',
    version: 1,
    nodes: [operationNode(id, code, fn)],
    connections: []
  });
}

/** Record every response body and websocket frame the page receives, with what holds a secret. */
function recordLeaks(page: Page): string[] {
  const leaks: string[] = [];
  const search = (where: string, text: string) => {
    for (const secret of SECRETS) {
      if (text.includes(secret)) {
        leaks.push(`${where} contains ${secret}`);
      }
    }
  };
  page.on('response', async response => {
    const body = await response.text().catch(() => '');
    search(response.url(), body);
  });
  page.on('websocket', socket => {
    socket.on('framereceived', frame =>
      search(socket.url(), frame.payload.toString())
    );
  });
  return leaks;
}

test.use({ autoGoto: false });

test('no credential reaches the browser while an S3 execution is run and inspected', async ({
  page,
  tmpPath
}) => {
  const leaks = recordLeaks(page);
  await page.goto();
  const path = `${tmpPath}/on-s3.pipeline.json`;
  await page.contents.uploadContent(
    pipeline('numbers', NUMBERS, 'numbers'),
    'text',
    path
  );
  await openPipeline(page, path);
  const editor = page.locator('.jp-ForgeLab-PipelineDocument');
  await editor.locator('[data-jp-item-name="run"] button').click();
  // The dialog greys the unreachable S3 storage out (its connection test fails); the run on
  // it is then submitted as the Run button would, to see the failure and what reaches the page.
  await expect(
    page.locator('.jp-Dialog select[name="storage"] option[value="s3"]')
  ).toBeDisabled({ timeout: 30000 });
  await page.keyboard.press('Escape');
  const id = await page.evaluate(async p => {
    const xsrf = (document.cookie.match(/_xsrf=([^;]+)/) ?? [])[1] ?? '';
    const base = JSON.parse(
      document.getElementById('jupyter-config-data')!.textContent!
    ).baseUrl;
    const file = await fetch(`${base}api/contents/${p}?content=1`).then(r =>
      r.json()
    );
    const answer = await fetch(`${base}forgelab/api/executions`, {
      method: 'POST',
      headers: { 'X-XSRFToken': decodeURIComponent(xsrf) },
      body: JSON.stringify({
        pipeline: JSON.parse(file.content),
        path: p,
        compute: 'local',
        storage: 's3',
        set: {}
      })
    });
    return (await answer.json()).id as string;
  }, path);
  await page.evaluate(async id => {
    await (window as any).jupyterapp.commands.execute(
      'forgelab:open-execution',
      { id }
    );
  }, id);

  // Nothing listens at the store's endpoint: the job fails storing its output, and says so.
  const view = page.locator('.jp-ForgeLab-ExecutionView');
  await expect(view).toHaveAttribute('data-status', 'failed', {
    timeout: 90000
  });
  await view
    .locator(
      'g.jp-ForgeLab-GraphView-node[data-id="numbers"] .jp-ForgeLab-GraphView-title'
    )
    .click();
  const panel = view.locator('.jp-ForgeLab-JobPanel');
  await expect(
    panel.locator('.jp-ForgeLab-JobPanel-line', { hasText: 'made 3' })
  ).toBeVisible({ timeout: 30000 });
  await panel
    .locator('.jp-ForgeLab-JobPanel-code summary')
    .dispatchEvent('click'); // under a toast
  const job = panel.locator(
    '.jp-ForgeLab-JobPanel-editor[data-file="job.json"] .cm-content'
  );
  // job.json holds the storage's settings without its credentials (they reach the job
  // through its environment): nothing to mask.
  // The editor draws only the lines in view: the whole file is read as the panel got it.
  await expect(job).toContainText('"job": "j-');
  const jobId = /"job": "([^"]+)"/.exec((await job.textContent())!)![1];
  const text: string = await page.evaluate(
    async ({ id, jobId }) => {
      const base = JSON.parse(
        document.getElementById('jupyter-config-data')!.textContent!
      ).baseUrl;
      const answer = await fetch(
        `${base}forgelab/api/executions/${id}/jobs/${jobId}/code`
      );
      return (await answer.json()).files['job.json'];
    },
    { id, jobId }
  );
  expect(text).toContain('"bucket": "forgelab-test"');
  expect(text).not.toContain('"secret"');

  await page.evaluate(async () => {
    await (window as any).jupyterapp.commands.execute('forgelab:open-adapters');
    await (window as any).jupyterapp.commands.execute(
      'forgelab:show-executions'
    );
  });
  await expect(
    page.locator('.jp-ForgeLab-adapters [data-adapter="storage:s3"]')
  ).toContainText('***');

  for (const secret of SECRETS) {
    expect(await page.content()).not.toContain(secret);
  }
  expect(leaks).toEqual([]);
});

test("opening a stranger's pipeline and its source runs none of its code", async ({
  page,
  tmpPath
}) => {
  await page.goto();
  const root: string = await page.evaluate(
    () =>
      JSON.parse(document.getElementById('jupyter-config-data')!.textContent!)
        .serverRoot
  );
  const marker = `${tmpPath}/marker.txt`;
  const hostile = `import pathlib
pathlib.Path(${JSON.stringify(`${root}/${marker}`)}).write_text("ran")


def numbers(*, n: int = 3):
    return list(range(n))
`;
  const path = `${tmpPath}/stranger.pipeline.json`;
  await page.contents.uploadContent(
    pipeline('stranger', hostile, 'numbers'),
    'text',
    path
  );
  await page.contents.uploadContent(hostile, 'text', `${tmpPath}/stranger.py`);
  await openPipeline(page, path);
  const node = page.locator(
    '.jp-ForgeLab-PipelineDocument g.jp-ForgeLab-GraphView-node[data-id="stranger"]'
  );
  await expect(node).toBeVisible();
  await node
    .locator('.jp-ForgeLab-GraphView-action[data-action="source"]')
    .click();
  const source = page.locator('.jp-ForgeLab-OperationSource');
  await expect(
    source.locator('[data-section="attributes"] li[data-name="n"]')
  ).toBeVisible();
  // Describing the code (as an edit would) and listing the workspace's operations.
  const described = await page.evaluate(
    async ([code]) => {
      const settings = (window as any).jupyterapp.serviceManager.serverSettings;
      const init = {
        method: 'POST',
        body: JSON.stringify({ code, function: 'numbers' })
      };
      const url = `${settings.baseUrl}forgelab/api/operations/introspect`;
      const xsrf = document.cookie.match(/_xsrf=([^;]+)/)?.[1] ?? '';
      const answer = await fetch(url, {
        ...init,
        headers: { 'X-XSRFToken': xsrf, 'Content-Type': 'application/json' }
      });
      const listed = await fetch(`${settings.baseUrl}forgelab/api/operations`);
      return [answer.status, listed.status];
    },
    [hostile]
  );
  expect(described).toEqual([200, 200]);
  await page.waitForTimeout(1000);
  expect(await page.contents.fileExists(marker)).toBe(false);
});
