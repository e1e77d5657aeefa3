/**
 * ForgeLab's file formats on the TypeScript side: the very JSON Schemas the Python package
 * ships, compiled with ajv, and types generated from them (`types.ts`).
 */
import Ajv2020, { ErrorObject, ValidateFunction } from 'ajv/dist/2020';

import architectureSchema from '../../python_backend/forgelab/formats/architecture.schema.json';
import artifactSchema from '../../python_backend/forgelab/formats/artifact.schema.json';
import executionSchema from '../../python_backend/forgelab/formats/execution.schema.json';
import operationSchema from '../../python_backend/forgelab/formats/operation.schema.json';
import pipelineSchema from '../../python_backend/forgelab/formats/pipeline.schema.json';
import provenanceSchema from '../../python_backend/forgelab/formats/provenance.schema.json';

export * from './types';

/** The name of a ForgeLab file format. */
export type FormatName =
  | 'operation'
  | 'pipeline'
  | 'architecture'
  | 'artifact'
  | 'execution'
  | 'provenance';

const SCHEMAS: Record<FormatName, object> = {
  operation: operationSchema,
  pipeline: pipelineSchema,
  architecture: architectureSchema,
  artifact: artifactSchema,
  execution: executionSchema,
  provenance: provenanceSchema
};

/** File name suffixes that JupyterLab opens as ForgeLab documents. */
export const FILE_SUFFIXES: Readonly<Record<string, FormatName>> = {
  '.pipeline.json': 'pipeline',
  '.arch.json': 'architecture'
};

/** One validation failure: a JSON Pointer into the document and what was expected there. */
export interface IFormatIssue {
  path: string;
  message: string;
}

/** A document does not follow its ForgeLab format. */
export class FormatError extends Error {
  constructor(
    readonly format: string,
    readonly issues: IFormatIssue[],
    readonly source?: string
  ) {
    super(
      `Invalid ${format} document${source ? ` in ${source}` : ''}:\n` +
        issues.map(i => `  ${i.path || '/'}: ${i.message}`).join('\n')
    );
    this.name = 'FormatError';
  }
}

/** Python's keywords (`keyword.kwlist`): identifiers that cannot name a variable. */
const PYTHON_KEYWORDS = new Set([
  'False',
  'None',
  'True',
  'and',
  'as',
  'assert',
  'async',
  'await',
  'break',
  'class',
  'continue',
  'def',
  'del',
  'elif',
  'else',
  'except',
  'finally',
  'for',
  'from',
  'global',
  'if',
  'import',
  'in',
  'is',
  'lambda',
  'nonlocal',
  'not',
  'or',
  'pass',
  'raise',
  'return',
  'try',
  'while',
  'with',
  'yield'
]);

const PYTHON_NAME = /^[\p{XID_Start}_][\p{XID_Continue}]*$/u;

/**
 * The `python-identifier` format: what Python accepts as a variable name (`θ`, `Σ_y`), the
 * same check as `is_python_identifier` in `forgelab/formats/__init__.py`. A named format, not
 * a `pattern`: ECMAScript's `\w` is ASCII and Python's `re` has no `\p{..}`.
 */
export function isPythonIdentifier(value: string): boolean {
  return PYTHON_NAME.test(value) && !PYTHON_KEYWORDS.has(value);
}

/** How an issue names what a `format` expected (shared with the Python side). */
const FORMAT_WORDS: Record<string, string> = {
  'python-identifier':
    'a Python identifier (letters, digits and _, not starting with a digit, not a keyword)'
};

let ajv: Ajv2020 | null = null;
const compiled = new Map<FormatName, ValidateFunction>();

function validator(name: FormatName): ValidateFunction {
  if (!ajv) {
    ajv = new Ajv2020({
      allErrors: true,
      strict: false,
      verbose: true,
      // date-time is left unchecked here, as before; custom formats are checked on both sides.
      formats: { 'python-identifier': isPythonIdentifier, 'date-time': true }
    });
    for (const schema of Object.values(SCHEMAS)) {
      ajv.addSchema(schema);
    }
  }
  let fn = compiled.get(name);
  if (!fn) {
    fn = ajv.getSchema(
      (SCHEMAS[name] as { $id: string }).$id
    ) as ValidateFunction;
    compiled.set(name, fn);
  }
  return fn;
}

/** A short JSON rendering of a value, the same as the Python side prints. */
export function quote(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? text.slice(0, 57) + '...' : text;
}

function jsonType(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'array';
  }
  if (typeof value === 'number') {
    return Number.isInteger(value) ? 'integer' : 'number';
  }
  return typeof value;
}

