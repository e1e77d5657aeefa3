/**
 * The canvas's own keys: Ctrl+C/X/V, Ctrl+A and Escape. Delete, Duplicate, Undo/Redo and Fit are
 * JupyterLab commands with shortcuts in the settings (`schema/plugin.json`), so users can see and
 * change them in the Keyboard Shortcuts editor. Keys typed into a form field inside the canvas are
 * left alone.
 */

/** What the keys do. */
export interface IKeyActions {
  /** Delete the selection. */
  deleteSelection(): void;
  /** Copy the selection. */
  copySelection(): void;
  /** Paste the clipboard. */
  paste(): void;
  /** Select every node and edge. */
  selectAll(): void;
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
  if (mod && key === 'c') {
    actions.copySelection();
  } else if (mod && key === 'x') {
    actions.copySelection();
    actions.deleteSelection();
  } else if (mod && key === 'v') {
    actions.paste();
  } else if (mod && key === 'a') {
    actions.selectAll();
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
