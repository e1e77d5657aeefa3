/**
 * Finding ForgeLab in JupyterLab's own places: File › New entries and the launcher's ForgeLab
 * section create files; the file browser shows ForgeLab's icons (not JSON's) in Light and Dark;
 * the editing commands' shortcuts are in the settings and act on the canvas; a node and a
 * pipeline file have context menus.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import { graphNode } from './utils';

const CANVAS = '.jp-ForgeLab-PipelineEditor .jp-ForgeLab-GraphView';

/** The file browser's row of the file `name`. */
function listingItem(page: IJupyterLabPageFixture, name: string) {
  const exact = new RegExp(`^${name.replace(/\./g, '\\.')}$`);
  return page.locator('.jp-DirListing-item', {
    has: page.locator('.jp-DirListing-itemText', { hasText: exact })
  });
}

/** The labels of the open context menu's visible items. */
async function menuLabels(page: IJupyterLabPageFixture): Promise<string[]> {
  const menu = page.locator('.lm-Menu.lm-MenuBar-menu, .lm-Menu').last();
  await expect(menu).toBeVisible();
  return menu
    .locator('.lm-Menu-item:visible .lm-Menu-itemLabel')
    .allInnerTexts();
}

/** A new pipeline from File › New, with one Input node selected on its focused canvas. */
async function pipelineWithInput(page: IJupyterLabPageFixture): Promise<void> {
  await page.menu.clickMenuItem('File>New>Pipeline');
  await expect(page.locator(CANVAS)).toBeVisible();
  await page
    .locator('.jp-ForgeLab-Palette-item', { hasText: 'Input' })
    .first()
    .click();
  await expect(graphNode(page, 'input', CANVAS)).toHaveCount(1);
}

