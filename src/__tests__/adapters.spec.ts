import { configurationRows } from '../views/adapters';

describe('configurationRows', () => {
  it('lists every schema property with the set value, else the default', () => {
    const rows = configurationRows({
      name: 's3',
      available: true,
      configSchema: {
        type: 'object',
        properties: {
          bucket: { type: 'string', description: 'Bucket name' },
          secret: { type: 'string' },
          prefix: { type: 'string', default: 'forgelab' },
          region: { type: ['string', 'null'] },
          mode: { enum: ['a', 'b'] }
        }
      },
      config: { bucket: 'artifacts', secret: '***' }
    });
    expect(rows).toEqual([
      {
        name: 'bucket',
        type: 'string',
        value: '"artifacts"',
        description: 'Bucket name'
      },
      { name: 'secret', type: 'string', value: '"***"', description: '' },
      {
        name: 'prefix',
        type: 'string',
        value: '"forgelab" (default)',
        description: ''
      },
      { name: 'region', type: 'string | null', value: '', description: '' },
      { name: 'mode', type: 'choice', value: '', description: '' }
    ]);
  });

  it('copes with an adapter without a schema', () => {
    expect(configurationRows({ name: 'x', available: true })).toEqual([]);
  });
});
