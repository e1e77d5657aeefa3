import { DEFAULT_SETTINGS, parseSettings } from '../settings';

describe('parseSettings', () => {
  it('takes well-formed values', () => {
    const { settings, problems } = parseSettings({
      loadKernelExtension: false,
      defaultCompute: 'dask',
      defaultStorage: 's3',
      kernelRequestTimeout: 5
    });
    expect(problems).toEqual([]);
    expect(settings).toEqual({
      loadKernelExtension: false,
      defaultCompute: 'dask',
      defaultStorage: 's3',
      kernelRequestTimeout: 5
    });
  });

  it('falls back to the default for each malformed value and says why', () => {
    const { settings, problems } = parseSettings({
      loadKernelExtension: 'yes',
      defaultCompute: 'no spaces allowed',
      kernelRequestTimeout: -3
    });
    expect(settings).toEqual(DEFAULT_SETTINGS);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(
      /'loadKernelExtension' must be true or false, got "yes"; using true/
    );
    expect(problems[2]).toMatch(/kernelRequestTimeout/);
  });

  it('survives settings that are not an object', () => {
    expect(parseSettings('garbage').settings).toEqual(DEFAULT_SETTINGS);
    expect(parseSettings('garbage').problems).toHaveLength(1);
    expect(parseSettings(undefined)).toEqual({
      settings: DEFAULT_SETTINGS,
      problems: []
    });
  });
});