const COMPARISONS: Record<string, string> = {
  minimum: '>=',
  maximum: '<=',
  exclusiveMinimum: '>',
  exclusiveMaximum: '<'
};

/**
 * Say what was expected, in words rather than schema keywords; the wording is shared with
 * `forgelab/formats/__init__.py`, and the fixtures in `fixtures/formats` hold both to it.
 */
function explain(error: ErrorObject, data: unknown): string[] {
  const params = error.params as Record<string, any>;
  const parent = (error.parentSchema ?? {}) as Record<string, any>;
  if (typeof parent.errorMessage === 'string') {
    return [parent.errorMessage];
  }
  const plural = (n: number, word: string) =>
    `${n} ${word}${n === 1 ? '' : 's'}`;
  switch (error.keyword) {
    case 'required':
      return [`missing required property '${params.missingProperty}'`];
    case 'additionalProperties':
      return [`unknown property '${params.additionalProperty}'`];
    case 'type':
      return [
        `expected ${String(params.type).split(',').join(' or ')}, got ${quote(data)} (${jsonType(data)})`
      ];
    case 'enum':
      return [
        `expected one of ${(params.allowedValues as unknown[]).map(quote).join(', ')}, got ${quote(data)}`
      ];
    case 'const':
      return [`expected ${quote(params.allowedValue)}, got ${quote(data)}`];
    case 'pattern':
      return [`${quote(data)} does not match the pattern ${params.pattern}`];
    case 'format':
      return [
        `${quote(data)} is not ${FORMAT_WORDS[params.format] ?? `a valid ${params.format}`}`
      ];
    case 'minItems':
      return [`expected at least ${plural(params.limit, 'item')}`];
    case 'minLength':
      return [`expected at least ${plural(params.limit, 'character')}`];
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return [
        `expected a number ${COMPARISONS[error.keyword]} ${params.limit}, got ${quote(data)}`
      ];
    case 'not': {
      const schema = error.schema as { anyOf?: { required?: string[] }[] };
      if (schema?.anyOf && data && typeof data === 'object') {
        const kind = (data as { kind?: unknown }).kind;
        const when = kind !== undefined ? ` when kind is '${kind}'` : '';
        return schema.anyOf
          .flatMap(b => b.required ?? [])
          .filter(p => p in (data as object))
          .map(p => `property '${p}' is not allowed${when}`);
      }
      return [error.message ?? 'is not allowed'];
    }
    default:
      return [error.message ?? error.keyword];
  }
}

function valueAt(document: unknown, pointer: string): unknown {
  let value: any = document;
  for (const part of pointer.split('/').slice(1)) {
    value = value?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return value;
}

/** Every way `document` breaks format `name`, sorted by path; empty when it is valid. */
export function formatIssues(
  name: FormatName,
  document: unknown
): IFormatIssue[] {
  const fn = validator(name);
  if (fn(document)) {
    return [];
  }
  const seen = new Map<string, IFormatIssue>();
  for (const error of fn.errors ?? []) {
    // "if" and the combinators only repeat what the errors inside them say.
    if (['if', 'allOf', 'anyOf', 'oneOf'].includes(error.keyword)) {
      continue;
    }
    for (const message of explain(
      error,
      valueAt(document, error.instancePath)
    )) {
      seen.set(`${error.instancePath}\n${message}`, {
        path: error.instancePath,
        message
      });
    }
  }
  return [...seen.values()].sort((a, b) =>
    a.path !== b.path
      ? a.path < b.path
        ? -1
        : 1
      : a.message < b.message
        ? -1
        : a.message > b.message
          ? 1
          : 0
  );
}

/** Return `document` typed as format `name`, or throw a {@link FormatError}. */
export function validate<T = unknown>(
  name: FormatName,
  document: unknown,
  source?: string
): T {
  const issues = formatIssues(name, document);
  if (issues.length) {
    throw new FormatError(name, issues, source);
  }
  return document as T;
}

/** The format a file holds, judged by its name (`net.arch.json` is an architecture). */
export function formatForPath(path: string): FormatName | null {
  for (const [suffix, name] of Object.entries(FILE_SUFFIXES)) {
    if (path.endsWith(suffix)) {
      return name;
    }
  }
  return null;
}

/** Parse and validate the text of a ForgeLab file; malformed JSON is a FormatError too. */
export function parse<T = unknown>(
  name: FormatName,
  text: string,
  source?: string
): T {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new FormatError(
      name,
      [{ path: '', message: `not valid JSON: ${(error as Error).message}` }],
      source
    );
  }
  return validate<T>(name, document, source);
}

/** Serialise a document the way ForgeLab writes files (same as the Python side). */
export function dump(document: unknown): string {
  return JSON.stringify(document, null, 2) + '\n';
}
