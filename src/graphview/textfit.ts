/**
 * Text cut to the width it has in a node: measured in the font the theme's CSS gives the text's
 * class (so a bold title, a monospace detail and a narrow provenance node all fit), ending in an
 * ellipsis. The full text goes in the node's tooltip.
 */

/** Measures text in the fonts of graph view classes; `null` where nothing can measure. */
class TextMeasure {
  /** The width in CSS pixels of `text` drawn as the SVG text of class `cls` (of a port when `port`). */
  width(text: string, cls: string, port: boolean): number | null {
    const context = this._context();
    const font = context && this._font(cls, port);
    if (!context || !font) {
      return null;
    }
    context.font = font;
    return context.measureText(text).width;
  }

  private _context(): OffscreenCanvasRenderingContext2D | null {
    if (this._canvas === undefined) {
      // jsdom (the unit tests) has no canvas: the fallback estimate is used there.
      this._canvas =
        typeof OffscreenCanvas === 'undefined'
          ? null
          : new OffscreenCanvas(1, 1).getContext('2d');
    }
    return this._canvas;
  }

  /** The computed font of an SVG text of class `cls` inside a graph view's node. */
  private _font(cls: string, port: boolean): string | null {
    const key = `${cls}|${port}`;
    let font = this._fonts.get(key);
    if (font === undefined) {
      const probe = document.createElement('div');
      probe.className = 'jp-ForgeLab-GraphView';
      probe.style.cssText =
        'position:absolute;visibility:hidden;width:0;height:0;overflow:hidden';
      probe.innerHTML = `<svg><g class="jp-ForgeLab-GraphView-node"><g class="${port ? 'jp-ForgeLab-GraphView-port' : ''}"><text class="${cls}">x</text></g></g></svg>`;
      document.body.appendChild(probe);
      const style = getComputedStyle(probe.querySelector('text')!);
      font = style.fontSize
        ? `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`
        : '';
      probe.remove();
      this._fonts.set(key, font);
    }
    return font || null;
  }

  private _canvas: OffscreenCanvasRenderingContext2D | null | undefined;
  private _fonts = new Map<string, string>();
}

const measure = new TextMeasure();

/**
 * `text` as it fits in `width` CSS pixels when drawn as SVG text of class `cls` (a port's label
 * when `port`): whole, or cut with an ellipsis. Without a canvas to measure with, a width per
 * character of `fallbackPx` is assumed.
 */
export function fitText(
  text: string,
  cls: string,
  width: number,
  options: { port?: boolean; fallbackPx?: number } = {}
): string {
  const port = options.port ?? false;
  const fits = (t: string): boolean => {
    const w = measure.width(t, cls, port);
    return (w ?? t.length * (options.fallbackPx ?? 7)) <= width;
  };
  if (fits(text)) {
    return text;
  }
  // The longest prefix that fits with its ellipsis (binary search: widths grow with length).
  let lo = 0;
  let hi = text.length - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(text.slice(0, mid) + '…')) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return text.slice(0, lo) + '…';
}
