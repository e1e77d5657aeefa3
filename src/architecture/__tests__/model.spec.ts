import * as fs from 'fs';
import * as path from 'path';

import { Architecture, FormatError } from '../../formats';
import { LayerCatalog } from '../catalog';
import { ArchitectureModel } from '../model';
import { emptyArchitecture } from '../ydoc';

const ROOT = path.resolve(__dirname, '../../..');

function fixtures(): [string, string][] {
  return [
    path.join(ROOT, 'fixtures/formats/valid'),
    path.join(ROOT, 'examples')
  ]
    .filter(d => fs.existsSync(d))
    .flatMap(d =>
      fs
        .readdirSync(d)
        .filter(f => f.endsWith('.arch.json'))
        .map(
          f => [f, fs.readFileSync(path.join(d, f), 'utf8')] as [string, string]
        )
    );
}

/** A catalog with the input modes of a few Keras layers. */
const catalog = new LayerCatalog({
  keras_version: 'test',
  categories: ['Core', 'Merging'],
  layers: {
    Dense: {
      name: 'Dense',
      category: 'Core',
      summary: 'Just your regular densely-connected NN layer.',
      arguments: [],
      inputs: { mode: 'single', min: 1, max: 1 }
    },
    Concatenate: {
      name: 'Concatenate',
      category: 'Merging',
      summary: 'Concatenates a list of inputs.',
      arguments: [],
      inputs: { mode: 'list', min: 2, max: null }
    }
  }
});

function threeInputs(): { model: ArchitectureModel; ids: string[] } {
  const model = new ArchitectureModel();
  model.catalog = catalog;
  const a = model.addLayer('Dense');
  const b = model.addLayer('Dense');
  const c = model.addLayer('Dense');
  const cat = model.addLayer('Concatenate');
  for (const source of [a, b, c]) {
    const n = model.getLayer(cat)!.inputs?.length ?? 0;
    const result = model.connect(
      { node: source, port: 'out' },
      { node: cat, port: String(n) }
    );
    expect(result.ok).toBe(true);
  }
  return { model, ids: [a, b, c, cat] };
}

