/**
 * The Verify control of a reified pipeline's toolbar: a Verify button and the verdict of the
 * last verification (stored in `metadata.reifiedFrom.verification`), its detail on hover and,
 * in full, on click.
 */
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

import { PipelineModel } from '../pipeline/model';
import {
  IVerification,
  reifiedFrom,
  verdictText,
  withVerification
} from './verify';

const LABELS: Record<IVerification['outcome'], string> = {
  reproduced: 'Reproduced',
  differs: 'Differs',
  'cannot compare': 'Cannot compare',
  failed: 'Run failed'
};

/** Shows Verify on pipelines reified from a notebook; hidden on every other pipeline. */
export class VerifyControl extends Widget {
  /** Create the control for `model`; `verify` runs one verification of its pipeline. */
  constructor(
    private readonly _model: PipelineModel,
    private readonly _verify: () => Promise<IVerification>
  ) {
    super();
    this.addClass('jp-ForgeLab-Verify');
    this._button.className = 'jp-mod-styled jp-ForgeLab-Verify-button';
    this._button.textContent = 'Verify';
    this._button.title =
      "Run the pipeline here and compare its output with the notebook's value";
    this._button.addEventListener('click', () => void this.verify());
    this._verdict.className = 'jp-ForgeLab-Verdict';
    this._verdict.setAttribute('role', 'status');
    this._verdict.addEventListener('click', () => void this._explain());
    this.node.append(this._button, this._verdict);
    this._model.pipelineChanged.connect(this._update, this);
    this._update();
  }

  /** The verdict shown (the last stored one), or `null`. */
  get verification(): IVerification | null {
    return reifiedFrom(this._model.toPipeline())?.verification ?? null;
  }

  /** Run the pipeline, compare, show and store the verdict; resolves to it. */
  async verify(): Promise<IVerification | null> {
    if (this._running) {
      return null;
    }
    this._running = true;
    this._button.disabled = true;
    this._show({ outcome: 'running', text: 'Verifying…' });
    try {
      const verification = await this._verify();
      if (this.isDisposed) {
        return verification;
      }
      this._model.sharedModel.setMeta(
        'metadata',
        withVerification(this._model.toPipeline(), verification)
      );
      const text = `Verify: ${verdictText(verification)}`;
      if (verification.outcome === 'reproduced') {
        Notification.success(text, { autoClose: 5000 });
      } else if (verification.outcome === 'cannot compare') {
        Notification.warning(text, { autoClose: false });
      } else {
        Notification.error(text, { autoClose: false });
      }
      return verification;
    } finally {
      this._running = false;
      if (!this.isDisposed) {
        this._button.disabled = false;
        this._update();
      }
    }
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._model.pipelineChanged.disconnect(this._update, this);
    super.dispose();
  }

  private _update(): void {
    const from = reifiedFrom(this._model.toPipeline());
    this.setHidden(!from);
    if (this._running) {
      return;
    }
    const verification = from?.verification;
    this._show(
      verification
        ? {
            outcome: verification.outcome,
            text: LABELS[verification.outcome] ?? verification.outcome,
            title: `${verdictText(verification)}\n(${new Date(verification.at).toLocaleString()}; click for details)`
          }
        : null
    );
  }

  private _show(
    state: { outcome: string; text: string; title?: string } | null
  ): void {
    this._verdict.className = 'jp-ForgeLab-Verdict';
    this._verdict.hidden = !state;
    this._verdict.textContent = state?.text ?? '';
    this._verdict.title = state?.title ?? '';
    this._verdict.dataset.outcome = state?.outcome ?? '';
    if (state) {
      this._verdict.classList.add(
        `jp-mod-${state.outcome.replace(/\s+/g, '-')}`
      );
    }
  }

  private async _explain(): Promise<void> {
    const verification = this.verification;
    if (!verification || this._running) {
      return;
    }
    const body = document.createElement('div');
    body.className = 'jp-ForgeLab-Verdict-detail';
    const text = document.createElement('p');
    text.textContent = verdictText(verification);
    body.appendChild(text);
    if (verification.execution) {
      const execution = document.createElement('p');
      execution.textContent = `Execution ${verification.execution}, ${new Date(verification.at).toLocaleString()}.`;
      body.appendChild(execution);
    }
    await showDialog({
      title: `Verify: ${LABELS[verification.outcome]}`,
      body: new Widget({ node: body }),
      buttons: [Dialog.okButton()]
    });
  }

  private _button = document.createElement('button');
  private _verdict = document.createElement('button');
  private _running = false;
}
