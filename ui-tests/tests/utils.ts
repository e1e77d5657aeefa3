/**
 * What several specs do: find a node on a graph canvas, run a command, read a file as the server
 * holds it, attach screenshots to the report.
 */
import type { Locator, Page, TestInfo } from '@playwright/test';

/** A node of a graph canvas by id, inside `scope` (a CSS selector) when given. */
export function graphNode(page: Page, id: string, scope?: string): Locator {
  const node = `g.jp-ForgeLab-GraphView-node[data-id="${id}"]`;
  return page.locator(scope ? `${scope} ${node}` : node);
}

/** Run a JupyterLab command in the page; its result. */
export async function command(
  page: Page,
  id: string,
  args: Record<string, unknown> = {}
): Promise<unknown> {
  return page.evaluate(
    ({ id, args }) => (window as any).jupyterapp.commands.execute(id, args),
    { id, args }
  );
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
