/**
 * What the graph editors' models have in common, so that one canvas delegate edits either:
 * wiring, moving, removing, the clipboard and undo.
 */
import { ConnectResult, IGraphEndpoint } from './model';

/** Nodes on the clipboard, tagged with the format of the editor they came from. */
export interface IGraphClip {
  /** Which editor's clip this is (`forgelab.pipeline-clip`, `forgelab.architecture-clip`). */
  format: string;
}

/** A graph model the canvas can edit: what a pipeline and an architecture have in common. */
export interface IEditableGraphModel<TClip extends IGraphClip> {
  /** Why `source → target` cannot be wired, or `null` when it can. */
  checkConnection(
    source: IGraphEndpoint,
    target: IGraphEndpoint
  ): string | null;
  /** Wire `source → target`, or say why not. */
  connect(source: IGraphEndpoint, target: IGraphEndpoint): ConnectResult;
  /** Move nodes (canvas coordinates), in one undoable step. */
  moveNodes(positions: ReadonlyMap<string, { x: number; y: number }>): void;
  /** Remove nodes and edges, in one undoable step. */
  remove(nodes: Iterable<string>, edges: Iterable<string>): void;
  /** The nodes `ids` for the clipboard. */
  copy(ids: Iterable<string>): TClip;
  /** Paste a clip with fresh ids; returns the new ids. */
  paste(clip: TClip): string[];
  /** Undo the last edit. */
  undo(): void;
  /** Redo the last undone edit. */
  redo(): void;
}
