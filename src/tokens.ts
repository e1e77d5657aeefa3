/**
 * Tokens of the capabilities ForgeLab's plugins provide to one another and to other extensions.
 */
import { ISessionContext } from '@jupyterlab/apputils';
import { Token } from '@lumino/coreutils';
import { ISignal } from '@lumino/signaling';

import { KernelBridge } from './services/kernel';
import { ForgeLabAPI, ForgeLabServer } from './services';
import { IForgeLabSettings } from './settings';

/** ForgeLab's core services: the server's clients, the settings and the kernel bridges. */
export interface IForgeLab {
  /** The connection to ForgeLab's server extension (its status). */
  readonly server: ForgeLabServer;
  /** The clients of ForgeLab's REST resources, on `server`. */
  readonly api: ForgeLabAPI;
  /** The current settings (defaults where the user's are malformed). */
  readonly settings: IForgeLabSettings;
  /** Emitted when the settings change. */
  readonly settingsChanged: ISignal<IForgeLab, IForgeLabSettings>;
  /** The bridge to ForgeLab in the kernel of a session, created on first use. */
  bridgeFor(sessionContext: ISessionContext): KernelBridge;
}

/** The token of ForgeLab's core services. */
export const IForgeLab = new Token<IForgeLab>(
  'forgelab:IForgeLab',
  'ForgeLab core services: server client, settings, kernel bridges.'
);

/** Opens the live view of an execution. */
export interface IExecutionOpener {
  /** Show the view of the execution `id` (reusing an open one); resolves once it is shown. */
  open(id: string): Promise<void>;
}

/** The token of the executions plugin's opener, for plugins that start or list executions. */
export const IExecutionOpener = new Token<IExecutionOpener>(
  'forgelab:IExecutionOpener',
  'Opens the live view of an execution.'
);
