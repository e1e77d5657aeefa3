/**
 * The canvas's keyboard shortcuts: Delete, Ctrl+C/X/V, Ctrl+Z / Ctrl+Shift+Z / Ctrl+Y,
 * Ctrl+A, F (fit) and Escape. Keys typed into a form field inside the canvas are left alone.
 */

/** What the shortcuts do. */
export interface IKeyActions {
  /** Delete the selection. */
  deleteSelection(): void;
  /** Copy the selection. */
  copySelection(): void;
  /** Paste the clipboard. */
  paste(): void;
  /** Undo the last edit. */
  undo(): void;
  /** Redo the last undone edit. */
  redo(): void;
  /** Select every node and edge. */
  selectAll(): void;
  /** Show the whole graph (or the selection). */
  fit(): void;
  /** Clear the selection and the message. */
  escape(): void;
}

/** Do what `event` asks of a canvas whose element is `canvas`; it is consumed when handled. */
export function handleKey(
  event: KeyboardEvent,
  canvas: HTMLElement,
  actions: IKeyActions
): void {
  const target = event.target as HTMLElement;
  if (
    target !== canvas &&
    target.closest('input, textarea, select, [contenteditable]')
  ) {
    return;
  }
  const mod = event.ctrlKey || event.metaKey;
  const key = event.key.toLowerCase();
  let handled = true;
  if (key === 'delete' || key === 'backspace') {
    actions.deleteSelection();
  } else if (mod && key === 'c') {
    actions.copySelection();
  } else if (mod && key === 'x') {
    actions.copySelection();
    actions.deleteSelection();
  } else if (mod && key === 'v') {
    actions.paste();
  } else if (mod && key === 'z' && event.shiftKey) {
    actions.redo();
  } else if (mod && (key === 'z' || key === 'y')) {
    if (key === 'y') {
      actions.redo();
    } else {
      actions.undo();
    }
  } else if (mod && key === 'a') {
    actions.selectAll();
  } else if (!mod && !event.altKey && key === 'f') {
    actions.fit();
  } else if (key === 'escape') {
    actions.escape();
  } else {
    handled = false;
  }
  if (handled) {
    event.preventDefault();
    event.stopPropagation();
  }
}
