/**
 * Argument values as the property panel shows and reads them: Python-like text (`(3, 3)`,
 * `None`, `True`) to JSON values and back, typed by the catalog's declared argument types.
 */
import { IArgumentSpec } from './catalog';

/** An argument value as text a Python user reads: `relu`, `(3, 3)`, `None`, `True`. */
export function formatValue(value: unknown): string {
  if (value === undefined) {
    return '';
  }
  if (value === null) {
    return 'None';
  }
  if (typeof value === 'boolean') {
    return value ? 'True' : 'False';
  }
  if (typeof value === 'string') {
    return value;
  }
  if (Array.isArray(value)) {
    return `(${value.map(formatValue).join(', ')}${value.length === 1 ? ',' : ''})`;
  }
  return JSON.stringify(value);
}

/**
 * The JSON value of text typed for `spec`; `undefined` for empty text (the default applies).
 * Throws an error that says what was expected when the text fits none of the argument's types.
 */
export function parseValue(text: string, spec: IArgumentSpec): unknown {
  const raw = text.trim();
  if (!raw) {
    return undefined;
  }
  const types = spec.types ?? [];
  if (raw === 'None') {
    return null;
  }
  if (raw === 'True' || raw === 'False') {
    return raw === 'True';
  }
  const wantsTuple = types.includes('tuple') || types.includes('list');
  if (/^[([]/.test(raw) || (wantsTuple && raw.includes(','))) {
    const inner = raw.replace(/^[([]\s*|\s*[)\]]$/g, '');
    const items = inner
      .split(',')
      .map(s => s.trim())
      .filter(Boolean);
    return items.map(item => parseScalar(item, spec));
  }
  return parseScalar(raw, spec);
}

function parseScalar(raw: string, spec: IArgumentSpec): unknown {
  if (raw === 'None') {
    return null;
  }
  if (raw === 'True' || raw === 'False') {
    return raw === 'True';
  }
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw)) {
    return Number(raw);
  }
  const unquoted = raw.replace(/^(['"])(.*)\1$/, '$2');
  const types = spec.types ?? [];
  const numeric = types.every(t => ['int', 'float', 'tuple'].includes(t));
  if (numeric && types.length) {
    throw new Error(
      `'${spec.name}' takes ${types.join(' or ')}; '${raw}' is not a number.`
    );
  }
  return unquoted;
}

/** Whether two JSON values are equal (a value equal to the default is not saved). */
export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
