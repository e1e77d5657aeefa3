/**
 * The body of the Export dialog: zip or folder, and the destination (prefilled beside the
 * pipeline, never an existing name).
 */
import { Widget } from '@lumino/widgets';

import { ExportFormat } from '../services/pipelines';
import { switchFormat } from './exportchoices';

/** What the user chose in the Export dialog. */
export interface IExportChoice {
  /** Zip or folder. */
  readonly format: ExportFormat;
  /** The destination as typed (relative to the Jupyter root). */
  readonly destination: string;
}

/** The Export dialog's body; `getValue()` is the choice (JupyterLab's Dialog reads it). */
export class ExportDialogBody extends Widget {
  /**
   * Create the body: `defaults` are the free destinations of each format; `note` tells what
   * happens first (unsaved changes are saved), when there is something to tell.
   */
  constructor(
    private readonly _defaults: Record<ExportFormat, string>,
    note = ''
  ) {
    super();
    this.addClass('jp-ForgeLab-ExportDialog');
    this.node.innerHTML = `
      <p class="jp-ForgeLab-ExportDialog-intro">A standalone copy that runs with plain
        <code>python main.py</code>: main.py, the operations, the Input files and requirements.txt.</p>
      <fieldset class="jp-ForgeLab-ExportDialog-format">
        <legend>Export as</legend>
        <label><input type="radio" name="forgelab-export-format" value="zip" checked> Zip file</label>
        <label><input type="radio" name="forgelab-export-format" value="folder"> Folder</label>
      </fieldset>
      <label class="jp-ForgeLab-ExportDialog-destinationLabel">Destination
        <input class="jp-mod-styled jp-ForgeLab-ExportDialog-destination" type="text"
          spellcheck="false">
      </label>
      <p class="jp-ForgeLab-ExportDialog-note" role="note"></p>`;
    this._destination.value = _defaults.zip;
    const noteNode = this.node.querySelector(
      '.jp-ForgeLab-ExportDialog-note'
    ) as HTMLElement;
    noteNode.textContent = note;
    noteNode.hidden = !note;
    for (const radio of this._radios) {
      radio.addEventListener('change', () => {
        this._destination.value = switchFormat(
          this._destination.value,
          this.format,
          this._defaults
        );
      });
    }
  }

  /** The format chosen. */
  get format(): ExportFormat {
    return this._radios.find(r => r.checked)?.value === 'folder'
      ? 'folder'
      : 'zip';
  }

  /** The choice, read by the dialog when the user confirms. */
  getValue(): IExportChoice {
    return { format: this.format, destination: this._destination.value };
  }

  private get _destination(): HTMLInputElement {
    return this.node.querySelector(
      '.jp-ForgeLab-ExportDialog-destination'
    ) as HTMLInputElement;
  }

  private get _radios(): HTMLInputElement[] {
    return [
      ...this.node.querySelectorAll<HTMLInputElement>(
        'input[name="forgelab-export-format"]'
      )
    ];
  }
}
