/**
 * An operation's source beside its interface: a new operation is created from the palette and
 * its code opens beside the pipeline; adding a parameter to the function adds a port, renaming
 * one drops the wire to the old port and says so, a syntax error is shown with its line. A
 * workspace operation opens its .py file; saving it updates the node. Run asks for the adapters
 * (local preselected) and runs the pipeline with the inline operation.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import { save } from './utils';

const node = (page: IJupyterLabPageFixture, id: string) =>
  page.locator(
    `.jp-ForgeLab-PipelineEditor g.jp-ForgeLab-GraphView-node[data-id="${id}"]`
  );

const inPort = (page: IJupyterLabPageFixture, id: string, name: string) =>
  page.locator(
    `.jp-ForgeLab-PipelineEditor .jp-ForgeLab-GraphView-port.jp-mod-in[data-node="${id}"][data-port="${name}"]`
  );

const outPort = (page: IJupyterLabPageFixture, id: string, name: string) =>
  page.locator(
    `.jp-ForgeLab-PipelineEditor .jp-ForgeLab-GraphView-port.jp-mod-out[data-node="${id}"][data-port="${name}"]`
  );

/** Drag a wire from an output port to an input port with the mouse. */
async function wire(
  page: IJupyterLabPageFixture,
  from: [string, string],
  to: [string, string]
): Promise<void> {
  const a = await outPort(page, ...from)
    .locator('circle')
    .boundingBox();
  const b = await inPort(page, ...to)
    .locator('circle')
    .boundingBox();
  if (!a || !b) {
    throw new Error(
      `port ${from.join('.')} or ${to.join('.')} is not on screen`
    );
  }
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2 + 20, { steps: 5 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
  await page.mouse.up();
}

/**
 * Put the cursor at `column` of line `line` of the focused editor, counted from the top
 * (`line` > 0) or, for `line` < 0, from the end: arrows up and down follow wrapped lines, so
 * only short lines are reached that way.
 */
async function cursorAt(
  page: IJupyterLabPageFixture,
  line: number,
  column: number
): Promise<void> {
  await page.keyboard.press(line > 0 ? 'Control+Home' : 'Control+End');
  for (let i = line > 0 ? 1 : 0; i < Math.abs(line); i++) {
    await page.keyboard.press(line > 0 ? 'ArrowDown' : 'ArrowUp');
  }
  for (let i = 0; i < column; i++) {
    await page.keyboard.press('ArrowRight');
  }
}

async function newPipeline(
  page: IJupyterLabPageFixture,
  cwd: string
): Promise<string> {
  await page.evaluate(
    dir =>
      (window as any).jupyterapp.commands.execute('forgelab:new-pipeline', {
        cwd: dir
      }),
    cwd
  );
  await expect(page.locator('.jp-ForgeLab-PipelineEditor')).toBeVisible();
  return page.evaluate(
    () => (window as any).jupyterapp.shell.currentWidget.context.path
  );
}

test.describe('Operation source', () => {
  test.setTimeout(180000);

  test('a new inline operation: ports follow its signature; Run asks for the adapters', async ({
    page,
    tmpPath
  }) => {
    const path = await newPipeline(page, tmpPath);

    // "New operation" adds an inline operation and opens its source beside the pipeline.
    await page.locator('.jp-ForgeLab-Palette-search').fill('new op');
    await page
      .locator('.jp-ForgeLab-Palette-item', { hasText: 'New operation' })
      .click();
    await expect(node(page, 'new_operation')).toBeVisible();
    await expect(inPort(page, 'new_operation', 'data')).toHaveCount(1);
    const panel = page.locator('.jp-ForgeLab-OperationSource');
    await expect(panel).toBeVisible();
    await expect(panel.locator('.cm-content')).toContainText(
      'def new_operation(data, *, scale: float = 1.0):'
    );
    await expect(
      panel.locator('[data-section="attributes"] li[data-name="scale"]')
    ).toHaveText('scale: float = 1.0');
    // The pipeline stays visible beside the source.
    await expect(page.locator('.jp-ForgeLab-PipelineEditor')).toBeVisible();

    // Wire an Input to `data`, so that renaming `data` has a wire to drop.
    await page.locator('.jp-ForgeLab-Palette-search').fill('input');
    await page
      .locator('.jp-ForgeLab-Palette-item', { hasText: 'Input' })
      .first()
      .click();
    await page
      .locator('.jp-ForgeLab-PipelineEditor .jp-ForgeLab-GraphView')
      .click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('f');
    await page.waitForTimeout(400);
    await wire(page, ['input', 'value'], ['new_operation', 'data']);
    await expect(
      page.locator('.jp-ForgeLab-PipelineEditor g.jp-ForgeLab-GraphView-edge')
    ).toHaveCount(1);

    // Add a parameter: a new input port appears on the node and in the interface.
    await panel.locator('.cm-content').click();
    await cursorAt(page, 1, 'def new_operation(data'.length);
    await page.keyboard.type(', labels=None');
    await expect(inPort(page, 'new_operation', 'labels')).toHaveCount(1);
    await expect(
      panel.locator('[data-section="inputs"] li[data-name="labels"]')
    ).toContainText('(optional)');
    await expect(
      page.locator('.jp-ForgeLab-PipelineEditor g.jp-ForgeLab-GraphView-edge')
    ).toHaveCount(1);
    await page.screenshot({
      path: test.info().outputPath('operation-source.png')
    });

    // A syntax error is shown with its line; the node keeps its last good interface.
    await page.keyboard.type(')');
    const message = panel.locator('.jp-ForgeLab-OperationSource-message');
    await expect(message).toContainText('Line 1');
    await expect(message).toContainText('SyntaxError');
    await expect(inPort(page, 'new_operation', 'labels')).toHaveCount(1);
    await page.keyboard.press('Backspace');
    await expect(message).not.toContainText('SyntaxError');

    // Rename `data`: its port and the wire into it go, and the user is told which.
    await cursorAt(page, 1, 'def new_operation('.length);
    for (let i = 0; i < 'data'.length; i++) {
      await page.keyboard.press('Delete');
    }
    await page.keyboard.type('values');
    // The template ends with a newline: the `return` line is the last but one.
    await cursorAt(page, -1, '    return '.length);
    for (let i = 0; i < 'data'.length; i++) {
      await page.keyboard.press('Delete');
    }
    await page.keyboard.type('values');
    await expect(inPort(page, 'new_operation', 'values')).toHaveCount(1);
    await expect(inPort(page, 'new_operation', 'data')).toHaveCount(0);
    await expect(
      page.locator('.jp-ForgeLab-PipelineEditor g.jp-ForgeLab-GraphView-edge')
    ).toHaveCount(0);
    await expect(message).toContainText(
      'Removed the connection to ports that no longer exist: input.value → new_operation.data'
    );

    // Without the Input, the operation needs a default to run: replace the whole code.
    await node(page, 'input').locator('.jp-ForgeLab-GraphView-title').click();
    await page.keyboard.press('Delete');
    await expect(node(page, 'input')).toHaveCount(0);
    await panel.locator('.cm-content').click();
    await page.keyboard.press('Control+a');
    await page.keyboard.insertText(
      'def new_operation(values=2, labels=None, *, scale: float = 1.0):\n    return values * scale\n'
    );
    await expect(
      panel.locator('[data-section="inputs"] li[data-name="values"]')
    ).toContainText('(optional)');
    await expect(
      page.locator(
        '.jp-ForgeLab-PipelineEditor g.jp-ForgeLab-GraphView-node.jp-mod-issue'
      )
    ).toHaveCount(0);
    await page.evaluate(() => {
      const app = (window as any).jupyterapp;
      const pipeline = Array.from(app.shell.widgets('main')).find((w: any) =>
        w.hasClass('jp-ForgeLab-PipelineDocument')
      ) as any;
      app.shell.activateById(pipeline.id);
    });
    await save(page);
    // The collaborative room writes the file: wait until it holds the new code.
    const saved = async () =>
      page.evaluate(async p => {
        const model = await (
          window as any
        ).jupyterapp.serviceManager.contents.get(p, { content: true });
        try {
          return JSON.parse(model.content);
        } catch {
          return { nodes: [] }; // caught while the room writes it
        }
      }, path);
    const savedOperation = async () =>
      (await saved()).nodes.find((n: any) => n.id === 'new_operation')
        ?.operation;
    await expect
      .poll(async () => (await savedOperation())?.source.code ?? '', {
        timeout: 15000
      })
      .toContain(
        'def new_operation(values=2, labels=None, *, scale: float = 1.0):'
      );
    expect((await savedOperation()).inputs.map((p: any) => p.name)).toEqual([
      'values',
      'labels'
    ]);

    // Run: a dialog lists the adapters with `local` preselected; Enter runs it.
    await page
      .locator('.jp-ForgeLab-PipelineDocument [data-jp-item-name="run"] button')
      .click();
    const compute = page.locator('.jp-Dialog select[name="compute"]');
    await expect(compute).toHaveValue('local');
    await expect(page.locator('.jp-Dialog select[name="storage"]')).toHaveValue(
      'local'
    );
    // The server's list replaces the defaults: every registered adapter is listed.
    await expect(
      page.locator('.jp-Dialog select[name="compute"] option')
    ).toHaveCount(3, { timeout: 30000 });
    await expect(compute).toHaveValue('local');
    await page.screenshot({ path: test.info().outputPath('run-dialog.png') });
    await page.keyboard.press('Enter');
    const view = page.locator('.jp-ForgeLab-ExecutionView');
    await expect(view).toBeVisible();
    await expect(
      view.locator('g.jp-ForgeLab-GraphView-node[data-id="new_operation"]')
    ).toHaveClass(/jp-ForgeLab-mod-status-succeeded/, { timeout: 60000 });
  });

  test('a workspace operation opens its file; saving it updates the node', async ({
    page,
    tmpPath
  }) => {
    await page.contents.uploadContent(
      'def halve(data, *, by: float = 2.0):\n    return data / by\n',
      'text',
      `${tmpPath}/halving.py`
    );
    await newPipeline(page, tmpPath);
    await page
      .locator('.jp-ForgeLab-Palette-search')
      .fill(`${tmpPath}/halving.py:halve`);
    await page
      .locator('.jp-ForgeLab-Palette-item', { hasText: 'Halve' })
      .first()
      .click({ timeout: 60000 });
    await expect(node(page, 'halve')).toBeVisible();

    // The code icon on the node opens the file, with the interface beside it.
    await node(page, 'halve')
      .locator('.jp-ForgeLab-GraphView-action[data-action="source"]')
      .click();
    const fileEditor = page.locator('.jp-FileEditor');
    await expect(fileEditor.locator('.cm-content')).toContainText(
      'def halve(data, *, by: float = 2.0):'
    );
    const panel = page.locator('.jp-ForgeLab-OperationSource');
    await expect(
      panel.locator('[data-section="attributes"] li[data-name="by"]')
    ).toBeVisible();

    await fileEditor.locator('.cm-content').click();
    await cursorAt(page, 1, 'def halve(data'.length);
    await page.keyboard.type(', weights');
    await page.keyboard.press('Control+s');
    await expect(inPort(page, 'halve', 'weights')).toHaveCount(1);
    await expect(
      panel.locator('[data-section="inputs"] li[data-name="weights"]')
    ).toBeVisible();
  });
});

test.describe('Reference picker', () => {
  test.setTimeout(180000);

  test('an architecture is chosen in a file dialog that shows only *.arch.json files', async ({
    page,
    tmpPath
  }) => {
    await page.contents.uploadContent(
      'from forgelab.operations import ArchitectureRef\n\n\ndef fit(data, net: ArchitectureRef):\n    return data\n',
      'text',
      `${tmpPath}/fit_ops.py`
    );
    await page.contents.uploadContent(
      '{}',
      'text',
      `${tmpPath}/nets/cnn.arch.json`
    );
    await page.contents.uploadContent('x', 'text', `${tmpPath}/nets/notes.txt`);
    await newPipeline(page, tmpPath);
    await page
      .locator('.jp-ForgeLab-Palette-search')
      .fill(`${tmpPath}/fit_ops.py:fit`);
    await page
      .locator('.jp-ForgeLab-Palette-item', { hasText: 'Fit' })
      .first()
      .click({ timeout: 60000 });
    await expect(node(page, 'fit')).toBeVisible();

    await page.getByRole('button', { name: 'Choose net' }).click();
    const dialog = page.locator('.jp-Dialog');
    await dialog.locator('.jp-DirListing-item', { hasText: 'nets' }).dblclick();
    await expect(
      dialog.locator('.jp-DirListing-item', { hasText: 'cnn.arch.json' })
    ).toBeVisible();
    await expect(
      dialog.locator('.jp-DirListing-item', { hasText: 'notes.txt' })
    ).toHaveCount(0);
    await dialog
      .locator('.jp-DirListing-item', { hasText: 'cnn.arch.json' })
      .click();
    await dialog.locator('.jp-Dialog-button.jp-mod-accept').click();
    await expect(
      page.locator('.jp-ForgeLab-Properties input[name="ref-net"]')
    ).toHaveValue('nets/cnn.arch.json');
    const saved = await page.evaluate(() => {
      const model = (window as any).jupyterapp.shell.currentWidget.content
        .model;
      return model.getNode('fit').references;
    });
    expect(saved).toEqual({ net: 'nets/cnn.arch.json' });
  });
});
