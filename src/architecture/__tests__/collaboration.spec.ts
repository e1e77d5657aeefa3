import * as fs from 'fs';
import * as path from 'path';
import * as Y from 'yjs';

import {
  ARCHITECTURE_CONTENT_TYPE,
  ArchitectureModel,
  ArchitectureModelFactory
} from '../model';
import { YArchitecture } from '../ydoc';

const REDSHIFT = fs.readFileSync(
  path.resolve(__dirname, '../../../examples/redshift.arch.json'),
  'utf8'
);

/** Forward every update of `from` to `to` (a stand-in for the collaboration provider). */
function link(from: YArchitecture, to: YArchitecture): void {
  from.ydoc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== 'remote') {
      Y.applyUpdate(to.ydoc, update, 'remote');
    }
  });
}

describe('ArchitectureModelFactory', () => {
  it('opens architectures with their own content type, for the collaboration provider', () => {
    expect(new ArchitectureModelFactory().contentType).toBe(
      ARCHITECTURE_CONTENT_TYPE
    );
    expect(ARCHITECTURE_CONTENT_TYPE).toBe('forgelabarchitecture');
    expect(new ArchitectureModelFactory().collaborative).toBe(false);
    expect(
      new ArchitectureModelFactory({ collaborative: true }).collaborative
    ).toBe(true);
  });

  it('binds models to the shared architecture it is given, so that peers converge', () => {
    const factory = new ArchitectureModelFactory({ collaborative: true });
    const [a, b] = [new YArchitecture(), new YArchitecture()];
    link(a, b);
    link(b, a);
    const first = factory.createNew({
      sharedModel: a,
      collaborationEnabled: true
    });
    const second = factory.createNew({
      sharedModel: b,
      collaborationEnabled: true
    });
    expect(first.sharedModel).toBe(a);
    expect(first.collaborative).toBe(true);

    first.fromString(REDSHIFT);
    expect(second.toString()).toBe(first.toString());
    first.setArgument('conv', 'filters', 96);
    expect(second.getLayer('conv')!.arguments).toMatchObject({ filters: 96 });
    second.setArgument('pool', 'pool_size', 3);
    expect(first.getLayer('pool')!.arguments).toMatchObject({ pool_size: 3 });
    expect(JSON.parse(first.toString())).toEqual(JSON.parse(second.toString()));
    first.dispose();
    second.dispose();
  });

  it('without a shared model, a model still loads, edits and undoes on its own', () => {
    const model = new ArchitectureModelFactory().createNew();
    expect(model).toBeInstanceOf(ArchitectureModel);
    expect(model.collaborative).toBe(false);
    model.fromString(REDSHIFT);
    model.setArgument('conv', 'filters', 96);
    model.undo();
    expect(model.toString()).toBe(REDSHIFT);
    model.dispose();
  });
});
