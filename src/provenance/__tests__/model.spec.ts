import { KernelMessage } from '@jupyterlab/services';

import { ImplicitOperation } from '../../formats';
import {
  artifactGraph,
  recordTitle,
  sliceGraph,
  sliceRecords,
  SliceError
} from '../model';
import { widgetEdits } from '../widgets';
import { cellRecord } from './records';

const cell = cellRecord;

describe('sliceRecords', () => {
  const history = [
    cell('k1', 'a = 2', [], [['a', 1]]),
    cell('k1', 'b = a * 10', [['a', 1]], [['b', 1]]),
    cell('k1', 'z = 0', [], [['z', 1]]),
    cell('k1', 'a = 5', [], [['a', 2]]),
    cell(
      'k1',
      'c = b + a',
      [
        ['a', 2],
        ['b', 1]
      ],
      [['c', 1]]
    ),
    cell('k2', 'a = 7', [], [['a', 1]])
  ];

  it('keeps only the records the value depends on, in execution order', () => {
    const slice = sliceRecords(history, 'c');
    expect(slice.session).toBe('k1');
    expect(slice.version).toBe(1);
    expect(slice.records.map(r => r.code)).toEqual([
      'a = 2',
      'b = a * 10',
      'a = 5',
      'c = b + a'
    ]);
  });

  it('takes the latest session by default and an older version on request', () => {
    expect(sliceRecords(history, 'a').producer.code).toBe('a = 7');
    const older = sliceRecords(history, 'a', { session: 'k1', version: 1 });
    expect(older.producer.code).toBe('a = 2');
  });

  it('explains a variable that no cell wrote', () => {
    expect(() => sliceRecords(history, 'nope')).toThrow(SliceError);
    expect(() => sliceRecords(history, 'c', { session: 'k2' })).toThrow(
      /No recorded cell of this kernel session wrote c/
    );
    expect(() => sliceRecords(history, 'a', { version: 9 })).toThrow(
      /version 9 of a/
    );
  });
});

describe('sliceGraph', () => {
  it('draws one node per record and one labelled edge per variable version', () => {
    const records = [
      cell(
        'k',
        'import numpy as np\nx = np.ones(3)',
        [],
        [
          ['x', 1],
          ['np', 1]
        ]
      ),
      cell('k', '# scale\ny = x * 2', [['x', 1]], [['y', 1]]),
      cell(
        'k',
        'x = x + y',
        [
          ['x', 1],
          ['y', 1]
        ],
        [['x', 2]],
        {
          status: 'error'
        }
      )
    ];
    const graph = sliceGraph(sliceRecords(records, 'x'));
    expect(graph.nodes.map(n => n.title)).toEqual([
      `[${records[0].executionCount}] import numpy as np`,
      `[${records[1].executionCount}] y = x * 2`,
      `[${records[2].executionCount}] x = x + y`
    ]);
    // Only outputs that something uses become ports: np is not read.
    expect(graph.nodes[0].outputs.map(p => p.name)).toEqual(['x']);
    expect(graph.nodes[2].inputs.map(p => p.name)).toEqual(['x', 'y']);
    expect(graph.nodes[2].className).toContain('fl-mod-target');
    expect(graph.nodes[2].className).toContain('fl-mod-status-error');
    expect(graph.nodes[1].subtitle).toBe(`cell ${records[1].cellId}`);
    expect(graph.edges.map(e => e.label).sort()).toEqual([
      'x v1',
      'x v1',
      'y v1'
    ]);
    for (const edge of graph.edges) {
      const source = graph.nodes.find(n => n.id === edge.source.node)!;
      const target = graph.nodes.find(n => n.id === edge.target.node)!;
      expect(source.outputs.map(p => p.name)).toContain(edge.source.port);
      expect(target.inputs.map(p => p.name)).toContain(edge.target.port);
    }
  });

  it('titles widget edits by their code', () => {
    const edit = cell('k', 'slider.value = 7', [], [['slider', 2]], {
      kind: 'widget',
      executionCount: null
    });
    expect(recordTitle(edit)).toBe('widget: slider.value = 7');
  });
});

describe('artifactGraph', () => {
  it('links each job to the records of its inputs', () => {
    const job = (id: string, name: string, inputs: Record<string, string>) =>
      ({
        format: 'forgelab.provenance',
        version: 1,
        id,
        kind: 'job',
        startedAt: '2026-11-27T08:00:00Z',
        job: {
          execution: 'e1',
          operation: {
            id: name,
            name,
            inputs: Object.keys(inputs).map(n => ({ name: n })),
            outputs: [{ name: name === 'make' ? 'data' : 'model' }]
          },
          inputs
        }
      }) as unknown as ImplicitOperation;
    const graph = artifactGraph([
      job('r2', 'train', { data: 'r1' }),
      job('r1', 'make', {})
    ]);
    expect(graph.nodes.map(n => n.title)).toEqual(['train', 'make']);
    expect(graph.edges).toEqual([
      expect.objectContaining({
        source: { node: 'r1', port: 'data' },
        target: { node: 'r2', port: 'data' }
      })
    ]);
  });
});

describe('widgetEdits', () => {
  const message = (data: unknown, type = 'comm_msg') =>
    ({
      header: { msg_type: type },
      content: { comm_id: 'm1', data }
    }) as unknown as KernelMessage.IMessage;

  it('turns an update into one edit per changed trait', () => {
    expect(
      widgetEdits(
        message({ method: 'update', state: { value: 7, description: 'n' } })
      )
    ).toEqual([
      { model_id: 'm1', name: 'value', value: 7 },
      { model_id: 'm1', name: 'description', value: 'n' }
    ]);
  });

  it('ignores other messages and binary traits', () => {
    expect(widgetEdits(message({ method: 'request_state' }))).toEqual([]);
    expect(widgetEdits(message({ id: 'r1', type: 'ping' }))).toEqual([]);
    expect(
      widgetEdits(
        message({ method: 'update', state: { value: 1 } }, 'execute_request')
      )
    ).toEqual([]);
    expect(
      widgetEdits(
        message({
          method: 'update',
          state: { value: 2, data: {} },
          buffer_paths: [['data']]
        })
      )
    ).toEqual([{ model_id: 'm1', name: 'value', value: 2 }]);
  });
});
