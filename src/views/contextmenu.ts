import { JupyterFrontEnd } from '@jupyterlab/application';

/**
 * The data of the element matching `selector` that a context menu was opened on.
 *
 * `app.contextMenuHitTest` walks up from the event's target when a command runs; an element a
 * live view re-rendered in the meantime (the provenance panel's variable list refreshes as the
 * kernel records) is detached by then, and the walk misses it. So the element's data is also
 * kept from the `contextmenu` event itself, while the element is still in the page.
 */
export function underContextMenu(
  app: JupyterFrontEnd,
  selector: string
): DOMStringMap | undefined {
  const className = selector.replace(/^\./, '');
  const hit = app.contextMenuHitTest(n => n.classList.contains(className));
  return hit?.dataset ?? Private.remembered.get(selector);
}

/** Start keeping the data of elements matching `selector` when a context menu opens on them. */
export function rememberContextMenuTargets(selector: string): void {
  if (Private.remembered.has(selector)) {
    return;
  }
  Private.remembered.set(selector, undefined);
  document.addEventListener(
    'contextmenu',
    event => {
      const target = event.target instanceof Element ? event.target : null;
      const element = target?.closest<HTMLElement>(selector);
      Private.remembered.set(
        selector,
        element ? { ...element.dataset } : undefined
      );
    },
    true
  );
}

namespace Private {
  export const remembered = new Map<string, DOMStringMap | undefined>();
}
