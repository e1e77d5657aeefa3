/**
 * The files a pipeline names (operation references, Input sources) must exist for it to run.
 * The pure part says which workspace paths to look for and which issues the missing ones make;
 * {@link FileChecker} asks the Contents API while the pipeline is edited.
 */
import { PathExt } from '@jupyterlab/coreutils';
import type { Contents } from '@jupyterlab/services';

import { Pipeline } from '../formats';
import { nodeTitle } from './viewdata';
import type { IPipelineIssue } from './validation';

/** One file a node names. */
export interface INamedFile {
  /** The node that names it. */
  node: string;
  /** A JSON Pointer to the property (`/nodes/2/references/architecture`, `/nodes/0/source`). */
  path: string;
  /** The property as a user reads it: `reference 'architecture'` or `source`. */
  property: string;
  /** The workspace path (relative to the Jupyter root) the value leads to. */
  file: string;
}

/** What the editor knows of the files a pipeline names. */
export interface IFileCheck {
  /** The pipeline file's directory in the workspace (`''` at the root). */
  directory: string;
  /** Workspace paths known not to exist. */
  missing: ReadonlySet<string>;
}

/** An artifact id (`a-20260101120000-1a2b3c4d`) or a URI: not a workspace file to look for. */
const NOT_A_FILE = /^(a-\d{14}-[0-9a-f]{8}|[a-z][a-z0-9+.-]*:\/\/.*)$/;

/**
 * The workspace files a pipeline names: each operation's references and each Input's source,
 * relative values resolved from `directory`. Absolute paths, URIs and artifact ids are left out:
 * the Contents API cannot say whether they exist (the server checks them at submit).
 */
export function namedFiles(
  pipeline: Pipeline,
  directory: string
): INamedFile[] {
  const found: INamedFile[] = [];
  const add = (
    node: string,
    path: string,
    property: string,
    value: unknown
  ) => {
    if (typeof value !== 'string') {
      return;
    }
    const text = value.trim();
    if (!text || text.startsWith('/') || NOT_A_FILE.test(text)) {
      return;
    }
    const file = PathExt.normalize(PathExt.join(directory, text));
    if (file.startsWith('..')) {
      return; // outside the root: the server refuses it with its own message
    }
    found.push({ node, path, property, file });
  };
  pipeline.nodes.forEach((node, i) => {
    if (node.kind === 'input') {
      add(node.id, `/nodes/${i}/source`, 'source', node.source);
    }
    for (const [name, value] of Object.entries(node.references ?? {})) {
      add(
        node.id,
        `/nodes/${i}/references/${name}`,
        `reference '${name}'`,
        value
      );
    }
  });
  return found;
}

/** One issue per named file known to be missing, on its node and property. */
export function missingFileIssues(
  pipeline: Pipeline,
  check: IFileCheck
): IPipelineIssue[] {
  const titles = new Map(pipeline.nodes.map(n => [n.id, nodeTitle(n)]));
  return namedFiles(pipeline, check.directory)
    .filter(f => check.missing.has(f.file))
    .map(f => ({
      node: f.node,
      path: f.path,
      message: `${titles.get(f.node)}: ${f.property}: ${f.file} does not exist (upload it or choose another file).`
    }));
}

/**
 * The property field an issue is about, by the field's `name` in the property panel
 * (`ref-architecture`, `source`, `attr-epochs`), or `null` for an issue of the whole node.
 */
export function issueField(path: string): string | null {
  const match =
    /^\/nodes\/\d+\/(references|attributes|source)(?:\/(.+))?$/.exec(path);
  if (!match) {
    return null;
  }
  if (match[1] === 'source') {
    return 'source';
  }
  if (!match[2]) {
    return null;
  }
  return `${match[1] === 'references' ? 'ref' : 'attr'}-${match[2]}`;
}

/** Whether a workspace path exists: `false` only when it is known not to. */
export type FileExists = (path: string) => Promise<boolean>;

/**
 * {@link FileExists} through the Contents API (`ServiceManager.contents`, no content fetched).
 * An answer other than 404 (a server hiccup) counts as existing: nothing is marked by mistake.
 */
export function contentsFileExists(contents: Contents.IManager): FileExists {
  return path =>
    contents.get(path, { content: false }).then(
      () => true,
      error => (error as { response?: Response })?.response?.status !== 404
    );
}

/**
 * Looks for the files a pipeline names while it is edited, and hands what it found to `apply`
 * (the model's {@link IFileCheck}). Checks are coalesced: edits in quick succession cost one
 * round of requests.
 */
export class FileChecker {
  /** Check the files of `pipeline()` (in `directory()`) through `exists`. */
  constructor(
    private readonly _exists: FileExists,
    private readonly _pipeline: () => Pipeline,
    private readonly _directory: () => string,
    private readonly _apply: (check: IFileCheck) => void,
    private readonly _delay = 300
  ) {}

  /** Check again soon (after an edit, or when the file may have been uploaded). */
  schedule(): void {
    if (this._disposed) {
      return;
    }
    clearTimeout(this._timer);
    this._timer = setTimeout(() => void this.check(), this._delay);
  }

  /** Check now; resolves when the model has the result. */
  async check(): Promise<void> {
    const round = ++this._round;
    const directory = this._directory();
    const files = [
      ...new Set(namedFiles(this._pipeline(), directory).map(f => f.file))
    ];
    const found = await Promise.all(files.map(f => this._exists(f)));
    if (this._disposed || round !== this._round) {
      return; // a newer check is under way
    }
    const missing = new Set(files.filter((_, i) => !found[i]));
    const key = `${directory}\n${[...missing].sort().join('\n')}`;
    if (key !== this._last) {
      this._last = key;
      this._apply({ directory, missing });
    }
  }

  /** Stop checking. */
  dispose(): void {
    this._disposed = true;
    clearTimeout(this._timer);
  }

  private _timer: ReturnType<typeof setTimeout> | undefined;
  private _round = 0;
  private _last = '\n';
  private _disposed = false;
}
