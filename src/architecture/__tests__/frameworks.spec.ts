/**
 * The architecture's framework picks the catalog the editor asks the kernel for, the Input of
 * a new architecture, and how a model imported from a notebook variable is completed.
 */
import {
  catalogKey,
  catalogRequest,
  frameworkTitle,
  LayerCatalog
} from '../catalog';
import {
  architecturePathFor,
  inputsWithoutShape,
  parseShape,
  withInputShape
} from '../importing';
import { emptyArchitecture } from '../ydoc';
import { Architecture } from '../../formats/types';

describe('the catalog of an architecture’s framework', () => {
  it('asks Keras’s catalog as before and names any other framework', () => {
    expect(catalogRequest('keras')).toEqual({});
    expect(catalogRequest('keras', true)).toEqual({ refresh: true });
    expect(catalogRequest('torch')).toEqual({ framework: 'torch' });
    expect(catalogRequest('torch', true)).toEqual({
      framework: 'torch',
      refresh: true
    });
  });

  it('keeps one catalog per kernel and framework', () => {
    expect(catalogKey('k1', 'torch')).not.toEqual(catalogKey('k1', 'keras'));
    expect(catalogKey('', 'torch')).toBe('');
  });

  it('says which framework and version a catalog describes', () => {
    const torch = new LayerCatalog({
      framework: 'torch',
      torch_version: '2.13.0',
      categories: [],
      layers: {}
    });
    expect([torch.framework, torch.version]).toEqual(['torch', '2.13.0']);
    const keras = new LayerCatalog({
      keras_version: '3.15.1',
      categories: [],
      layers: {}
    });
    expect([keras.framework, keras.version]).toEqual(['keras', '3.15.1']);
    expect(frameworkTitle('torch')).toBe('PyTorch');
    expect(frameworkTitle('jax')).toBe('jax');
  });

  it('creates a PyTorch architecture with a channels-first input', () => {
    const doc = emptyArchitecture('net', 'torch');
    expect(doc.framework).toBe('torch');
    expect(doc.layers[0].arguments).toEqual({ shape: [1, 28, 28] });
    expect(emptyArchitecture().layers[0].arguments).toEqual({
      shape: [28, 28, 1]
    });
  });
});

describe('opening a notebook variable as an architecture', () => {
  const traced: Architecture = {
    format: 'forgelab.architecture',
    version: 1,
    framework: 'torch',
    layers: [
      { id: 'x', type: 'Input' },
      { id: 'y', type: 'Input', arguments: { shape: [4] } },
      {
        id: 'fc',
        type: 'Bilinear',
        inputs: ['x', 'y'],
        arguments: { in1_features: 3, in2_features: 4, out_features: 2 }
      }
    ],
    inputs: ['x', 'y'],
    outputs: ['fc']
  };

  it('finds the inputs tracing could not give a shape', () => {
    expect(inputsWithoutShape(traced)).toEqual(['x']);
    const completed = withInputShape(traced, 'x', [3]);
    expect(inputsWithoutShape(completed)).toEqual([]);
    expect(completed.layers[0].arguments).toEqual({ shape: [3] });
    expect(traced.layers[0].arguments).toBeUndefined();
  });

  it('reads a shape as people type it and refuses anything else', () => {
    expect(parseShape('3, 32,32')).toEqual([3, 32, 32]);
    expect(parseShape('(3, 32, 32)')).toEqual([3, 32, 32]);
    expect(parseShape('[64]')).toEqual([64]);
    expect(parseShape('3, 0')).toBeNull();
    expect(parseShape('a,b')).toBeNull();
    expect(parseShape('')).toBeNull();
  });

  it('names the file after the variable, beside the notebook', () => {
    expect(architecturePathFor('work/explore.ipynb', 'net')).toBe(
      'work/net.arch.json'
    );
    expect(architecturePathFor('explore.ipynb', 'models[0]')).toBe(
      'models_0_.arch.json'
    );
  });
});
