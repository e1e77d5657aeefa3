/**
 * What the architecture editor specs do by mouse: add a layer from the palette, wire two layers,
 * type an argument, fit the canvas.
 */
import type { Locator, Page } from '@playwright/test';

/** Starting a kernel and importing a framework in it takes a while on a small machine. */
export const KERNEL_TIMEOUT = 120000;

/** A layer's input or output port (its circle, the part a person grabs). */
export function port(
  page: Page,
  direction: 'in' | 'out',
  id: string,
  name: string
): Locator {
  return page.locator(
    `.jp-ForgeLab-GraphView-port.jp-mod-${direction}[data-node="${id}"][data-port="${name}"] circle`
  );
}

/** Drag a wire from a layer's output to one of its successor's inputs with the mouse. */
export async function wire(
  page: Page,
  from: string,
  to: string,
  input = '0'
): Promise<void> {
  const a = await port(page, 'out', from, 'out').boundingBox();
  const b = await port(page, 'in', to, input).boundingBox();
  if (!a || !b) {
    throw new Error(`layer ${from} or ${to} is not on screen`);
  }
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2 + 20, { steps: 5 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
  await page.mouse.up();
}

/** Add a layer by searching the palette and clicking it. */
export async function addLayer(page: Page, name: string): Promise<void> {
  await page.locator('.jp-ForgeLab-LayerPalette-search').fill(name);
  await page
    .locator(`.jp-ForgeLab-LayerPalette-item[data-name="${name}"]`)
    .click();
}

/** Type an argument's value in the property panel of the selected layer. */
export async function setArgument(
  page: Page,
  name: string,
  value: string
): Promise<void> {
  const input = page.locator(
    `.jp-ForgeLab-LayerProperties-field[data-argument="${name}"] input`
  );
  await input.fill(value);
  await input.press('Enter');
}

/** Fit the canvas to the whole architecture (a click on the background clears the selection). */
export async function fit(page: Page): Promise<void> {
  await page
    .locator('.jp-ForgeLab-ArchitectureEditor .jp-ForgeLab-GraphView')
    .click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('f');
  await page.waitForTimeout(600);
}
