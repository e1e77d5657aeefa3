/**
 * WCAG 2 contrast of CSS colours as the browser computes them (`rgb()`, `rgba()` and the
 * `color(srgb ...)` that `color-mix()` resolves to), with translucent layers blended in order.
 */

/** A colour as red, green, blue in 0..1 and its alpha. */
export interface IRGBA {
  r: number;
  g: number;
  b: number;
  a: number;
}

/** Parse a computed CSS colour; throws on a form the browser does not compute to. */
export function parseColour(text: string): IRGBA {
  const s = text.trim();
  if (s === 'transparent' || s === 'none') {
    return { r: 0, g: 0, b: 0, a: 0 };
  }
  const numbers = (body: string) =>
    body
      .split(/[\s,/]+/)
      .filter(Boolean)
      .map(v => (v.endsWith('%') ? parseFloat(v) / 100 : parseFloat(v)));
  let m = /^rgba?\((.*)\)$/.exec(s);
  if (m) {
    const [r, g, b, a = 1] = numbers(m[1]);
    return { r: r / 255, g: g / 255, b: b / 255, a };
  }
  m = /^color\(srgb (.*)\)$/.exec(s);
  if (m) {
    const [r, g, b, a = 1] = numbers(m[1]);
    return { r, g, b, a };
  }
  throw new Error(`Not a computed colour: ${text}`);
}

/** `top` painted over an opaque `bottom`. */
export function blend(top: IRGBA, bottom: IRGBA): IRGBA {
  const mix = (t: number, b: number) => t * top.a + b * (1 - top.a);
  return {
    r: mix(top.r, bottom.r),
    g: mix(top.g, bottom.g),
    b: mix(top.b, bottom.b),
    a: 1
  };
}

/** Relative luminance (WCAG 2). */
export function luminance(c: IRGBA): number {
  const lin = (v: number) =>
    v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  return 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b);
}

/**
 * The contrast ratio of text of colour `fg` over `backgrounds` (nearest first; the last one
 * opaque, else white is assumed beneath).
 */
export function contrast(fg: string, backgrounds: string[]): number {
  let bg: IRGBA = { r: 1, g: 1, b: 1, a: 1 };
  for (const layer of [...backgrounds].reverse()) {
    bg = blend(parseColour(layer), bg);
  }
  const text = blend(parseColour(fg), bg);
  const [hi, lo] = [luminance(text), luminance(bg)].sort((a, b) => b - a);
  return (hi + 0.05) / (lo + 0.05);
}
