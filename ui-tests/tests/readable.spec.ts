/**
 * Graphs a person can read, measured on screen in Light and Dark: node titles at least 11 px
 * when a pipeline, an execution or an architecture opens, no two node boxes overlapping, text
 * contrast of at least 4.5:1 (WCAG) for node titles, job-state badges and the selected
 * provenance row, and a Fit button on every graph's toolbar. With FORGELAB_SCREENSHOTS=1 the
 * README's screenshots are written to docs/images/.
 */
import * as fs from 'fs';
import * as path from 'path';

import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Locator, TestInfo } from '@playwright/test';

import { contrast } from './contrast';
import { command } from './utils';

const REPO = path.resolve(__dirname, '..', '..');
const READABLE_PX = 11;
const MIN_CONTRAST = 4.5;

const STEP = `
def step(value=0) -> ("value",):
    return value + 1
`;

/** A pipeline of `n` operations in a few parallel chains: wide and tall enough to be large. */
function pipeline(
  name: string,
  n: number,
  chains = 1
): Record<string, unknown> {
  const ids = Array.from({ length: n }, (_, i) => `step${i}`);
  return {
    format: 'forgelab.pipeline',
    version: 1,
    name,
    nodes: ids.map(id => ({
      id,
      kind: 'operation',
      label: `Step ${id.slice(4)}`,
      operation: {
        id: 'step',
        name: 'step',
        inputs: [{ name: 'value', optional: true }],
        outputs: [{ name: 'value' }],
        attributes: [],
        source: { language: 'python', function: 'step', code: STEP }
      }
    })),
    connections: ids
      .map((id, i) => ({ id, i }))
      .filter(({ i }) => i >= chains)
      .map(({ id, i }) => ({
        source: { node: ids[i - chains], port: 'value' },
        target: { node: id, port: 'value' }
      }))
  };
}

/** On-screen size of every node title in `scope` (font size × zoom), in CSS pixels. */
function titleSizes(scope: Locator): Promise<number[]> {
  return scope
    .locator('g.jp-ForgeLab-GraphView-node .jp-ForgeLab-GraphView-title')
    .evaluateAll(titles =>
      titles.map(
        t =>
          parseFloat(getComputedStyle(t).fontSize) *
          (t as SVGGraphicsElement).getScreenCTM()!.a
      )
    );
}

/** Pairs of node boxes in `scope` that intersect on screen (ids). */
function overlaps(scope: Locator): Promise<string[]> {
  return scope.locator('g.jp-ForgeLab-GraphView-node').evaluateAll(nodes => {
    const boxes = nodes.map(n => ({
      id: (n as HTMLElement).dataset.id,
      r: n.querySelector('.jp-ForgeLab-GraphView-body')!.getBoundingClientRect()
    }));
    const found: string[] = [];
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i].r;
        const b = boxes[j].r;
        if (
          a.left < b.right - 0.5 &&
          b.left < a.right - 0.5 &&
          a.top < b.bottom - 0.5 &&
          b.top < a.bottom - 0.5
        ) {
          found.push(`${boxes[i].id}/${boxes[j].id}`);
        }
      }
    }
    return found;
  });
}

/**
 * The computed colour of each text element in `texts` and the backgrounds beneath it, nearest
 * first: a node title's node body and canvas, or an HTML element's ancestors' backgrounds.
 */
