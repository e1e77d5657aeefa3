import { Operation } from '../../formats';
import { BUILTIN_GROUP, groupOperations, operationFile } from '../opgroups';

const op = (id: string) => ({ id, name: id.split(':').pop() }) as Operation;

const operations = [
  op('forgelab.load_csv'),
  op('examples/redshift/ops.py:fit'),
  op('work/a.py:clean'),
  op('work/z.py:plot'),
  op('work/a.py:load'),
  op('top.py:helper')
];

describe('groupOperations', () => {
  it("puts the pipeline's folder's files first and open, others closed, built-ins last", () => {
    const groups = groupOperations(operations, 'work/run.pipeline.json');
    expect(
      groups.map(g => [g.title, g.open, g.operations.map(o => o.name)])
    ).toEqual([
      ['a.py', true, ['clean', 'load']],
      ['z.py', true, ['plot']],
      ['examples/redshift/ops.py', false, ['fit']],
      ['top.py', false, ['helper']],
      [BUILTIN_GROUP, true, ['forgelab.load_csv']]
    ]);
  });

  it('treats the root as a folder like any other', () => {
    const groups = groupOperations(operations, 'run.pipeline.json');
    expect(groups[0]).toMatchObject({
      title: 'top.py',
      path: 'top.py',
      open: true
    });
    expect(groups.filter(g => g.open).map(g => g.title)).toEqual([
      'top.py',
      BUILTIN_GROUP
    ]);
  });

  it('reads the file from a workspace id and none from a built-in one', () => {
    expect(operationFile(op('a/b.py:f'))).toBe('a/b.py');
    expect(operationFile(op('forgelab.score'))).toBeNull();
    expect(operationFile(op('inline:f'))).toBeNull();
  });
});
