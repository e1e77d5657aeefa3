/**
 * What the Export dialog offers, as pure functions: the default destination beside the
 * pipeline (never a name already taken) and the destination the server is asked for.
 */
import { PathExt } from '@jupyterlab/coreutils';

import { ExportFormat } from '../services/pipelines';

/** `dir/digits.pipeline.json` → `digits`: what an export is named after. */
export function pipelineStem(path: string): string {
  const name = PathExt.basename(path);
  for (const suffix of ['.pipeline.json', '.json']) {
    if (name.endsWith(suffix) && name.length > suffix.length) {
      return name.slice(0, -suffix.length);
    }
  }
  return name;
}

/**
 * `<name>-export.zip` (or the folder `<name>-export`) beside the pipeline, numbered `-1`,
 * `-2`… past the names in `taken` (the names in the pipeline's folder), as the server numbers
 * an export it is not given a destination for.
 */
export function defaultExportPath(
  pipelinePath: string,
  format: ExportFormat,
  taken: Iterable<string> = []
): string {
  const names = new Set(taken);
  const dir = PathExt.dirname(pipelinePath);
  const suffix = format === 'zip' ? '.zip' : '';
  const base = `${pipelineStem(pipelinePath)}-export`;
  let name = base + suffix;
  for (let index = 1; names.has(name); index++) {
    name = `${base}-${index}${suffix}`;
  }
  return dir ? `${dir}/${name}` : name;
}

/**
 * The destination as the user typed it made into one the server takes for `format`: trimmed,
 * without a leading `/`, `.zip` added to a zip's name and taken off a folder's.
 */
export function exportDestination(text: string, format: ExportFormat): string {
  let path = text.trim().replace(/^\/+/, '');
  if (!path) {
    return '';
  }
  if (format === 'zip' && !path.endsWith('.zip')) {
    path += '.zip';
  } else if (format === 'folder' && path.endsWith('.zip')) {
    path = path.slice(0, -'.zip'.length);
  }
  return path;
}

/** The default destination when the user switches format, keeping a name they typed. */
export function switchFormat(
  text: string,
  format: ExportFormat,
  defaults: Record<ExportFormat, string>
): string {
  const other: ExportFormat = format === 'zip' ? 'folder' : 'zip';
  if (!text.trim() || text.trim() === defaults[other]) {
    return defaults[format];
  }
  return exportDestination(text, format);
}
