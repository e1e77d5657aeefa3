/**
 * Reference values: paths, resolved from the pipeline file's directory when a job is generated.
 */
import { PathExt } from '@jupyterlab/coreutils';

import { Artifact } from '../formats';

/** The reference value of workspace file `path`: relative to the pipeline's directory. */
export function fileReference(pipelinePath: string, path: string): string {
  return PathExt.relative(PathExt.dirname(pipelinePath), path);
}

/**
 * The reference value of an artifact (the local path of its file), or why it cannot be one:
 * jobs copy referenced files, so only artifacts of local storage can be referenced.
 */
export function artifactReference(
  artifact: Pick<Artifact, 'uri' | 'storage'>
): { value: string } | { error: string } {
  if (artifact.uri.startsWith('file://')) {
    return { value: decodeURI(artifact.uri.slice('file://'.length)) };
  }
  if (artifact.uri.startsWith('/')) {
    return { value: artifact.uri };
  }
  return {
    error: `it is kept in ${artifact.storage} storage; only local artifacts can be referenced`
  };
}
