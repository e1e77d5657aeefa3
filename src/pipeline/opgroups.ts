/**
 * How the palette groups operations: one group per workspace file (ids `<path>.py:<function>`),
 * the files in the pipeline's own folder first and open, other folders' files after them and
 * closed, and ForgeLab's built-in operations last. A pure function of the operations and the
 * pipeline's path, so that every pipeline shows its own folder's operations, not one example's.
 */
import { PathExt } from '@jupyterlab/coreutils';

import { Operation } from '../formats';

/** The title of the group of ForgeLab's built-in operations. */
export const BUILTIN_GROUP = 'Built-in';

/** Operations of one file (or the built-in ones). */
export interface IOperationGroup {
  /** The file name for the pipeline's folder, the path for other folders, or "Built-in". */
  title: string;
  /** The file's path from the Jupyter root, or `null` for the built-in operations. */
  path: string | null;
  /** Whether the group starts open: the pipeline's own folder's files and the built-ins. */
  open: boolean;
  operations: Operation[];
}

/** The workspace file an operation comes from, or `null` for a built-in one. */
export function operationFile(operation: Operation): string | null {
  const colon = operation.id.lastIndexOf(':');
  return colon > 0 && operation.id.slice(0, colon).endsWith('.py')
    ? operation.id.slice(0, colon)
    : null;
}

/** Group `operations` by file for a pipeline at `pipelinePath`, in the order the palette shows. */
export function groupOperations(
  operations: Iterable<Operation>,
  pipelinePath: string
): IOperationGroup[] {
  const folder = PathExt.dirname(pipelinePath);
  const byFile = new Map<string, Operation[]>();
  const builtin: Operation[] = [];
  for (const operation of operations) {
    const file = operationFile(operation);
    if (file === null) {
      builtin.push(operation);
    } else {
      byFile.set(file, [...(byFile.get(file) ?? []), operation]);
    }
  }
  const own = (file: string) => PathExt.dirname(file) === folder;
  const files = [...byFile.keys()].sort(
    (a, b) => Number(own(b)) - Number(own(a)) || a.localeCompare(b)
  );
  const groups: IOperationGroup[] = files.map(file => ({
    title: own(file) ? PathExt.basename(file) : file,
    path: file,
    open: own(file),
    operations: byFile.get(file)!
  }));
  if (builtin.length) {
    groups.push({
      title: BUILTIN_GROUP,
      path: null,
      open: true,
      operations: builtin
    });
  }
  return groups;
}
