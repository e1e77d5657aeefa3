/**
 * Loads ForgeLab into every notebook's kernel (on start and after each restart) and shows
 * whether it is loaded in the notebook's toolbar.
 */
import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';

import { IForgeLab } from '../tokens';
import { KernelStatusItem } from '../views/status';

export const notebookPlugin: JupyterFrontEndPlugin<void> = {
  id: 'forgelab:notebook-kernel',
  description: 'Loads the ForgeLab kernel extension into notebook kernels.',
  autoStart: true,
  requires: [IForgeLab, INotebookTracker],
  activate: (
    _app: JupyterFrontEnd,
    forgelab: IForgeLab,
    tracker: INotebookTracker
  ): void => {
    const attach = (panel: NotebookPanel) => {
      const bridge = forgelab.bridgeFor(panel.sessionContext);
      bridge.stateChanged.connect((_, state) => {
        if (state === 'ready') {
          console.log(
            `ForgeLab kernel extension ready in ${panel.context.path}`
          );
        }
      });
      panel.toolbar.insertItem(
        10,
        'forgelabKernelStatus',
        new KernelStatusItem(bridge)
      );
    };
    tracker.forEach(attach);
    tracker.widgetAdded.connect((_, panel) => attach(panel));
  }
};
