/**
 * Toolbar tooltips that name the keys of their command as the user configured them (JupyterLab's
 * key bindings, from the Keyboard Shortcuts settings), and follow when those settings change.
 */
import {
  Toolbar,
  ToolbarButton,
  ToolbarButtonComponent
} from '@jupyterlab/ui-components';
import { CommandRegistry } from '@lumino/commands';
import { DisposableDelegate, IDisposable } from '@lumino/disposable';

/** The keys bound to `command` as JupyterLab writes them ("Shift+Enter, Ctrl+Y"); '' if none. */
export function shortcutText(
  commands: CommandRegistry,
  command: string
): string {
  const keys = commands.keyBindings
    .filter(binding => binding.command === command)
    .map(binding =>
      binding.keys.map(k => CommandRegistry.formatKeystroke(k)).join(' ')
    );
  return [...new Set(keys)].join(', ');
}

/** `text (keys)`, or `text` alone when the command has no keys. */
export function tooltipWithKeys(
  commands: CommandRegistry,
  command: string,
  text: string
): string {
  const keys = shortcutText(commands, command);
  return keys ? `${text} (${keys})` : text;
}

/**
 * The props a toolbar button renders from. `ToolbarButton` offers no tooltip setter and keeps
 * them in a field its typings call private; it renders them again on `update()`.
 */
type Rendered = { props: ToolbarButtonComponent.IProps };

/** Show `tooltip` on `button` from now on. */
function retitle(button: ToolbarButton, tooltip: string): void {
  const rendered = button as unknown as Rendered;
  if (rendered.props.tooltip !== tooltip) {
    rendered.props = { ...rendered.props, tooltip };
    button.update();
  }
}

/**
 * Add to the tooltips of `toolbar`'s buttons named in `items` (toolbar item name → command id)
 * the keys of their commands, now and whenever a key binding changes. Disposing stops following.
 */
export function showShortcuts(
  toolbar: Toolbar,
  commands: CommandRegistry,
  items: Record<string, string>
): IDisposable {
  const names = [...toolbar.names()];
  const buttons = [...toolbar.children()]
    .map((widget, i) => ({ widget, name: names[i] }))
    .filter(
      (item): item is { widget: ToolbarButton; name: string } =>
        item.widget instanceof ToolbarButton && item.name in items
    )
    .map(({ widget, name }) => ({
      button: widget,
      command: items[name],
      text: (widget as unknown as Rendered).props.tooltip ?? ''
    }));
  const update = () => {
    for (const { button, command, text } of buttons) {
      if (!button.isDisposed) {
        retitle(button, tooltipWithKeys(commands, command, text));
      }
    }
  };
  update();
  commands.keyBindingChanged.connect(update);
  const following = new DisposableDelegate(() =>
    commands.keyBindingChanged.disconnect(update)
  );
  toolbar.disposed.connect(() => following.dispose());
  return following;
}
