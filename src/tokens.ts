/**
 * Tokens of the capabilities ForgeLab's plugins provide to one another and to other extensions.
 */
import { ISessionContext } from '@jupyterlab/apputils';
import { Token } from '@lumino/coreutils';
import { ISignal } from '@lumino/signaling';

import { KernelBridge } from './services/kernel';
import { ForgeLabServer } from './services/server';
import { IForgeLabSettings } from './settings';

/** ForgeLab's core services: the server client, the settings and the kernel bridges. */
export interface IForgeLab {
  /** The client of ForgeLab's REST API. */
  readonly server: ForgeLabServer;
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
