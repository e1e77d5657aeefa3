/**
 * The Run flow: ask which compute and storage adapters to use (the settings' defaults
 * preselected), submit the pipeline, and say readably why when the server refuses it.
 */
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

import { Pipeline } from '../formats';
import { ForgeLabAPI, RunError } from '../services';
import { executionTabTitle } from './naming';
import { chooseRunTarget } from './rundialog';
import { IRunTarget } from './runchoices';

/** What {@link runWithDialog} runs. */
export interface IRunFlowOptions {
  /** The clients of the server that runs it. */
  api: ForgeLabAPI;
  /** The adapters preselected in the dialog. */
  defaults: IRunTarget;
  /** The pipeline as it is in the editor (unsaved edits included). */
  pipeline: Pipeline | null;
  /** The pipeline file's path, to group executions by pipeline. */
  path: string | null;
  /** What a partial run reuses ("reusing 2 results from …"), said in the dialog and notice. */
  note?: string;
}

/**
 * Run a pipeline after the user chose its adapters; resolves to the new execution's id, or
 * `null` when the user cancelled or the server refused (the reasons are shown in a dialog).
 */
export async function runWithDialog(
  options: IRunFlowOptions
): Promise<string | null> {
  const note = options.note ?? '';
  const target = await chooseRunTarget(
    options.api.adapters,
    options.defaults,
    note
  );
  if (!target) {
    return null;
  }
  try {
    const execution = await options.api.executions.run({
      pipeline: options.pipeline,
      path: options.path,
      ...target
    });
    Notification.success(
      `${executionTabTitle(execution)} started on ${target.compute}${note ? `, ${note}` : ''}.`,
      { autoClose: 5000 }
    );
    return execution.id;
  } catch (error) {
    await showRunError(error);
    return null;
  }
}

/** Show why a pipeline could not be run, with the server's issues as a list. */
async function showRunError(error: unknown): Promise<void> {
  const issues = error instanceof RunError ? error.issues : [];
  const body = document.createElement('div');
  body.className = 'jp-ForgeLab-RunError';
  body.textContent = (error as Error).message;
  if (issues.length) {
    const list = document.createElement('ul');
    for (const issue of issues) {
      const li = document.createElement('li');
      li.textContent = `${issue.node ? `${issue.node}: ` : ''}${issue.message}`;
      list.appendChild(li);
    }
    body.appendChild(list);
  }
  await showDialog({
    title: 'The pipeline could not be run',
    body: new Widget({ node: body }),
    buttons: [Dialog.okButton()]
  });
}
