/**
 * A large pipeline (600 operations) is culled: the nodes near the visible area are drawn, readable,
 * and far ones have no element until the view gets to them (panning, Fit, the command that shows a
 * node); dragging a node and band selection still work.
 */
import { expect, test } from '@jupyterlab/galata';
import type { Page } from '@playwright/test';

import { command, graphNode } from './utils';

const N = 600;
const CANVAS =
  '.jp-ForgeLab-PipelineDocument:not(.lm-mod-hidden) .jp-ForgeLab-GraphView';

/** A layered pipeline of `n` operations: each takes one or two earlier outputs. */
function pipeline(n: number): object {
  const operation = {
    id: 'big.step',
    name: 'Step',
    inputs: [{ name: 'a' }, { name: 'b', optional: true }],
    outputs: [{ name: 'out' }],
    attributes: [],
    source: { code: 'def step(a, b=None):\n    return a\n', function: 'step' }
  };
  const nodes = Array.from({ length: n }, (_, i) => ({
    id: `op${i}`,
    kind: 'operation',
    label: `step ${i}`,
    operation
  }));
  const connections: object[] = [];
  for (let i = 1; i < n; i++) {
    connections.push({
      source: { node: `op${Math.floor((i - 1) / 2)}`, port: 'out' },
      target: { node: `op${i}`, port: 'a' }
    });
  }
  return { format: 'forgelab.pipeline', version: 1, nodes, connections };
}

/** Call a method of the current pipeline's canvas in the page. */
function canvas<T>(page: Page, method: string, ...args: unknown[]): Promise<T> {
  return page.evaluate(
    ({ method, args }) => {
      const c = (window as any).jupyterapp.shell.currentWidget.content.canvas;
      return c[method](...args);
    },
    { method, args }
  );
}

/** Ids of the node elements in the document. */
function drawnIds(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('g.jp-ForgeLab-GraphView-node')].map(el =>
      el.getAttribute('data-id')!
    )
  );
}

/** Wait until every node whose box is in the canvas has its element; their ids. */
async function waitInViewDrawn(page: Page): Promise<string[]> {
  let visible: string[] = [];
  await expect
    .poll(async () => {
      visible = await canvas<string[]>(page, 'visibleNodeIds');
      const drawn = new Set(await drawnIds(page));
      return visible.length > 0 && visible.every(id => drawn.has(id));
    })
    .toBe(true);
  return visible;
}

test('a 600-operation pipeline draws what is in view, and the rest when it comes into view', async ({
  page,
  tmpPath
}) => {
  const path = `${tmpPath}/big.pipeline.json`;
  await page.contents.uploadContent(JSON.stringify(pipeline(N)), 'text', path);
  await command(page, 'docmanager:open', { path });

  // Opened at a readable zoom on the start of the graph: what is in view is drawn, far nodes
  // have no element.
  const first = await waitInViewDrawn(page);
  expect(first).toContain('op0');
  const op0 = graphNode(page, 'op0');
  await expect(op0).toBeVisible();
  await expect(op0.locator('.jp-ForgeLab-GraphView-title')).toHaveText(
    'step 0'
  );
  const title = (await op0
    .locator('.jp-ForgeLab-GraphView-title')
    .boundingBox())!;
  expect(title.height).toBeGreaterThanOrEqual(10);
  const drawn = await drawnIds(page);
  expect(drawn.length).toBeLessThan(N / 2);
  await expect(graphNode(page, `op${N - 1}`)).toHaveCount(0);
  await expect(page.locator(`${CANVAS}-minimapNode`)).toHaveCount(N);

  // Panning (dragging the empty canvas left of the first node, leftwards) draws what comes in.
  const box = (await op0.boundingBox())!;
  const x = box.x - 20;
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x - 400, y, { steps: 10 });
  await page.mouse.up();
  const panned = await waitInViewDrawn(page);
  expect(panned.some(id => !first.includes(id))).toBe(true);

  // The command that shows a node draws a far one, centred and selected.
  const last = `op${N - 1}`;
  await command(page, 'forgelab:reveal-pipeline-node', { node: last });
  await expect(graphNode(page, last)).toBeVisible();
  await expect(graphNode(page, last)).toHaveClass(/jp-mod-selected/);
  await expect(graphNode(page, 'op0')).toHaveCount(0);
  await waitInViewDrawn(page);

  // Fit zooms out to the far view: one box per node in view, no node drawings, no text.
  await command(page, 'forgelab:fit-pipeline');
  await expect(page.locator(`${CANVAS}-farNode`).first()).toBeVisible();
  await expect(page.locator('g.jp-ForgeLab-GraphView-node')).toHaveCount(0);
  await expect(page.locator(`${CANVAS}-farEdges`)).toHaveCount(1);
  await expect(page.locator(`${CANVAS}-farNode.jp-mod-selected`)).toHaveCount(
    1
  );

  // Back at the start: a node is dragged, and a band selects the nodes it touches.
  await command(page, 'forgelab:reveal-pipeline-node', { node: 'op0' });
  await waitInViewDrawn(page);
  const before = (await canvas<{ x: number; y: number }>(
    page,
    'positionOf',
    'op0'
  ))!;
  const header = (await op0.boundingBox())!;
  await page.mouse.move(header.x + 60, header.y + 8);
  await page.mouse.down();
  await page.mouse.move(header.x + 60, header.y + 128, { steps: 8 });
  await page.mouse.up();
  await expect
    .poll(
      async () => (await canvas<{ y: number }>(page, 'positionOf', 'op0'))!.y
    )
    .toBeGreaterThan(before.y + 50);
  await command(page, 'forgelab:reveal-pipeline-node', { node: 'op0' });
  await waitInViewDrawn(page);
  await canvas(page, 'select', []);
  const moved = (await op0.boundingBox())!;
  await page.keyboard.down('Shift');
  await page.mouse.move(moved.x - 20, moved.y - 20);
  await page.mouse.down();
  await page.mouse.move(moved.x + 40, moved.y + 30, { steps: 5 });
  await page.mouse.up();
  await page.keyboard.up('Shift');
  await expect
    .poll(async () =>
      page.evaluate(() => [
        ...(window as any).jupyterapp.shell.currentWidget.content.canvas
          .selection.nodes
      ])
    )
    .toEqual(['op0']);
});
