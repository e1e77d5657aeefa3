/**
 * The adapters panel, opened from the command palette.
 */
import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, MainAreaWidget } from '@jupyterlab/apputils';

import { forgelabIcon } from '../icons';
import { IForgeLab } from '../tokens';
import { AdaptersView } from '../views/adapters';

const OPEN_ADAPTERS = 'forgelab:open-adapters';

export const adaptersPlugin: JupyterFrontEndPlugin<void> = {
  id: 'forgelab:adapters',
  description:
    'Shows the compute and storage adapters, their configuration and a connection test.',
  autoStart: true,
  requires: [IForgeLab],
  optional: [ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    forgelab: IForgeLab,
    palette: ICommandPalette | null
  ): void => {
    let widget: MainAreaWidget<AdaptersView> | null = null;
    app.commands.addCommand(OPEN_ADAPTERS, {
      label: 'ForgeLab Adapters',
      caption:
        'Compute and storage adapters: configuration schemas, settings, connection tests',
      icon: forgelabIcon,
      execute: () => {
        if (!widget || widget.isDisposed) {
          widget = new MainAreaWidget({
            content: new AdaptersView(forgelab.api.adapters)
          });
          widget.id = 'forgelab-adapters';
          widget.title.icon = forgelabIcon;
        } else {
          void widget.content.refresh();
        }
        if (!widget.isAttached) {
          app.shell.add(widget, 'main');
        }
        app.shell.activateById(widget.id);
      }
    });
    palette?.addItem({ command: OPEN_ADAPTERS, category: 'ForgeLab' });
  }
};
