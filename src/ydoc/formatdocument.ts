/**
 * What the shared forms of ForgeLab's documents (pipelines, architectures) have in common: a load
 * replaces the whole document outside the undo history, and the history then holds the user's
 * edits only, each one step.
 */
import { DocumentChange, YDocument } from '@jupyter/ydoc';
import { JSONValue } from '@lumino/coreutils';

/** A Yjs document whose source is one of ForgeLab's JSON formats. */
export abstract class YFormatDocument<
  T extends DocumentChange
> extends YDocument<T> {
  /**
   * Replace the whole document (loading a file). The load is not undoable, and the undo history
   * starts afresh: steps recorded against the replaced content no longer apply.
   */
  setSource(value: JSONValue): void {
    this.transact(() => this.load(value), false);
    this.undoManager.clear();
  }

  /**
   * Keep the undo history. JupyterLab clears it once a document has opened, to keep the load out of
   * it; here a load never enters it (see `setSource`; a collaborator's content arrives untracked), and
   * JupyterLab's clear comes only after the file's first checkpoint has been made, so it would throw
   * away the edits a user made in the meantime.
   */
  clearUndoHistory(): void {
    // Nothing to clear: the history holds only the user's own edits.
  }

  /** Stop merging the following edits into the previous undo step. */
  stopCapturing(): void {
    this.undoManager.stopCapturing();
  }

  /** Write `value` into the shared types; called inside a transaction by `setSource`. */
  protected abstract load(value: JSONValue): void;
}
