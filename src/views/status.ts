/**
 * Views of ForgeLab's status: the server's dependencies and adapters (a dialog body), and a
 * notebook toolbar item that shows whether ForgeLab is loaded in the notebook's kernel.
 */
import { Widget } from '@lumino/widgets';

import { KernelBridge, KernelBridgeState } from '../services/kernel';
import { IServerStatus } from '../services/server';
import { element } from './dom';

/** The body of the "ForgeLab Status" dialog. */
export class StatusView extends Widget {
  constructor(status: IServerStatus) {
    super();
    this.addClass('jp-ForgeLab-status');
    const node = this.node;
    node.appendChild(
      element(
        'p',
        `ForgeLab ${status.forgelab} on Python ${status.python} (${status.platform})`
      )
    );
    const table = element('table');
    for (const [name, component] of Object.entries(status.components)) {
      const row = element('tr');
      row.dataset.component = name;
      row.appendChild(element('th', name));
      row.appendChild(
        element(
          'td',
          component.available
            ? (component.version ?? 'available')
            : 'unavailable',
          component.available ? 'jp-ForgeLab-ok' : 'jp-ForgeLab-missing'
        )
      );
      row.appendChild(
        element(
          'td',
          component.available ? '' : `${component.install ?? ''}`,
          'jp-ForgeLab-hint'
        )
      );
      table.appendChild(row);
    }
    node.appendChild(table);
    for (const kind of ['compute', 'storage'] as const) {
      node.appendChild(
        element('h4', `${kind[0].toUpperCase()}${kind.slice(1)} adapters`)
      );
      const list = element('ul');
      for (const adapter of status.adapters[kind]) {
        const item = element(
          'li',
          adapter.available
            ? `${adapter.name}${adapter.description ? ` — ${adapter.description}` : ''}`
            : `${adapter.name} — unavailable: ${adapter.reason}${adapter.install ? ` (${adapter.install})` : ''}`,
          adapter.available ? 'jp-ForgeLab-ok' : 'jp-ForgeLab-missing'
        );
        item.dataset.adapter = `${kind}:${adapter.name}`;
        list.appendChild(item);
      }
      node.appendChild(list);
    }
  }
}

const LABELS: Record<KernelBridgeState, string> = {
  idle: 'ForgeLab off',
  loading: 'ForgeLab…',
  ready: 'ForgeLab',
  failed: 'ForgeLab ✗'
};

/** A notebook toolbar item showing whether ForgeLab is loaded in the kernel. */
export class KernelStatusItem extends Widget {
  constructor(private readonly bridge: KernelBridge) {
    super({ node: document.createElement('span') });
    this.addClass('jp-ForgeLab-kernelStatus');
    bridge.stateChanged.connect(this._update, this);
    this._update();
  }

  private _update(): void {
    const { state, info, error } = this.bridge;
    this.node.dataset.state = state;
    this.node.textContent = LABELS[state];
    this.node.title =
      state === 'ready' && info
        ? `ForgeLab ${info.forgelab} is loaded in this kernel (Python ${info.python}).`
        : state === 'failed'
          ? `ForgeLab is not loaded: ${error}`
          : state === 'loading'
            ? 'Loading ForgeLab into the kernel…'
            : 'ForgeLab is not loaded in this kernel.';
  }
}
