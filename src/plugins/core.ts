/**
 * The core plugin: settings, the server client, the status command, the file types and the
 * kernel bridges that other ForgeLab plugins use through {@link IForgeLab}.
 */
import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  Dialog,
  ICommandPalette,
  ISessionContext,
  showDialog
} from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { Signal } from '@lumino/signaling';

import { ARCHITECTURE_CONTENT_TYPE } from '../architecture/model';
import { FILE_SUFFIXES } from '../formats';
import { architectureIcon, pipelineIcon } from '../icons';
import { PIPELINE_CONTENT_TYPE } from '../pipeline/model';
import { KernelBridge } from '../services/kernel';
import { ForgeLabAPI, ForgeLabRequestError, ForgeLabServer } from '../services';
import {
  DEFAULT_SETTINGS,
  IForgeLabSettings,
  parseSettings
} from '../settings';
import { IForgeLab } from '../tokens';
import { StatusView } from '../views/status';

/** The id of the core plugin, also the id of ForgeLab's settings. */
export const CORE_PLUGIN_ID = 'forgelab:plugin';

/**
 * The file types that give `*.pipeline.json` and `*.arch.json` files their icons in the file
 * browser. The listing asks for the file type of a model of content type `file`, which the editors'
 * own file types (content types of their own) never match, so it fell back to JSON; these match
 * by `pattern`, which JupyterLab tries before extensions (whose double suffix it also matches).
 */
export const LISTING_FILE_TYPES = {
  pipeline: 'forgelab-pipeline-file',
  architecture: 'forgelab-architecture-file'
};

/** A pattern that matches a file name ending in one of `suffixes`. */
function suffixPattern(suffixes: string[]): string {
  const escaped = suffixes.map(s => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return `(${escaped.join('|')})$`;
}

/** Command ids. */
export namespace CommandIDs {
  export const showStatus = 'forgelab:show-status';
}

class ForgeLab implements IForgeLab {
  readonly server = new ForgeLabServer();
  readonly api = new ForgeLabAPI(this.server);
  settings: IForgeLabSettings = { ...DEFAULT_SETTINGS };
  readonly settingsChanged: Signal<IForgeLab, IForgeLabSettings> = new Signal(
    this
  );

  bridgeFor(sessionContext: ISessionContext): KernelBridge {
    let bridge = this._bridges.get(sessionContext);
    if (!bridge || bridge.isDisposed) {
      bridge = new KernelBridge(sessionContext, {
        timeoutMs: this.settings.kernelRequestTimeout * 1000,
        autoLoad: this.settings.loadKernelExtension
      });
      this._bridges.set(sessionContext, bridge);
      sessionContext.disposed.connect(() => {
        this._bridges.get(sessionContext)?.dispose();
        this._bridges.delete(sessionContext);
      });
    }
    return bridge;
  }

  update(settings: IForgeLabSettings): void {
    this.settings = settings;
    for (const bridge of this._bridges.values()) {
      bridge.timeoutMs = settings.kernelRequestTimeout * 1000;
      bridge.autoLoad = settings.loadKernelExtension;
    }
    this.settingsChanged.emit(settings);
  }

  private _bridges = new Map<ISessionContext, KernelBridge>();
}

async function loadSettings(
  registry: ISettingRegistry | null,
  forgelab: ForgeLab
): Promise<void> {
  if (!registry) {
    return;
  }
  const apply = (raw: unknown) => {
    const { settings, problems } = parseSettings(raw);
    for (const problem of problems) {
      console.warn(`ForgeLab settings: ${problem}`);
    }
    forgelab.update(settings);
  };
  try {
    const settings = await registry.load(CORE_PLUGIN_ID);
    apply(settings.composite);
    settings.changed.connect(() => apply(settings.composite));
  } catch (error) {
    // Invalid user settings make the registry refuse to load them: keep the defaults.
    console.warn(
      `ForgeLab settings could not be loaded (${(error as Error).message ?? error}); using the defaults.`
    );
  }
}

export const corePlugin: JupyterFrontEndPlugin<IForgeLab> = {
  id: CORE_PLUGIN_ID,
  description:
    'ForgeLab core services: settings, server client, kernel bridges, file types.',
  autoStart: true,
  provides: IForgeLab,
  optional: [ISettingRegistry, ICommandPalette],
  activate: async (
    app: JupyterFrontEnd,
    registry: ISettingRegistry | null,
    palette: ICommandPalette | null
  ): Promise<IForgeLab> => {
    const forgelab = new ForgeLab();
    await loadSettings(registry, forgelab);

    app.docRegistry.addFileType({
      name: 'forgelab-pipeline',
      displayName: 'ForgeLab Pipeline',
      extensions: Object.keys(FILE_SUFFIXES).filter(
        s => FILE_SUFFIXES[s] === 'pipeline'
      ),
      mimeTypes: ['application/json'],
      contentType: PIPELINE_CONTENT_TYPE,
      fileFormat: 'text',
      icon: pipelineIcon
    });
    app.docRegistry.addFileType({
      name: 'forgelab-architecture',
      displayName: 'ForgeLab Architecture',
      extensions: Object.keys(FILE_SUFFIXES).filter(
        s => FILE_SUFFIXES[s] === 'architecture'
      ),
      mimeTypes: ['application/json'],
      contentType: ARCHITECTURE_CONTENT_TYPE,
      fileFormat: 'text',
      icon: architectureIcon
    });

    for (const [format, name] of Object.entries(LISTING_FILE_TYPES)) {
      const suffixes = Object.keys(FILE_SUFFIXES).filter(
        s => FILE_SUFFIXES[s] === format
      );
      app.docRegistry.addFileType({
        name,
        displayName:
          format === 'pipeline' ? 'ForgeLab Pipeline' : 'ForgeLab Architecture',
        extensions: [],
        pattern: suffixPattern(suffixes),
        mimeTypes: ['application/json'],
        contentType: 'file',
        fileFormat: 'text',
        icon: format === 'pipeline' ? pipelineIcon : architectureIcon
      });
    }

    app.commands.addCommand(CommandIDs.showStatus, {
      label: 'ForgeLab: Show Status',
      caption:
        'Versions of ForgeLab and its dependencies, and the configured adapters',
      execute: async () => {
        try {
          const status = await forgelab.server.status();
          await showDialog({
            title: `ForgeLab ${status.forgelab}`,
            body: new StatusView(status),
            buttons: [Dialog.okButton()]
          });
        } catch (error) {
          const message =
            error instanceof ForgeLabRequestError
              ? error.message
              : String(error);
          await showDialog({
            title: 'ForgeLab is not available on this server',
            body: `${message}\nIs the forgelab server extension installed and enabled? (jupyter server extension list)`,
            buttons: [Dialog.okButton()]
          });
        }
      }
    });
    palette?.addItem({ command: CommandIDs.showStatus, category: 'ForgeLab' });

    forgelab.server.status().then(
      status => console.log(`ForgeLab server ${status.forgelab} ready`),
      error =>
        console.warn(
          `ForgeLab server extension unavailable: ${(error as Error).message}`
        )
    );
    console.log('ForgeLab is activated');
    return forgelab;
  }
};