test.describe('Finding things', () => {
  test('File › New creates a pipeline and architectures; the file browser shows their icons', async ({
    page,
    tmpPath
  }) => {
    await page.menu.open('File>New');
    const labels = await menuLabels(page);
    for (const label of ['Pipeline', 'Architecture', 'PyTorch Architecture']) {
      expect(labels).toContain(label);
    }
    await page.menu.closeAll();

    await page.menu.clickMenuItem('File>New>Pipeline');
    await expect(page.locator('.jp-ForgeLab-PipelineEditor')).toBeVisible();
    await page.menu.clickMenuItem('File>New>Architecture');
    await expect(page.locator('.jp-ForgeLab-ArchitectureEditor')).toBeVisible();
    await page.contents.uploadContent('{}', 'text', `${tmpPath}/plain.json`);
    expect(
      await page.contents.fileExists(`${tmpPath}/untitled.pipeline.json`)
    ).toBe(true);
    expect(
      await page.contents.fileExists(`${tmpPath}/untitled.arch.json`)
    ).toBe(true);
    await page.filebrowser.refresh();

    const icon = (name: string) =>
      listingItem(page, name).locator('.jp-DirListing-itemIcon svg');
    for (const theme of ['light', 'dark']) {
      if (theme === 'dark') {
        await page.theme.setDarkTheme();
      }
      await expect(icon('untitled.pipeline.json')).toHaveAttribute(
        'data-icon',
        'forgelab:pipeline'
      );
      await expect(icon('untitled.arch.json')).toHaveAttribute(
        'data-icon',
        'forgelab:architecture'
      );
      await expect(icon('plain.json')).toHaveAttribute(
        'data-icon',
        'ui-components:json'
      );
      // The icon is drawn in the theme's icon colour, which stands out from the listing.
      const fill = await icon('untitled.pipeline.json')
        .locator('.jp-icon3')
        .first()
        .evaluate(e => getComputedStyle(e).fill);
      const background = await page
        .locator('.jp-DirListing-content')
        .evaluate(e => getComputedStyle(e).backgroundColor);
      expect(fill).toMatch(/^rgb/);
      expect(fill).not.toBe(background);
    }
  });

  test('The launcher has a ForgeLab section with plain nouns that create files', async ({
    page,
    tmpPath
  }) => {
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute('launcher:create')
    );
    const section = page.locator('.jp-Launcher-section:visible', {
      has: page.locator('.jp-Launcher-sectionTitle', { hasText: /^ForgeLab$/ })
    });
    await expect(section.locator('.jp-LauncherCard-label')).toHaveText([
      'Pipeline',
      'Architecture',
      'PyTorch Architecture'
    ]);
    await section
      .locator('.jp-LauncherCard', { hasText: /^Pipeline$/ })
      .click();
    await expect(page.locator('.jp-ForgeLab-PipelineEditor')).toBeVisible();
    expect(
      await page.contents.fileExists(`${tmpPath}/untitled.pipeline.json`)
    ).toBe(true);
  });

  test('The editing commands have shortcuts in the settings, and they act on the canvas', async ({
    page
  }) => {
    const shortcuts: { command: string; keys: string[]; selector: string }[] =
      await page.evaluate(async () => {
        const registry = await (window as any).galata.getPlugin(
          '@jupyterlab/apputils-extension:settings'
        );
        const settings = await registry.load(
          '@jupyterlab/shortcuts-extension:shortcuts'
        );
        return (settings.composite.shortcuts as any[]).filter(s =>
          String(s.command).startsWith('forgelab:')
        );
      });
    const keysOf = (command: string) =>
      shortcuts.filter(s => s.command === command).map(s => s.keys.join(' '));
    for (const kind of ['pipeline', 'architecture']) {
      expect(keysOf(`forgelab:fit-${kind}`)).toEqual(['F']);
      expect(keysOf(`forgelab:arrange-${kind}`)).toEqual(['Shift L']);
      expect(keysOf(`forgelab:delete-${kind}-selection`)).toEqual([
        'Delete',
        'Backspace'
      ]);
      expect(keysOf(`forgelab:duplicate-${kind}-selection`)).toEqual([
        'Accel D'
      ]);
      expect(keysOf(`forgelab:undo-${kind}`)).toEqual(['Accel Z']);
      expect(keysOf(`forgelab:redo-${kind}`)).toEqual([
        'Accel Shift Z',
        'Accel Y'
      ]);
    }
    expect(keysOf('forgelab:run-pipeline')).toEqual(['Shift Enter']);

    await pipelineWithInput(page);
    const nodes = page.locator(`${CANVAS} g.jp-ForgeLab-GraphView-node`);
    await graphNode(page, 'input', CANVAS)
      .locator('.jp-ForgeLab-GraphView-title')
      .click();
    await page.keyboard.press('Delete');
    await expect(nodes).toHaveCount(0);
    await page.keyboard.press('Control+z');
    await expect(nodes).toHaveCount(1);
    await graphNode(page, 'input', CANVAS)
      .locator('.jp-ForgeLab-GraphView-title')
      .click();
    await page.keyboard.press('Control+d');
    await expect(nodes).toHaveCount(2);
    await page.keyboard.press('Control+Shift+z');
    await expect(nodes).toHaveCount(2);
    await page.keyboard.press('Control+z');
    await expect(nodes).toHaveCount(1);
    await page.keyboard.press('Control+y');
    await expect(nodes).toHaveCount(2);
  });

  test('Toolbar tooltips name the keys the user configured and follow their changes', async ({
    page
  }) => {
    await pipelineWithInput(page);
    const toolbar = page.locator(
      '.jp-ForgeLab-PipelineDocument:visible > .jp-Toolbar'
    );
    const tip = (item: string) =>
      toolbar.locator(`[data-jp-item-name="${item}"] [title]`).first();
    await expect(tip('fit')).toHaveAttribute(
      'title',
      'Show the whole pipeline (F)'
    );
    await expect(tip('undo')).toHaveAttribute(
      'title',
      'Undo the last edit (Ctrl+Z)'
    );
    await expect(tip('redo')).toHaveAttribute(
      'title',
      'Redo the last undone edit (Ctrl+Shift+Z, Ctrl+Y)'
    );
    await expect(tip('run')).toHaveAttribute('title', /\(Shift\+Enter\)$/);

    // The user moves Fit to Shift+F in the shortcut settings: the tooltip follows.
    const selector = '.jp-ForgeLab-PipelineEditor .jp-ForgeLab-GraphView:focus';
    await page.evaluate(async selector => {
      const registry = await (window as any).galata.getPlugin(
        '@jupyterlab/apputils-extension:settings'
      );
      await registry.set(
        '@jupyterlab/shortcuts-extension:shortcuts',
        'shortcuts',
        [
          {
            command: 'forgelab:fit-pipeline',
            keys: ['F'],
            selector,
            disabled: true
          },
          { command: 'forgelab:fit-pipeline', keys: ['Shift F'], selector }
        ]
      );
    }, selector);
    await expect(tip('fit')).toHaveAttribute(
      'title',
      'Show the whole pipeline (Shift+F)'
    );
    // And back.
    await page.evaluate(async () => {
      const registry = await (window as any).galata.getPlugin(
        '@jupyterlab/apputils-extension:settings'
      );
      await registry.set(
        '@jupyterlab/shortcuts-extension:shortcuts',
        'shortcuts',
        []
      );
    });
    await expect(tip('fit')).toHaveAttribute(
      'title',
      'Show the whole pipeline (F)'
    );
  });

  test("A node's and a pipeline file's context menus", async ({
    page,
    tmpPath
  }) => {
    await pipelineWithInput(page);
    const nodes = page.locator(`${CANVAS} g.jp-ForgeLab-GraphView-node`);
    await graphNode(page, 'input', CANVAS)
      .locator('.jp-ForgeLab-GraphView-title')
      .click({ button: 'right' });
    expect((await menuLabels(page)).slice(0, 4)).toEqual([
      'Open Source',
      'Duplicate',
      'Delete',
      'Run from Here…'
    ]);
    await page.locator('.lm-Menu-item', { hasText: /^Duplicate$/ }).click();
    await expect(nodes).toHaveCount(2);
    // The copy is drawn over the original: delete the one on top, as a user would.
    const copy = (await nodes.last().getAttribute('data-id'))!;
    expect(copy).not.toBe('input');
    await graphNode(page, copy, CANVAS)
      .locator('.jp-ForgeLab-GraphView-title')
      .click({ button: 'right' });
    await page.locator('.lm-Menu-item', { hasText: /^Delete$/ }).click();
    await expect(nodes).toHaveCount(1);
    await expect(graphNode(page, copy, CANVAS)).toHaveCount(0);

    await page.filebrowser.refresh();
    await listingItem(page, 'untitled.pipeline.json').click({
      button: 'right'
    });
    const labels = await menuLabels(page);
    expect(labels).toContain('Run Pipeline…');
    const exportExists = await page.evaluate(() =>
      (window as any).jupyterapp.commands.hasCommand('forgelab:export-pipeline')
    );
    expect(labels.includes('Export Pipeline…')).toBe(exportExists);
    await page.keyboard.press('Escape');

    await page.contents.uploadContent('{}', 'text', `${tmpPath}/plain.json`);
    await page.filebrowser.refresh();
    await listingItem(page, 'plain.json').click({ button: 'right' });
    expect(await menuLabels(page)).not.toContain('Run Pipeline…');
  });

  test("The palette groups operations by file, the pipeline's folder first; tags are whole", async ({
    page,
    tmpPath
  }) => {
    await page.contents.uploadContent(
      'def here_op(x):\n    """Beside the pipeline."""\n    return x\n',
      'text',
      `${tmpPath}/ops.py`
    );
    await page.contents.uploadContent(
      'def elsewhere_op(x):\n    """In another folder."""\n    return x\n',
      'text',
      `${tmpPath}/other/more.py`
    );
    await page.menu.clickMenuItem('File>New>Pipeline');
    await expect(page.locator(CANVAS)).toBeVisible();
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute('forgelab:refresh-operations')
    );
    const groups = page.locator('.jp-ForgeLab-Palette-group');
    const group = (title: string) =>
      groups.filter({
        has: page.locator('summary', { hasText: new RegExp(`^${title}$`) })
      });
    await expect(groups.first().locator('summary')).toHaveText('ops.py');
    await expect(group('ops.py').locator('details')).toHaveAttribute(
      'open',
      ''
    );
    await expect(
      group('ops.py').locator('.jp-ForgeLab-Palette-item')
    ).toHaveText('Here op');
    const other = group(`${tmpPath}/other/more.py`);
    await expect(other).toHaveCount(1);
    await expect(other.locator('details')).not.toHaveAttribute('open', '');
    await expect(other.locator('.jp-ForgeLab-Palette-item')).toBeHidden();
    await expect(groups.last().locator('summary')).toHaveText('Built-in');

    // Searching opens every group with a match.
    await page.locator('.jp-ForgeLab-Palette-search').fill('elsewhere');
    await expect(other.locator('.jp-ForgeLab-Palette-item')).toBeVisible();
    await page.locator('.jp-ForgeLab-Palette-search').fill('');

    // Every category tag is drawn whole, inside its item.
    const tags = page.locator('.jp-ForgeLab-Palette-category:visible');
    expect(await tags.count()).toBeGreaterThan(0);
    const cut = await tags.evaluateAll(elements =>
      elements
        .filter(e => {
          const item = e.parentElement!.getBoundingClientRect();
          const tag = e.getBoundingClientRect();
          return (
            e.scrollWidth > e.clientWidth + 1 ||
            tag.right > item.right + 0.5 ||
            tag.left < item.left - 0.5
          );
        })
        .map(e => e.textContent)
    );
    expect(cut).toEqual([]);
  });
});
