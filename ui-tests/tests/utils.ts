/**
 * What several specs do: find a node on a graph canvas, run a command, open a pipeline in its
 * editor, save the current document, read a file as the server holds it, attach screenshots to
 * the report.
 */
import { expect } from '@jupyterlab/galata';
import type { Locator, Page, TestInfo } from '@playwright/test';

/** A node of a graph canvas by id, inside `scope` (a CSS selector) when given. */
export function graphNode(page: Page, id: string, scope?: string): Locator {
  const node = `g.jp-ForgeLab-GraphView-node[data-id="${id}"]`;
  return page.locator(scope ? `${scope} ${node}` : node);
}

/**
 * Open the pipeline file at `path` in ForgeLab's pipeline editor. The widget stays in the page:
 * returning it from `evaluate` would make Playwright serialise a whole widget tree.
 */
export async function openPipeline(page: Page, path: string): Promise<void> {
  await page.evaluate(async p => {
    await (window as any).jupyterapp.commands.execute('docmanager:open', {
      path: p,
      factory: 'ForgeLab Pipeline Editor'
    });
  }, path);
}

/**
 * Run a JupyterLab command in the page and wait for it. Its result stays in the page: many
 * commands return a widget, which Playwright would try to serialise.
 */
export async function command(
  page: Page,
  id: string,
  args: Record<string, unknown> = {}
): Promise<void> {
  await page.evaluate(
    async ({ id, args }) => {
      await (window as any).jupyterapp.commands.execute(id, args);
    },
    { id, args }
  );
}

/**
 * Save the current document (File > Save) and wait until its tab is clean.
 *
 * With jupyter-collaboration, JupyterLab now and then asks whether to overwrite a file that the
 * shared document's own autosave has just written: the new file hash from two quick autosaves can
 * reach the page out of order (jupyterlab/jupyter-collaboration#312, jupytext/jupytext#1447). The
 * open shared document is then the newer content, so this answers Overwrite, as a user would; the
 * specs check what the file holds afterwards. Without collaboration the question means a real
 * conflict, and the save fails. ForgeLab itself never saves on its own and writes the same text on
 * every save, so it never causes the question: collaboration.spec.ts ("ForgeLab's own saves never
 * raise the File Changed dialog") saves without this handler and fails if it is asked.
 */
export async function save(page: Page): Promise<void> {
  const saved = page.evaluate(() =>
    (window as any).jupyterapp.commands.execute('docmanager:save')
  );
  const conflict = page.locator('.jp-Dialog', { hasText: 'File Changed' });
  let done = false;
  const finished = saved.then(() => {
    done = true;
  });
  while (!done) {
    await Promise.race([finished, page.waitForTimeout(250)]);
    if (!done && (await conflict.isVisible())) {
      const collaborative = await page.evaluate(
        () =>
          (window as any).jupyterapp.shell.currentWidget?.context?.model
            ?.collaborative === true
      );
      if (!collaborative) {
        throw new Error(`Saving met a conflict: ${await conflict.innerText()}`);
      }
      await conflict.getByRole('button', { name: 'Overwrite' }).click();
    }
  }
  await expect(
    page.locator('.lm-TabBar-tab.jp-mod-current.jp-mod-dirty')
  ).toHaveCount(0);
}

/** The text of the file at `path`, as the server holds it. */
export async function readFile(page: Page, path: string): Promise<string> {
  const model = await page.evaluate(
    p =>
      (window as any).jupyterapp.serviceManager.contents.get(p, {
        content: true,
        format: 'text',
        type: 'file'
      }),
    path
  );
  return model.content;
}

/** Attach a screenshot of each page to the test report, under its name. */
export async function attachScreenshots(
  testInfo: TestInfo,
  pages: [string, Page][]
): Promise<void> {
  for (const [name, page] of pages) {
    const body = await page.screenshot({
      path: testInfo.outputPath(`${name}.png`)
    });
    await testInfo.attach(name, { body, contentType: 'image/png' });
  }
}