describe('ArchitectureModel', () => {
  const files = fixtures();

  it('finds the architecture fixtures and examples', () => {
    expect(files.map(f => f[0])).toEqual(
      expect.arrayContaining(['redshift.arch.json', 'mnist-cnn.arch.json'])
    );
  });

  it.each(files)('round-trips %s exactly', (_, text) => {
    const model = new ArchitectureModel();
    model.fromString(text);
    expect(model.toArchitecture()).toEqual(JSON.parse(text));
    expect(JSON.parse(model.toString())).toEqual(JSON.parse(text));
    expect(model.graph.size).toBe(JSON.parse(text).layers.length);
  });

  it('refuses a malformed file and says where', () => {
    const model = new ArchitectureModel();
    expect(() =>
      model.fromString('{"format": "forgelab.architecture", "version": 1}')
    ).toThrow(FormatError);
  });

  it('starts as one Input layer, which is also the output', () => {
    const doc = new ArchitectureModel().toArchitecture();
    expect(doc.layers.map(l => l.type)).toEqual(['Input']);
    expect(doc.inputs).toEqual(['input']);
    expect(doc.outputs).toEqual(['input']);
  });

  it('keeps the model outputs on the layers nothing consumes', () => {
    const model = new ArchitectureModel();
    const dense = model.addLayer('Dense', { x: 0, y: 80 }, { units: 4 });
    expect(
      model.connect({ node: 'input', port: 'out' }, { node: dense, port: '0' })
        .ok
    ).toBe(true);
    const doc: Architecture = model.toArchitecture();
    expect(doc.outputs).toEqual([dense]);
    expect(doc.layers[1]).toEqual({
      id: 'dense',
      type: 'Dense',
      arguments: { units: 4 },
      position: { x: 0, y: 80 },
      inputs: ['input']
    });
  });

  it('keeps the order of a merge layer’s inputs and lets it change', () => {
    const { model, ids } = threeInputs();
    const [a, b, c, cat] = ids;
    expect(model.getLayer(cat)!.inputs).toEqual([a, b, c]);
    expect(
      model.graph.incoming(cat).map(e => [e.source.node, e.index])
    ).toEqual([
      [a, 0],
      [b, 1],
      [c, 2]
    ]);
    model.moveInput(cat, 2, -1);
    expect(model.getLayer(cat)!.inputs).toEqual([a, c, b]);
    model.moveInput(cat, 0, -1);
    expect(model.getLayer(cat)!.inputs).toEqual([a, c, b]);
    model.undo();
    expect(model.getLayer(cat)!.inputs).toEqual([a, b, c]);
    model.redo();
    expect(model.getLayer(cat)!.inputs).toEqual([a, c, b]);
  });

  it('removes one input by its edge and renumbers the rest', () => {
    const { model, ids } = threeInputs();
    const [a, b, c, cat] = ids;
    const middle = model.graph.incoming(cat).find(e => e.index === 1)!;
    model.disconnect([middle.id]);
    expect(model.getLayer(cat)!.inputs).toEqual([a, c]);
    model.removeLayers([a]);
    expect(model.getLayer(cat)!.inputs).toEqual([c]);
    expect(model.toArchitecture().outputs).toEqual(['input', cat, b]);
  });

  it('refuses a second source on a single-input layer and a cycle, with reasons', () => {
    const model = new ArchitectureModel();
    model.catalog = catalog;
    const d1 = model.addLayer('Dense');
    const d2 = model.addLayer('Dense');
    model.connect({ node: 'input', port: 'out' }, { node: d1, port: '0' });
    model.connect({ node: d1, port: 'out' }, { node: d2, port: '0' });
    const twice = model.connect(
      { node: d2, port: 'out' },
      { node: d1, port: '0' }
    );
    expect(twice).toEqual({
      ok: false,
      reason: expect.stringMatching(/already fed/)
    });
    const d3 = model.addLayer('Dense');
    model.connect({ node: d2, port: 'out' }, { node: d3, port: '0' });
    const cat = model.addLayer('Concatenate');
    model.connect({ node: d3, port: 'out' }, { node: cat, port: '0' });
    const cycle = model.checkConnection(
      { node: cat, port: 'out' },
      { node: cat, port: '1' }
    );
    expect(cycle).toMatch(/cycle/);
  });

  it('saves only the arguments that are set, and undoes argument edits', () => {
    const model = new ArchitectureModel();
    const id = model.addLayer('Dense');
    model.setArgument(id, 'units', 8);
    model.setArgument(id, 'activation', 'relu');
    expect(model.getLayer(id)!.arguments).toEqual({
      units: 8,
      activation: 'relu'
    });
    model.setArgument(id, 'activation', undefined);
    expect(model.getLayer(id)!.arguments).toEqual({ units: 8 });
    model.undo();
    expect(model.getLayer(id)!.arguments).toEqual({
      units: 8,
      activation: 'relu'
    });
    model.undo();
    model.undo();
    expect(model.getLayer(id)!.arguments).toBeUndefined();
    model.undo();
    expect(model.getLayer(id)).toBeUndefined();
    expect(model.toArchitecture().outputs).toEqual(['input']);
  });

  it('keeps edits made before JupyterLab clears the history of an opened file', () => {
    const model = new ArchitectureModel();
    model.fromString(JSON.stringify(emptyArchitecture('net')));
    const before = model.toString();
    const id = model.addLayer('Dense');
    model.sharedModel.clearUndoHistory();
    expect(model.undo()).toBe(true);
    expect(model.getLayer(id)).toBeUndefined();
    expect(model.toString()).toEqual(before);
    expect(model.undo()).toBe(false);
  });

  it('copies and pastes layers with fresh ids and inner inputs only', () => {
    const { model, ids } = threeInputs();
    const [, b, , cat] = ids;
    const pasted = model.paste(model.copy([b, cat]));
    expect(pasted).toHaveLength(2);
    expect(model.getLayer(pasted[1])!.inputs).toEqual([pasted[0]]);
  });
});
