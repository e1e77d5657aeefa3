/**
 * Choosing a reference's value: an `*.arch.json` file from JupyterLab's file dialog, or an
 * artifact the server lists. Reference values are paths, resolved from the
 * pipeline file's directory when a job is generated.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import { IDocumentManager } from '@jupyterlab/docmanager';
import { FileDialog } from '@jupyterlab/filebrowser';
import { Widget } from '@lumino/widgets';

import { Artifact, Reference } from '../formats';
import { ArtifactsClient } from '../services';
import { artifactReference, fileReference } from './references';

/** Lists artifacts in a select; its value is the chosen artifact's reference value. */
class ArtifactListBody extends Widget implements Dialog.IBodyWidget<string> {
  constructor(artifacts: Artifact[]) {
    super();
    this.addClass('jp-ForgeLab-ArtifactPicker');
    this._select = document.createElement('select');
    this._select.className = 'jp-mod-styled';
    this._select.size = Math.min(12, Math.max(3, artifacts.length));
    this._select.setAttribute('aria-label', 'Artifacts');
    for (const artifact of artifacts) {
      const option = document.createElement('option');
      const ref = artifactReference(artifact);
      const when = artifact.createdAt ? ` · ${artifact.createdAt}` : '';
      option.textContent = `${artifact.name} (${artifact.id})${when}`;
      if ('value' in ref) {
        option.value = ref.value;
      } else {
        option.disabled = true;
        option.title = `Cannot be referenced: ${ref.error}.`;
        option.textContent += ` — ${ref.error}`;
      }
      this._select.appendChild(option);
    }
    const first = [...this._select.options].find(o => !o.disabled);
    this._select.value = first?.value ?? '';
    this.node.appendChild(this._select);
    if (!artifacts.length) {
      const p = document.createElement('p');
      p.textContent =
        'There are no artifacts yet: run a pipeline to produce some.';
      this.node.appendChild(p);
    }
  }

  getValue(): string {
    return this._select.value;
  }

  private _select: HTMLSelectElement;
}

/**
 * A picker for the property panel: a filtered file dialog for architectures, a list of
 * artifacts for artifacts. Resolves to the value to set, or `null` when cancelled.
 */
export function referencePicker(options: {
  docManager: IDocumentManager;
  artifacts: ArtifactsClient;
}): (reference: Reference, pipelinePath: string) => Promise<string | null> {
  return async (reference, pipelinePath) => {
    if (reference.kind === 'architecture') {
      const result = await FileDialog.getOpenFiles({
        manager: options.docManager,
        title: `Choose the architecture of ${reference.name}`,
        defaultPath: PathExt.dirname(pipelinePath),
        filter: model =>
          model.type === 'directory' || model.name.endsWith('.arch.json')
            ? {}
            : null
      });
      const file = result.button.accept ? result.value?.[0] : undefined;
      return file && file.type !== 'directory'
        ? fileReference(pipelinePath, file.path)
        : null;
    }
    let artifacts: Artifact[];
    try {
      artifacts = await options.artifacts.list();
    } catch (error) {
      await showDialog({
        title: 'Artifacts could not be listed',
        body: (error as Error).message,
        buttons: [Dialog.okButton()]
      });
      return null;
    }
    const result = await showDialog({
      title: `Choose the artifact of ${reference.name}`,
      body: new ArtifactListBody(artifacts),
      buttons: [Dialog.cancelButton(), Dialog.okButton({ label: 'Choose' })]
    });
    return result.button.accept && result.value ? result.value : null;
  };
}