function colours(texts: Locator): Promise<{ fg: string; bgs: string[] }[]> {
  return texts.evaluateAll(elements =>
    elements.map(el => {
      const bgs: string[] = [];
      let fg: string;
      let from: Element | null = el;
      if (el instanceof SVGElement) {
        fg = getComputedStyle(el).fill;
        const body = el
          .closest('g.jp-ForgeLab-GraphView-node')!
          .querySelector('.jp-ForgeLab-GraphView-body')!;
        bgs.push(getComputedStyle(body).fill);
        from = el.closest('.jp-ForgeLab-GraphView');
      } else {
        fg = getComputedStyle(el).color;
      }
      for (; from; from = from.parentElement) {
        const bg = getComputedStyle(from).backgroundColor;
        bgs.push(bg);
        if (/^rgb\(/.test(bg)) {
          break;
        }
      }
      return { fg, bgs };
    })
  );
}

/** Every text in `texts` has at least the readable contrast; returns the lowest ratio. */
async function expectContrast(texts: Locator, what: string): Promise<number> {
  const found = await colours(texts);
  expect(found.length, `${what}: nothing to measure`).toBeGreaterThan(0);
  const ratios = found.map(c => contrast(c.fg, c.bgs));
  const lowest = Math.min(...ratios);
  expect(
    lowest,
    `${what}: ${JSON.stringify(found[ratios.indexOf(lowest)])}`
  ).toBeGreaterThanOrEqual(MIN_CONTRAST);
  return lowest;
}

async function expectReadable(scope: Locator, what: string): Promise<void> {
  const sizes = await titleSizes(scope);
  expect(sizes.length, `${what}: no node drawn`).toBeGreaterThan(0);
  expect(Math.min(...sizes), `${what}: smallest title`).toBeGreaterThanOrEqual(
    READABLE_PX - 0.01
  );
  expect(await overlaps(scope), `${what}: overlapping nodes`).toEqual([]);
}

/** Attach a screenshot to the report; written to docs/images/ when asked to. */
async function screenshot(
  page: IJupyterLabPageFixture,
  testInfo: TestInfo,
  name: string,
  readme = false
): Promise<void> {
  const body = await page.screenshot({
    path: testInfo.outputPath(`${name}.png`)
  });
  await testInfo.attach(name, { body, contentType: 'image/png' });
  if (readme && process.env.FORGELAB_SCREENSHOTS === '1') {
    fs.writeFileSync(path.join(REPO, 'docs', 'images', `${name}.png`), body);
  }
}

async function open(
  page: IJupyterLabPageFixture,
  file: string,
  factory: string
): Promise<void> {
  await page.evaluate(
    async ({ file, factory }) => {
      await (window as any).jupyterapp.commands.execute('docmanager:open', {
        path: file,
        factory
      });
    },
    { file, factory }
  );
}

const THEMES = [
  ['light', 'JupyterLab Light'],
  ['dark', 'JupyterLab Dark']
] as const;

for (const [mode, theme] of THEMES) {
  test.describe(`readable graphs (${mode})`, () => {
    test.use({ viewport: { width: 1600, height: 1000 } });

    test.beforeEach(async ({ page }) => {
      await command(page, 'apputils:change-theme', { theme });
      await expect(page.locator('body')).toHaveAttribute(
        'data-jp-theme-name',
        theme
      );
      await expect(page.locator('#jupyterlab-splash')).toHaveCount(0);
    });

    test('a large pipeline opens readable; its run shows readable states', async ({
      page,
      tmpPath
    }, testInfo) => {
      const big = `${tmpPath}/big.pipeline.json`;
      await page.contents.uploadContent(
        JSON.stringify(pipeline('big', 40, 4), null, 2),
        'text',
        big
      );
      await open(page, big, 'ForgeLab Pipeline Editor');
      const editor = page.locator('.jp-ForgeLab-PipelineDocument');
      await expect(editor.locator('g.jp-ForgeLab-GraphView-node')).toHaveCount(
        40,
        { timeout: 60000 }
      );
      await expect(editor.locator('[data-jp-item-name="fit"]')).toHaveText(
        'Fit'
      );
      await expect
        .poll(async () => Math.min(...(await titleSizes(editor))))
        .toBeGreaterThanOrEqual(READABLE_PX - 0.01);
      await expectReadable(editor, 'pipeline editor');
      await expectContrast(
        editor.locator('.jp-ForgeLab-GraphView-title'),
        'pipeline titles'
      );
      await screenshot(page, testInfo, `forgelab-pipeline-${mode}`);

      const small = `${tmpPath}/small.pipeline.json`;
      await page.contents.uploadContent(
        JSON.stringify(pipeline('small', 3), null, 2),
        'text',
        small
      );
      await open(page, small, 'ForgeLab Pipeline Editor');
      const current = page.locator(
        '.jp-ForgeLab-PipelineDocument:not(.lm-mod-hidden)'
      );
      await expect(current.locator('g.jp-ForgeLab-GraphView-node')).toHaveCount(
        3,
        { timeout: 60000 }
      );
      await current.locator('[data-jp-item-name="run"] button').click();
      await expect(
        page.locator('.jp-Dialog select[name="compute"] option').first()
      ).toBeAttached({ timeout: 30000 });
      await page.keyboard.press('Enter');
      const view = page.locator('.jp-ForgeLab-ExecutionView');
      await expect(view).toHaveAttribute('data-status', 'succeeded', {
        timeout: 120000
      });
      const toolbar = page.locator(
        '.jp-MainAreaWidget:not(.lm-mod-hidden) > .jp-Toolbar'
      );
      await expect(toolbar.locator('[data-jp-item-name="fit"]')).toHaveText(
        'Fit'
      );
      await expectReadable(view, 'execution view');
      await expectContrast(
        view.locator('.jp-ForgeLab-GraphView-title'),
        'succeeded titles'
      );
      await expectContrast(
        view.locator('.jp-ForgeLab-JobPanel-status'),
        'job state badge'
      );
      await expectContrast(
        toolbar.locator('.jp-ForgeLab-ExecutionView-state'),
        'execution state badge'
      );
      await screenshot(page, testInfo, `forgelab-execution-${mode}`, true);
    });

    test('an architecture opens laid out, readable, and Fit shows all of it', async ({
      page,
      tmpPath
    }, testInfo) => {
      const file = `${tmpPath}/redshift.arch.json`;
      await page.contents.uploadContent(
        fs.readFileSync(
          path.join(REPO, 'examples', 'redshift.arch.json'),
          'utf8'
        ),
        'text',
        file
      );
      await open(page, file, 'ForgeLab Architecture Editor');
      const editor = page.locator('.jp-ForgeLab-ArchitectureDocument');
      await expect(
        editor.locator('g.jp-ForgeLab-GraphView-node')
      ).not.toHaveCount(0, { timeout: 60000 });
      const fit = editor.locator('[data-jp-item-name="fit"]');
      await expect(fit).toHaveText('Fit');
      await expect(
        fit.locator('[title="Show the whole architecture (F)"]')
      ).toHaveCount(1);
      await expectReadable(editor, 'architecture editor');
      await expectContrast(
        editor.locator('.jp-ForgeLab-GraphView-title'),
        'layer titles'
      );
      await screenshot(page, testInfo, `forgelab-architecture-${mode}`);

      // Fit with a layer selected still shows every layer.
      await editor.locator('g.jp-ForgeLab-GraphView-node').first().click();
      await fit.locator('button').click();
      const canvas = await editor
        .locator('.jp-ForgeLab-GraphView')
        .boundingBox();
      await expect
        .poll(() =>
          editor.locator('g.jp-ForgeLab-GraphView-node').evaluateAll(
            (nodes, c) =>
              nodes.every(n => {
                const r = n.getBoundingClientRect();
                return (
                  r.left >= c!.x - 1 &&
                  r.top >= c!.y - 1 &&
                  r.right <= c!.x + c!.width + 1 &&
                  r.bottom <= c!.y + c!.height + 1
                );
              }),
            canvas
          )
        )
        .toBe(true);
    });

    test('the selected provenance row and graph are readable', async ({
      page
    }, testInfo) => {
      await page.notebook.createNew('readable.ipynb');
      await expect(page.locator('.jp-ForgeLab-kernelStatus')).toHaveAttribute(
        'data-state',
        'ready',
        { timeout: 60000 }
      );
      await page.notebook.setCell(0, 'code', 'base = 3');
      await page.notebook.runCell(0, { inplace: true });
      await page.notebook.addCell('code', 'total = base * 4 + 1');
      await page.notebook.runCell(1, { inplace: true });
      await command(page, 'forgelab:show-provenance');
      const panel = page.locator('#forgelab-provenance');
      const row = panel.locator(
        '.jp-ForgeLab-ProvenancePanel-variable[data-name="total"]'
      );
      await row.click({ timeout: 30000 });
      await expect(row).toHaveClass(/jp-mod-selected/);
      await expect(
        panel.locator('g.jp-ForgeLab-GraphView-node')
      ).not.toHaveCount(0, { timeout: 30000 });
      await expect(panel.locator('[data-jp-item-name="fit"]')).toHaveText(
        'Fit'
      );
      await expectContrast(row, 'selected provenance row');
      await expectContrast(
        panel.locator('.jp-ForgeLab-GraphView-title'),
        'provenance titles'
      );
      await expectReadable(panel, 'provenance graph');
      await screenshot(page, testInfo, `forgelab-provenance-${mode}`);
    });
  });
}
