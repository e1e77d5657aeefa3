/**
 * The body of the reify dialog: how to reify (lift constants into attributes, keep cells that
 * get data from the network).
 */
import { Dialog } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

/** The choices of the reify dialog, as `POST provenance/reify` takes them. */
export interface IReifyOptions {
  /** Make top-level `x = <literal>` assignments operation attributes. */
  lift: boolean;
  /** Keep cells that get data from the network as operations that fetch it again. */
  allowNetwork: boolean;
}

/** Two checkboxes: "Lift constants" (on) and "Allow network" (off). */
export class ReifyOptionsBody
  extends Widget
  implements Dialog.IBodyWidget<IReifyOptions>
{
  constructor() {
    super();
    this.addClass('jp-ForgeLab-ReifyOptions');
    const intro = document.createElement('p');
    intro.textContent =
      'The pipeline opens in the pipeline editor once it is written next to the notebook.';
    this.node.append(
      intro,
      this._checkbox(
        this._lift,
        'lift',
        'Lift constants into attributes',
        'Top-level assignments of literals (x = 3) become attributes you can change per run',
        true
      ),
      this._checkbox(
        this._network,
        'network',
        'Allow network',
        'Cells that download data stay operations that download it again when the pipeline runs (as forgelab reify --allow-network); otherwise such a cell stops the reify',
        false
      )
    );
  }

  /** The choices made. */
  getValue(): IReifyOptions {
    return { lift: this._lift.checked, allowNetwork: this._network.checked };
  }

  private _checkbox(
    input: HTMLInputElement,
    name: string,
    text: string,
    caption: string,
    checked: boolean
  ): HTMLLabelElement {
    const label = document.createElement('label');
    label.className = 'jp-ForgeLab-ReifyOptions-option';
    label.title = caption;
    input.type = 'checkbox';
    input.name = name;
    input.checked = checked;
    label.append(input, document.createTextNode(` ${text}`));
    return label;
  }

  private _lift = document.createElement('input');
  private _network = document.createElement('input');
}
