/**
 * The adapters panel: every compute and storage adapter with its availability, its
 * configuration schema and its current configuration (secrets masked by the server), and a
 * connection test. Configurations are set on the server (`c.ForgeLabConfig` in
 * jupyter_server_config.py) so that credentials never reach the browser.
 */
import { Widget } from '@lumino/widgets';

import { AdaptersClient, IAdapters, IAdapterStatus } from '../services';
import { element as el } from './dom';

interface ISchemaProperty {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
}

/** The rows of an adapter's configuration table: one per schema property. */
export function configurationRows(
  adapter: IAdapterStatus
): { name: string; type: string; value: string; description: string }[] {
  const schema = (adapter.configSchema ?? {}) as {
    properties?: Record<string, ISchemaProperty>;
  };
  const config = adapter.config ?? {};
  return Object.entries(schema.properties ?? {}).map(([name, property]) => {
    const type = Array.isArray(property.type)
      ? property.type.join(' | ')
      : (property.type ?? (property.enum ? 'choice' : 'any'));
    const set = name in config;
    const value = set
      ? JSON.stringify(config[name])
      : property.default !== undefined
        ? `${JSON.stringify(property.default)} (default)`
        : '';
    return { name, type, value, description: property.description ?? '' };
  });
}

/** Lists the adapters the server knows, with a "Test connection" button for each. */
export class AdaptersView extends Widget {
  constructor(private readonly _client: AdaptersClient) {
    super();
    this.addClass('jp-ForgeLab-adapters');
    this.title.label = 'ForgeLab Adapters';
    this.title.closable = true;
    void this.refresh();
  }

  /** Fetch the adapters again and redraw. */
  async refresh(): Promise<void> {
    this.node.textContent = 'Loading adapters…';
    try {
      const adapters = await this._client.list();
      this._render(adapters);
    } catch (error) {
      this.node.textContent = '';
      this.node.appendChild(
        el(
          'p',
          `The adapters cannot be listed: ${(error as Error).message}`,
          'jp-ForgeLab-missing'
        )
      );
    }
  }

  private _render(adapters: IAdapters): void {
    const node = this.node;
    node.textContent = '';
    node.appendChild(
      el(
        'p',
        'Adapters are configured on the server (c.ForgeLabConfig in jupyter_server_config.py); ' +
          'credentials stay there and are shown masked.',
        'jp-ForgeLab-hint'
      )
    );
    for (const kind of ['compute', 'storage'] as const) {
      node.appendChild(
        el('h3', `${kind === 'compute' ? 'Compute' : 'Storage'} adapters`)
      );
      for (const adapter of adapters[kind]) {
        node.appendChild(
          this._section(
            kind,
            adapter,
            adapters.defaults?.[kind] === adapter.name
          )
        );
      }
    }
  }

  private _section(
    kind: 'compute' | 'storage',
    adapter: IAdapterStatus,
    isDefault: boolean
  ): HTMLElement {
    const section = el('section', undefined, 'jp-ForgeLab-adapter');
    section.dataset.adapter = `${kind}:${adapter.name}`;
    const heading = el('h4', `${adapter.name}${isDefault ? ' (default)' : ''}`);
    section.appendChild(heading);
    if (adapter.description) {
      section.appendChild(el('p', adapter.description));
    }
    if (!adapter.available) {
      section.appendChild(
        el(
          'p',
          `Unavailable: ${adapter.reason ?? 'unknown reason'}${
            adapter.install ? ` — install with: ${adapter.install}` : ''
          }`,
          'jp-ForgeLab-missing'
        )
      );
      return section;
    }
    const rows = configurationRows(adapter);
    if (rows.length) {
      const table = el('table');
      const head = el('tr');
      for (const title of ['setting', 'type', 'value', 'description']) {
        head.appendChild(el('th', title));
      }
      table.appendChild(head);
      for (const row of rows) {
        const tr = el('tr');
        tr.dataset.setting = row.name;
        tr.appendChild(el('td', row.name, 'jp-ForgeLab-hint'));
        tr.appendChild(el('td', row.type));
        tr.appendChild(el('td', row.value, 'jp-ForgeLab-hint'));
        tr.appendChild(el('td', row.description));
        table.appendChild(tr);
      }
      section.appendChild(table);
    }
    const result = el('span', '', 'jp-ForgeLab-testResult');
    const button = el(
      'button',
      'Test connection',
      'jp-mod-styled jp-mod-accept'
    );
    button.onclick = async () => {
      button.disabled = true;
      result.textContent = 'Testing…';
      result.className = 'jp-ForgeLab-testResult';
      try {
        const answer = await this._client.test(kind, adapter.name);
        result.textContent = answer.ok
          ? `OK ${answer.message ?? ''}`
          : (answer.message ?? 'failed');
        result.classList.add(
          answer.ok ? 'jp-ForgeLab-ok' : 'jp-ForgeLab-missing'
        );
      } catch (error) {
        result.textContent = (error as Error).message;
        result.classList.add('jp-ForgeLab-missing');
      } finally {
        button.disabled = false;
      }
    };
    section.appendChild(button);
    section.appendChild(result);
    return section;
  }
}
