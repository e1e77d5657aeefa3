/**
 * ANSI SGR escapes (colours, bold) of console output turned into styled segments; every other
 * escape sequence is dropped.
 */

/** A run of text with the same style. */
export interface IAnsiSegment {
  /** The text. */
  text: string;
  /** CSS classes (`jp-ForgeLab-ansi-fg-red`, `jp-ForgeLab-ansi-bold`...). */
  classes: string[];
}

const COLOURS = [
  'black',
  'red',
  'green',
  'yellow',
  'blue',
  'magenta',
  'cyan',
  'white'
];

// eslint-disable-next-line no-control-regex
const ESCAPE = /\x1b\[([0-9;?]*)([A-Za-z])/g;

/** Split a line into styled segments. */
export function ansiSegments(line: string): IAnsiSegment[] {
  const segments: IAnsiSegment[] = [];
  let fg: string | null = null;
  let bg: string | null = null;
  let bold = false;
  let last = 0;
  const push = (text: string) => {
    if (!text) {
      return;
    }
    const classes: string[] = [];
    if (fg) {
      classes.push(`jp-ForgeLab-ansi-fg-${fg}`);
    }
    if (bg) {
      classes.push(`jp-ForgeLab-ansi-bg-${bg}`);
    }
    if (bold) {
      classes.push('jp-ForgeLab-ansi-bold');
    }
    segments.push({ text, classes });
  };
  for (const match of line.matchAll(ESCAPE)) {
    push(line.slice(last, match.index));
    last = (match.index ?? 0) + match[0].length;
    if (match[2] !== 'm') {
      continue;
    }
    const codes = match[1] === '' ? [0] : match[1].split(';').map(Number);
    for (const code of codes) {
      if (code === 0) {
        fg = bg = null;
        bold = false;
      } else if (code === 1) {
        bold = true;
      } else if (code === 22) {
        bold = false;
      } else if (code >= 30 && code <= 37) {
        fg = COLOURS[code - 30];
      } else if (code >= 90 && code <= 97) {
        fg = `bright-${COLOURS[code - 90]}`;
      } else if (code === 39) {
        fg = null;
      } else if (code >= 40 && code <= 47) {
        bg = COLOURS[code - 40];
      } else if (code === 49) {
        bg = null;
      }
    }
  }
  push(line.slice(last));
  return segments;
}
