/**
 * ForgeLab's user settings, read defensively: a malformed value falls back to its default and
 * is reported, so a typo in the settings never keeps ForgeLab from loading.
 */

/** ForgeLab's settings with their types; see `schema/plugin.json` for their documentation. */
export interface IForgeLabSettings {
  loadKernelExtension: boolean;
  defaultCompute: string;
  defaultStorage: string;
  kernelRequestTimeout: number;
}

/** The defaults, the same as in `schema/plugin.json`. */
export const DEFAULT_SETTINGS: Readonly<IForgeLabSettings> = {
  loadKernelExtension: true,
  defaultCompute: 'local',
  defaultStorage: 'local',
  kernelRequestTimeout: 30
};

/** Settings read from a raw object, with a problem listed for every value that was ignored. */
export interface IParsedSettings {
  settings: IForgeLabSettings;
  problems: string[];
}

/** Read settings from the composite value of JupyterLab's setting registry (or anything). */
export function parseSettings(raw: unknown): IParsedSettings {
  const settings: IForgeLabSettings = { ...DEFAULT_SETTINGS };
  const problems: string[] = [];
  const source =
    raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  if (raw !== undefined && raw !== null && typeof raw !== 'object') {
    problems.push(
      `settings must be an object, got ${typeof raw}; using the defaults`
    );
  }
  const reject = (key: keyof IForgeLabSettings, expected: string) =>
    problems.push(
      `'${key}' must be ${expected}, got ${JSON.stringify(source[key])}; using ${JSON.stringify(
        DEFAULT_SETTINGS[key]
      )}`
    );

  if ('loadKernelExtension' in source) {
    if (typeof source.loadKernelExtension === 'boolean') {
      settings.loadKernelExtension = source.loadKernelExtension;
    } else {
      reject('loadKernelExtension', 'true or false');
    }
  }
  for (const key of ['defaultCompute', 'defaultStorage'] as const) {
    if (key in source) {
      const value = source[key];
      if (typeof value === 'string' && /^[A-Za-z0-9_.-]+$/.test(value)) {
        settings[key] = value;
      } else {
        reject(key, 'an adapter name');
      }
    }
  }
  if ('kernelRequestTimeout' in source) {
    const value = source.kernelRequestTimeout;
    if (
      typeof value === 'number' &&
      Number.isFinite(value) &&
      value >= 1 &&
      value <= 600
    ) {
      settings.kernelRequestTimeout = value;
    } else {
      reject('kernelRequestTimeout', 'a number of seconds between 1 and 600');
    }
  }
  return { settings, problems };
}
