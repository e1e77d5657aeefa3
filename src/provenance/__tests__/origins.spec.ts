import { ImplicitOperation, Pipeline } from '../../formats';
import {
  liftNote,
  operationOrigins,
  originLabel,
  readableDescription
} from '../origins';

const ID3 = 'k20261206T232119383-2721f8-0000003';
const ID4 = 'k20261206T232119383-2721f8-0000004';

function reified(
  reifiedFrom: Record<string, unknown>,
  description = `Reified from cell [3] (${ID3}, cell id c-3), cell [4] (${ID4}, cell id c-4)`,
  attributes: unknown[] = []
): Pipeline {
  return {
    format: 'forgelab.pipeline',
    version: 1,
    name: 'reified df',
    nodes: [
      {
        id: 'cell_3',
        kind: 'operation',
        position: { x: 0, y: 0 },
        operation: {
          id: 'reified.cell_3',
          name: 'cell_3',
          description,
          inputs: [],
          outputs: [{ name: 'df', type: 'any' }],
          attributes
        }
      } as unknown as Pipeline['nodes'][number]
    ],
    connections: [],
    metadata: {
      reifiedFrom: {
        notebook: 'nb.ipynb',
        target: 'df',
        version: 1,
        ...reifiedFrom
      }
    }
  };
}

function record(id: string, count: number, code: string): ImplicitOperation {
  return {
    format: 'forgelab.provenance',
    version: 1,
    id,
    kind: 'cell',
    executionCount: count,
    code,
    startedAt: '2026-12-06T08:00:00Z'
  };
}

describe('reified operations in the words of the notebook', () => {
  it('names the cells by number and first line from the records, not by record id', () => {
    const pipeline = reified({ records: [ID3, ID4] });
    const records = [
      record(ID3, 3, '# load\nimport pandas as pd\ndf = pd.read_csv("a.csv")'),
      record(ID4, 4, 'df = df.dropna()')
    ];
    expect(
      operationOrigins(pipeline, 'cell_3', records)?.map(originLabel)
    ).toEqual(['cell [3]: import pandas as pd', 'cell [4]: df = df.dropna()']);
    const description = pipeline.nodes[0].operation!.description!;
    expect(readableDescription(pipeline, description)).toBe(
      'Reified from cell [3], cell [4]'
    );
  });

  it('reads the cells reify lists per operation', () => {
    const pipeline = reified(
      {
        records: [ID3, ID4],
        cells: [
          {
            record: ID3,
            executionCount: 3,
            firstLine: 'df = load()',
            operation: 'cell_3'
          },
          {
            record: ID4,
            executionCount: 4,
            firstLine: 'y = 2',
            operation: 'other'
          }
        ]
      },
      'Reified from cell [3]: df = load()'
    );
    expect(operationOrigins(pipeline, 'cell_3')?.map(originLabel)).toEqual([
      'cell [3]: df = load()'
    ]);
    // A readable description keeps its parentheses.
    expect(
      readableDescription(pipeline, 'cell [3]: df = load("a (b).csv")')
    ).toBe('cell [3]: df = load("a (b).csv")');
  });

  it('is not about pipelines that were not reified', () => {
    const pipeline = reified({});
    pipeline.metadata = {};
    expect(operationOrigins(pipeline, 'cell_3')).toBeNull();
    expect(liftNote(pipeline)).toBeNull();
  });

  it('says why no constant was lifted with the note reify wrote', () => {
    expect(liftNote(reified({ liftNote: 'lr is assigned twice' }))).toBe(
      'lr is assigned twice'
    );
    expect(liftNote(reified({ lifted: [] }))).toBeNull();
  });
});
