/**
 * Opening a model held by a notebook variable as an architecture: the kernel's `arch.import`
 * answers a document; what it cannot trace (the shapes of a PyTorch model's inputs) is asked
 * for and filled in here, and the file is named after the variable.
 */
import { PathExt } from '@jupyterlab/coreutils';

import { Architecture } from '../formats/types';

/** The ids of Input layers that have no `shape` yet (a traced PyTorch model's inputs). */
export function inputsWithoutShape(document: Architecture): string[] {
  return document.layers
    .filter(
      layer =>
        layer.type === 'Input' &&
        !(layer.arguments as Record<string, unknown> | undefined)?.shape
    )
    .map(layer => layer.id);
}

/** `3, 32,32` or `(3, 32, 32)` → `[3, 32, 32]`; `null` unless every size is a positive integer. */
export function parseShape(text: string): number[] | null {
  const parts = text
    .replace(/^[\s([]+|[\s)\]]+$/g, '')
    .split(/[\s,x×]+/)
    .filter(part => part.length > 0);
  if (!parts.length || !parts.every(part => /^[1-9]\d*$/.test(part))) {
    return null;
  }
  return parts.map(Number);
}

/** A copy of `document` whose Input layer `id` has the given shape. */
export function withInputShape(
  document: Architecture,
  id: string,
  shape: number[]
): Architecture {
  return {
    ...document,
    layers: document.layers.map(layer =>
      layer.id === id
        ? { ...layer, arguments: { ...layer.arguments, shape } }
        : layer
    )
  };
}

/** Where the architecture of `variable` goes: beside the notebook, named after the variable. */
export function architecturePathFor(
  notebookPath: string,
  variable: string
): string {
  const name = variable.replace(/[^A-Za-z0-9_.-]/g, '_') || 'model';
  return PathExt.join(PathExt.dirname(notebookPath), `${name}.arch.json`);
}
