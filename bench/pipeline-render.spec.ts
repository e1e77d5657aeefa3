/**
 * Pipeline editor benchmark: time from opening a pipeline of N operations (no saved
 * positions, so dagre lays it out) to all its nodes drawn, and frames per second while panning.
 * Ratios are against the smallest pipeline measured in the same run.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';

const SIZES = [50, 200, 500, 1000];

/** A layered pipeline: each operation takes one or two earlier outputs. */
function pipeline(n: number): object {
  const operation = {
    id: 'bench.step',
    name: 'Step',
    inputs: [{ name: 'a' }, { name: 'b', optional: true }],
    outputs: [{ name: 'out' }],
    attributes: [
      { name: 'rate', type: 'float', default: 0.1 },
      { name: 'mode', type: 'choice', choices: ['x', 'y'], default: 'x' }
    ],
    source: {
      code: 'def step(a, b=None, *, rate=0.1, mode="x"):\n    return a\n',
      function: 'step'
    }
  };
  const nodes = Array.from({ length: n }, (_, i) => ({
    id: `op${i}`,
    kind: 'operation',
    operation
  }));
  const connections: object[] = [];
  for (let i = 1; i < n; i++) {
    connections.push({
      source: { node: `op${Math.floor((i - 1) / 2)}`, port: 'out' },
      target: { node: `op${i}`, port: 'a' }
    });
    if (i > 3 && i % 3 === 0) {
      connections.push({
        source: { node: `op${i - 3}`, port: 'out' },
        target: { node: `op${i}`, port: 'b' }
      });
    }
  }
  return { format: 'forgelab.pipeline', version: 1, nodes, connections };
}

async function openAndTime(
  page: IJupyterLabPageFixture,
  path: string,
  n: number
): Promise<number> {
  return page.evaluate(
    async ({ path, n }) => {
      const start = performance.now();
      void (window as any).jupyterapp.commands.execute('docmanager:open', {
        path
      });
      return new Promise<number>(resolve => {
        const check = () => {
          const view = document.querySelector(
            '.lm-Widget.jp-ForgeLab-PipelineDocument:not(.lm-mod-hidden)'
          );
          if (
            view &&
            view.querySelectorAll('g.jp-ForgeLab-GraphView-node').length === n
          ) {
            // The next frame is the first one painted with every node.
            requestAnimationFrame(() => resolve(performance.now() - start));
          } else {
            requestAnimationFrame(check);
          }
        };
        check();
      });
    },
    { path, n }
  );
}

async function panFps(page: IJupyterLabPageFixture): Promise<number> {
  const box = (await page
    .locator(
      '.jp-ForgeLab-PipelineDocument:not(.lm-mod-hidden) .jp-ForgeLab-GraphView-canvas'
    )
    .boundingBox())!;
  const frames = page.evaluate(
    () =>
      new Promise<number>(resolve => {
        let count = 0;
        const start = performance.now();
        const tick = () => {
          count++;
          if (performance.now() - start < 1500) {
            requestAnimationFrame(tick);
          } else {
            resolve((count * 1000) / (performance.now() - start));
          }
        };
        requestAnimationFrame(tick);
      })
  );
  const x = box.x + 20;
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  for (let i = 0; i < 90; i++) {
    await page.mouse.move(x + (i % 30) * 8, y + (i % 15) * 4);
  }
  await page.mouse.up();
  return frames;
}

test('pipeline editor: first render and panning', async ({ page, tmpPath }) => {
  test.setTimeout(300000);
  const rows: { n: number; ms: number; fps: number }[] = [];
  for (const n of SIZES) {
    const path = `${tmpPath}/bench-${n}.pipeline.json`;
    await page.contents.uploadContent(
      JSON.stringify(pipeline(n)),
      'text',
      path
    );
    const ms = await openAndTime(page, path, n);
    const fps = await panFps(page);
    rows.push({ n, ms, fps });
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute('application:close-all')
    );
  }
  const base = rows[0];
  console.log('\noperations  open→drawn (ms)  ratio vs 50  pan fps');
  for (const r of rows) {
    console.log(
      `${String(r.n).padStart(10)}  ${r.ms.toFixed(0).padStart(15)}  ${(r.ms / base.ms).toFixed(2).padStart(11)}  ${r.fps.toFixed(1).padStart(7)}`
    );
  }
  expect(rows).toHaveLength(SIZES.length);
});
