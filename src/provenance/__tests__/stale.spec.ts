import { ImplicitOperation } from '../../formats';
import {
  sliceGraph,
  sliceRecords,
  staleReads,
  staleText,
  staleVariables
} from '../model';
import { cellRecord, restartNumbering } from './records';

function cell(
  code: string,
  reads: [string, number][],
  writes: [string, number][],
  session = 'k1'
): ImplicitOperation {
  return cellRecord(session, code, reads, writes);
}

describe('stale values', () => {
  beforeEach(() => {
    restartNumbering();
  });

  it('says which value read by the history has a newer version since', () => {
    const history = [
      cell('lr = 0.1', [], [['lr', 1]]),
      cell('w = 2', [], [['w', 1]]),
      cell(
        'model = fit(lr, w)',
        [
          ['lr', 1],
          ['w', 1]
        ],
        [['model', 1]]
      ),
      cell('lr = 0.01', [], [['lr', 2]])
    ];
    const stale = staleReads(history, sliceRecords(history, 'model'));
    expect(stale.map(staleText)).toEqual([
      'reads lr v1; lr is now v2 (cell [4])'
    ]);
    expect(stale[0].readers.map(r => r.code)).toEqual(['model = fit(lr, w)']);
  });

  it('does not count a re-assignment that came before the value was made', () => {
    const history = [
      cell('a = 2', [], [['a', 1]]),
      cell('b = a * 10', [['a', 1]], [['b', 1]]),
      cell('a = 5', [], [['a', 2]]),
      cell(
        'c = b + a',
        [
          ['a', 2],
          ['b', 1]
        ],
        [['c', 1]]
      )
    ];
    expect(staleReads(history, sliceRecords(history, 'c'))).toEqual([]);
  });

  it('ignores the target itself and other kernel sessions', () => {
    const history = [
      cell('x = 1', [], [['x', 1]]),
      cell('y = x + 1', [['x', 1]], [['y', 1]]),
      cell('x = 3', [], [['x', 1]], 'k2')
    ];
    expect(
      staleReads(history, sliceRecords(history, 'y', { session: 'k1' }))
    ).toEqual([]);
  });

  it('marks live variables with a stale history and the cells that read the old value', () => {
    const history = [
      cell('lr = 0.1', [], [['lr', 1]]),
      cell('model = fit(lr)', [['lr', 1]], [['model', 1]]),
      cell('score = model * 2', [['model', 1]], [['score', 1]]),
      cell('lr = 0.01', [], [['lr', 2]])
    ];
    const stale = staleVariables(history, 'k1', [
      { name: 'lr', version: 2 },
      { name: 'model', version: 1 },
      { name: 'score', version: 1 },
      { name: 'unrecorded', version: 1 }
    ]);
    expect([...stale.keys()]).toEqual(['model', 'score']);
    const graph = sliceGraph(
      sliceRecords(history, 'score'),
      stale.get('score')
    );
    const marked = graph.nodes.filter(n =>
      n.className?.includes('fl-mod-stale')
    );
    expect(marked.map(n => n.title)).toEqual(['[2] model = fit(lr)']);
    expect(marked[0].notes).toEqual([
      'Stale: reads lr v1; lr is now v2 (cell [4])'
    ]);
    expect(marked[0].details?.[0]).toBe('stale: lr v1 → v2');
  });
});
