import { PromiseDelegate } from '@lumino/coreutils';

import { emptyArchitecture } from '../ydoc';
import { formatShape, ICheckResult, ShapeChecker } from '../shapes';
import { IArgumentSpec } from '../catalog';
import { formatValue, parseValue } from '../values';

function answer(total: number): ICheckResult {
  return { ok: true, layers: {}, total_params: total };
}

describe('ShapeChecker', () => {
  it('sends one check for a burst of edits, after the debounce', async () => {
    const sent: number[] = [];
    const checker = new ShapeChecker(async doc => {
      sent.push(doc.layers.length);
      return answer(doc.layers.length);
    }, 20);
    const doc = emptyArchitecture();
    checker.schedule(doc);
    checker.schedule({ ...doc, layers: [...doc.layers, ...doc.layers] });
    expect(checker.state).toBe('waiting');
    await new Promise(resolve => setTimeout(resolve, 60));
    expect(sent).toEqual([2]);
    expect(checker.state).toBe('done');
    expect(checker.result?.total_params).toBe(2);
    checker.dispose();
  });

  it('drops the answer to an older edit that arrives after a newer one', async () => {
    const pending: PromiseDelegate<ICheckResult>[] = [];
    const checker = new ShapeChecker(() => {
      const p = new PromiseDelegate<ICheckResult>();
      pending.push(p);
      return p.promise;
    }, 0);
    const older = checker.check(emptyArchitecture());
    const newer = checker.check(emptyArchitecture());
    pending[1].resolve(answer(2));
    await newer;
    pending[0].resolve(answer(1));
    await older;
    expect(checker.result?.total_params).toBe(2);
    checker.dispose();
  });

  it('reports a kernel that does not answer instead of waiting on it', async () => {
    const checker = new ShapeChecker(async () => {
      throw new Error(
        'No answer from the kernel for 30 s; it is busy or dead.'
      );
    }, 0);
    await checker.check(emptyArchitecture());
    expect(checker.state).toBe('unavailable');
    expect(checker.error).toMatch(/busy or dead/);
    checker.dispose();
  });

  it('prints shapes as Python does', () => {
    expect(formatShape([null, 26, 26, 8])).toBe('(None, 26, 26, 8)');
    expect(formatShape([null])).toBe('(None,)');
  });
});

describe('argument values', () => {
  const spec = (types: string[]): IArgumentSpec => ({
    name: 'kernel_size',
    required: false,
    types,
    doc: ''
  });

  it.each([
    ['3', ['int', 'tuple'], 3],
    ['(3, 3)', ['int', 'tuple'], [3, 3]],
    ['28, 28, 1', ['int', 'tuple'], [28, 28, 1]],
    ['None', ['int'], null],
    ['True', ['bool'], true],
    ['same', ['str'], 'same'],
    ['0.5', ['float'], 0.5],
    ['', ['int'], undefined]
  ])('reads %p typed %p', (text, types, value) => {
    expect(parseValue(text, spec(types))).toEqual(value);
  });

  it('refuses text that is not a number for a numeric argument, and says so', () => {
    expect(() => parseValue('big', spec(['int', 'tuple']))).toThrow(
      /'kernel_size' takes int or tuple; 'big' is not a number/
    );
  });

  it('shows values the way Python writes them', () => {
    expect(formatValue([3, 3])).toBe('(3, 3)');
    expect(formatValue(null)).toBe('None');
    expect(formatValue(false)).toBe('False');
    expect(formatValue('relu')).toBe('relu');
  });
});
