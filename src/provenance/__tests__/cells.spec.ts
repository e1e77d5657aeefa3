import { ImplicitOperation } from '../../formats';
import { SliceError, sliceCell, sliceGraph } from '../model';
import { cellRecord } from './records';

function run(
  session: string,
  cellId: string,
  code: string,
  reads: [string, number][],
  writes: [string, number][]
): ImplicitOperation {
  return cellRecord(session, code, reads, writes, { cellId });
}

describe('sliceCell', () => {
  const history = [
    run('k1', 'data', 'xs = [1, 2]', [], [['xs', 1]]),
    run('k1', 'other', 'z = 0', [], [['z', 1]]),
    run('k1', 'square', 'ys = [x * x for x in xs]', [['xs', 1]], [['ys', 1]]),
    run('k1', 'sum', 'sum(ys)', [['ys', 1]], []),
    run('k1', 'data', 'xs = [5]', [], [['xs', 2]]),
    run('k1', 'square', 'ys = [x * x for x in xs]', [['xs', 2]], [['ys', 2]]),
    run('k2', 'sum', 'sum(ys)', [['ys', 1]], [])
  ];

  it("keeps the cell's run and what its reads lead back to, not later runs", () => {
    const slice = sliceCell(history, { record: history[3].id });
    expect(slice.output).toBe(true);
    expect(slice.producer).toBe(history[3]);
    expect(slice.version).toBe(history[3].executionCount);
    expect(slice.records.map(r => r.id)).toEqual(
      [history[0], history[2], history[3]].map(r => r.id)
    );
  });

  it('takes the latest run of a cell id in the chosen session', () => {
    expect(sliceCell(history, { cell: 'square' }).producer).toBe(history[5]);
    expect(sliceCell(history, { cell: 'sum', session: 'k1' }).producer).toBe(
      history[3]
    );
    expect(sliceCell(history, { cell: 'sum' }).session).toBe('k2');
  });

  it('draws the cell with an output port for what it displays', () => {
    const graph = sliceGraph(sliceCell(history, { record: history[3].id }));
    const last = graph.nodes[graph.nodes.length - 1];
    expect(last.className).toContain('fl-mod-target');
    expect(last.outputs.map(p => p.name)).toEqual(['output']);
    expect(last.inputs.map(p => p.name)).toEqual(['ys']);
    expect(graph.edges.map(e => e.label)).toEqual(['xs v1', 'ys v1']);
  });

  it('explains a cell that never ran or was not named', () => {
    expect(() => sliceCell(history, { cell: 'nowhere' })).toThrow(
      /no recorded run/
    );
    expect(() => sliceCell(history, { cell: 'data', session: 'k2' })).toThrow(
      SliceError
    );
    expect(() => sliceCell(history, {})).toThrow(/Name the cell/);
  });
});
