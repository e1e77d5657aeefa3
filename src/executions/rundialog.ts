/**
 * The Run dialog: which compute and storage adapters an execution uses, each explained in a
 * line, those not usable or not reachable greyed out with the reason; Enter runs with the
 * preselected ones.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';

import { AdaptersClient } from '../services';
import {
  IRunTarget,
  markUnreachable,
  pendingChoices,
  RunDialogBody,
  runChoices
} from './runchoices';

/**
 * Ask which adapters to run with; resolves to `null` when the user cancels or none can run.
 * Enter runs with the preselected adapters. `note` (what a partial run reuses) goes in the title.
 */
export async function chooseRunTarget(
  adapters: AdaptersClient,
  settings: IRunTarget,
  note = ''
): Promise<IRunTarget | null> {
  // The dialog opens at once; the server's list (which imports the adapters' libraries the
  // first time) replaces the settings' defaults when it arrives.
  const body = new RunDialogBody(pendingChoices(settings));
  void adapters.list().then(
    list => {
      if (body.isDisposed) {
        return;
      }
      body.setChoices(runChoices(list, settings));
      // Connection tests may take seconds: each greys its adapter out when it fails, the
      // dialog never waits for them. The local adapters need no test.
      for (const kind of ['compute', 'storage'] as const) {
        for (const option of body.choices[kind].options) {
          if (!option.available || option.name === 'local') {
            continue;
          }
          void adapters.test(kind, option.name).then(
            result => {
              if (!result.ok && !body.isDisposed) {
                body.setChoices(
                  markUnreachable(
                    body.choices,
                    kind,
                    option.name,
                    result.message ?? 'the connection test failed'
                  )
                );
              }
            },
            () => undefined
          );
        }
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
    title: note ? `Run Pipeline, ${note}` : 'Run Pipeline',
    body,
    buttons: [Dialog.cancelButton(), Dialog.okButton({ label: 'Run' })],
    focusNodeSelector: 'select[name="compute"]'
  });
  return result.button.accept ? result.value : null;
}
