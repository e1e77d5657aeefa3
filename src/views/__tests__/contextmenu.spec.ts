import { JupyterFrontEnd } from '@jupyterlab/application';
import { rememberContextMenuTargets, underContextMenu } from '../contextmenu';

/** An app whose hit test walks from a target as JupyterLab's does (parents that are attached). */
function appWithTarget(target: () => Node | null): JupyterFrontEnd {
  return {
    contextMenuHitTest: (test: (node: HTMLElement) => boolean) => {
      let node = target();
      while (node && node.parentNode) {
        if (node instanceof HTMLElement && test(node)) {
          return node;
        }
        node = node.parentNode;
      }
      return undefined;
    }
  } as unknown as JupyterFrontEnd;
}

describe('underContextMenu', () => {
  it('keeps the data of a row that was re-rendered after the menu opened', () => {
    const list = document.createElement('ul');
    const row = document.createElement('li');
    row.className = 'row';
    row.dataset.name = 'net';
    const label = document.createElement('span');
    row.appendChild(label);
    list.appendChild(row);
    document.body.appendChild(list);
    rememberContextMenuTargets('.row');

    label.dispatchEvent(new MouseEvent('contextmenu', { bubbles: true }));
    const app = appWithTarget(() => label);
    expect(underContextMenu(app, '.row')?.name).toBe('net');

    list.textContent = ''; // a live list renders its rows again
    expect(underContextMenu(app, '.row')?.name).toBe('net');
  });

  it('forgets it when the next menu opens elsewhere', () => {
    const other = document.createElement('div');
    document.body.appendChild(other);
    other.dispatchEvent(new MouseEvent('contextmenu', { bubbles: true }));
    expect(
      underContextMenu(
        appWithTarget(() => other),
        '.row'
      )
    ).toBeUndefined();
  });
});
