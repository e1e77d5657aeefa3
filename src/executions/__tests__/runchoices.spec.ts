import {
  markUnreachable,
  pendingChoices,
  RunDialogBody,
  runChoices
} from '../runchoices';

const adapters = {
  compute: [
    { name: 'local', available: true },
    { name: 'dask', available: true },
    { name: 'sciserver', available: false, reason: 'no SciServer token' }
  ],
  storage: [
    { name: 'local', available: true },
    { name: 's3', available: false }
  ],
  defaults: { compute: 'local', storage: 'local' }
};

describe('runChoices', () => {
  it("preselects the user's setting when it is available", () => {
    const choices = runChoices(adapters, { compute: 'dask', storage: 'local' });
    expect(choices.compute.selected).toBe('dask');
    expect(choices.compute.options).toEqual([
      { name: 'local', available: true },
      { name: 'dask', available: true },
      { name: 'sciserver', available: false, reason: 'no SciServer token' }
    ]);
    expect(choices.storage.options[1]).toEqual({
      name: 's3',
      available: false,
      reason: 'not available'
    });
  });

  it("falls back to the server's default, then to the first available adapter", () => {
    expect(
      runChoices(adapters, { compute: 'sciserver', storage: 's3' }).compute
        .selected
    ).toBe('local');
    const noDefaults = { ...adapters, defaults: undefined };
    expect(
      runChoices(noDefaults, { compute: 'nope', storage: 's3' }).storage
        .selected
    ).toBe('local');
    expect(
      runChoices(
        { compute: [{ name: 'x', available: false }], storage: [] },
        { compute: 'x', storage: 'local' }
      ).compute.selected
    ).toBeNull();
  });

  it('shows unavailable adapters disabled with their reason', () => {
    const body = new RunDialogBody(
      runChoices(adapters, { compute: 'local', storage: 'local' })
    );
    const options = [
      ...body.node.querySelectorAll<HTMLOptionElement>(
        'select[name="compute"] option'
      )
    ];
    expect(options.map(o => [o.value, o.disabled])).toEqual([
      ['local', false],
      ['dask', false],
      ['sciserver', true]
    ]);
    expect(options[2].textContent).toBe(
      'sciserver (unavailable: no SciServer token)'
    );
    expect(body.getValue()).toEqual({ compute: 'local', storage: 'local' });
    body.dispose();
  });

  it("offers the settings' adapters at once, then the server's list, keeping the user's pick", () => {
    const settings = { compute: 'local', storage: 'local' };
    const body = new RunDialogBody(pendingChoices(settings));
    expect(body.getValue()).toEqual(settings);
    expect(body.node.textContent).toContain('Checking which adapters');
    body.setChoices(runChoices(adapters, settings));
    expect(body.node.textContent).not.toContain('Checking which adapters');
    const compute = body.node.querySelector<HTMLSelectElement>(
      'select[name="compute"]'
    )!;
    expect(compute.options).toHaveLength(3);
    compute.value = 'dask';
    compute.dispatchEvent(new Event('change'));
    body.setChoices(runChoices(adapters, settings));
    expect(body.getValue()).toEqual({ compute: 'dask', storage: 'local' });
    body.dispose();
  });

  it('has no value when a kind has no available adapter', () => {
    const body = new RunDialogBody(
      runChoices(
        {
          compute: adapters.compute,
          storage: [{ name: 's3', available: false }]
        },
        { compute: 'local', storage: 's3' }
      )
    );
    expect(body.getValue()).toBeNull();
    expect(body.node.textContent).toContain('No storage adapter is available');
    body.dispose();
  });

  it('names the GPUs a compute hands out', () => {
    const withGpus = {
      ...adapters,
      compute: [
        {
          name: 'local',
          available: true,
          gpus: { count: 2, source: 'configuration' }
        },
        { name: 'dask', available: true, gpus: { count: 0, source: 'none' } }
      ]
    };
    const choices = runChoices(withGpus, {
      compute: 'local',
      storage: 'local'
    });
    expect(choices.compute.options).toEqual([
      { name: 'local', available: true, gpus: 2 },
      { name: 'dask', available: true }
    ]);
    const body = new RunDialogBody(choices);
    const labels = [
      ...body.node.querySelectorAll<HTMLOptionElement>(
        'select[name="compute"] option'
      )
    ].map(o => o.textContent);
    expect(labels).toEqual(['local (2 GPUs)', 'dask']);
  });
});

describe('adapter explanations', () => {
  const described = {
    compute: [
      { name: 'local', available: true, description: 'Subprocesses here.' },
      { name: 'dask', available: true, description: 'A Dask cluster.' }
    ],
    storage: [{ name: 'local', available: true }],
    defaults: { compute: 'dask', storage: 'local' }
  };

  it('explains each adapter in one line and greys out an unreachable one with the reason', () => {
    const choices = runChoices(described, {
      compute: 'dask',
      storage: 'local'
    });
    const body = new RunDialogBody(choices);
    const lines = () =>
      [
        ...body.node.querySelectorAll<HTMLLIElement>(
          '.jp-ForgeLab-RunDialog-adapters[data-kind="compute"] li'
        )
      ].map(li => [li.textContent, li.classList.contains('jp-mod-disabled')]);
    expect(lines()).toEqual([
      ['local — Subprocesses here.', false],
      ['dask — A Dask cluster.', false]
    ]);
    body.setChoices(
      markUnreachable(
        body.choices,
        'compute',
        'dask',
        'no scheduler at tcp://x'
      )
    );
    expect(lines()[1]).toEqual([
      'dask — unavailable: not reachable: no scheduler at tcp://x',
      true
    ]);
    expect(body.getValue()).toEqual({ compute: 'local', storage: 'local' });
  });
});
