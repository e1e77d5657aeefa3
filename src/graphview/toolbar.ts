/**
 * The toolbar button every graph (pipeline, architecture, execution, provenance) shows to fit
 * its whole graph in view, so that the action looks and behaves the same everywhere.
 */
import { ToolbarButton } from '@jupyterlab/ui-components';

import { GraphView } from './view';

/** The class of every Fit button (for styles and tests). */
export const FIT_BUTTON_CLASS = 'jp-ForgeLab-FitButton';

/** A "Fit" toolbar button that shows the whole graph of `view`, whatever is selected. */
export function createFitButton(
  view: GraphView,
  what = 'graph'
): ToolbarButton {
  return new ToolbarButton({
    className: FIT_BUTTON_CLASS,
    label: 'Fit',
    tooltip: `Show the whole ${what}`,
    onClick: () => view.fit()
  });
}
