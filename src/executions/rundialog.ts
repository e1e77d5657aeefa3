/**
 * The Run dialog: which compute and storage adapters an execution uses; Enter runs with the
 * preselected ones.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';

import { AdaptersClient } from '../services';
import {
  IRunTarget,
  pendingChoices,
  RunDialogBody,
  runChoices
} from './runchoices';

/**
 * Ask which adapters to run with; resolves to `null` when the user cancels or none can run.
 * Enter runs with the preselected adapters.
 */
export async function chooseRunTarget(
  adapters: AdaptersClient,
  settings: IRunTarget
): Promise<IRunTarget | null> {
  // The dialog opens at once; the server's list (which imports the adapters' libraries the
  // first time) replaces the settings' defaults when it arrives.
  const body = new RunDialogBody(pendingChoices(settings));
  void adapters.list().then(
    list => {
      if (!body.isDisposed) {
        body.setChoices(runChoices(list, settings));
      }
    },
    error => {
      if (!body.isDisposed) {
        body.setChoices({
          ...pendingChoices(settings),
          pending: false,
          error: `The adapters could not be listed (${(error as Error).message}); your default adapters are offered.`
        });
      }
    }
  );
  const result = await showDialog({
    title: 'Run Pipeline',
    body,
    buttons: [Dialog.cancelButton(), Dialog.okButton({ label: 'Run' })],
    focusNodeSelector: 'select[name="compute"]'
  });
  return result.button.accept ? result.value : null;
}
