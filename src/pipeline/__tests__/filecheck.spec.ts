import { Operation, Pipeline } from '../../formats';
import {
  FileChecker,
  issueField,
  missingFileIssues,
  namedFiles
} from '../filecheck';
import { PipelineModel } from '../model';
import { PropertyPanel } from '../properties';

const train: Operation = {
  id: 'ops.py:train',
  name: 'Train keras',
  inputs: [{ name: 'data' }],
  outputs: [{ name: 'model' }],
  references: [{ name: 'architecture', kind: 'architecture' }],
  source: { code: 'def train(data, architecture): pass\n', function: 'train' }
};

function digits(): Pipeline {
  return {
    format: 'forgelab.pipeline',
    version: 1,
    nodes: [
      { id: 'data', kind: 'input', name: 'digits', source: 'data/d.csv' },
      {
        id: 'train',
        kind: 'operation',
        operation: train,
        references: { architecture: '../nets/digits.arch.json' }
      },
      {
        id: 'known',
        kind: 'input',
        name: 'old',
        source: 'a-20260101120000-1a2b3c4d'
      },
      { id: 'remote', kind: 'input', name: 'r', source: 's3://b/k' }
    ],
    connections: [
      {
        source: { node: 'data', port: 'value' },
        target: { node: 'train', port: 'data' }
      }
    ]
  };
}

describe('the files a pipeline names', () => {
  it('resolves references and Input sources from the pipeline folder, leaving artifacts and URIs out', () => {
    expect(namedFiles(digits(), 'work')).toEqual([
      {
        node: 'data',
        path: '/nodes/0/source',
        property: 'source',
        file: 'work/data/d.csv'
      },
      {
        node: 'train',
        path: '/nodes/1/references/architecture',
        property: "reference 'architecture'",
        file: 'nets/digits.arch.json'
      }
    ]);
  });

  it('makes one issue per missing file, naming the node title and the property', () => {
    const issues = missingFileIssues(digits(), {
      directory: 'work',
      missing: new Set(['nets/digits.arch.json'])
    });
    expect(issues).toEqual([
      {
        node: 'train',
        path: '/nodes/1/references/architecture',
        message:
          "Train keras: reference 'architecture': nets/digits.arch.json does not exist (upload it or choose another file)."
      }
    ]);
    expect(issueField(issues[0].path)).toBe('ref-architecture');
    expect(issueField('/nodes/0/source')).toBe('source');
    expect(issueField('/nodes/1/attributes/epochs')).toBe('attr-epochs');
    expect(issueField('/nodes/1/references')).toBeNull();
    expect(issueField('/connections/0')).toBeNull();
  });
});

describe('checking the files while editing', () => {
  let model: PipelineModel;
  let panel: PropertyPanel;
  const present = new Set(['work/data/d.csv']);
  const asked: string[] = [];
  const exists = async (path: string) => {
    asked.push(path);
    return present.has(path);
  };

  beforeEach(() => {
    model = new PipelineModel();
    model.fromString(JSON.stringify(digits()));
    panel = new PropertyPanel(model);
  });
  afterEach(() => {
    panel.dispose();
    model.dispose();
    asked.length = 0;
  });

  it('marks the node and the property of a missing reference, and clears them once it exists', async () => {
    const checker = new FileChecker(
      exists,
      () => model.toPipeline(),
      () => 'work',
      check => (model.fileCheck = check)
    );
    await checker.check();
    expect(asked.sort()).toEqual(['nets/digits.arch.json', 'work/data/d.csv']);
    expect(
      model
        .issuesByNode()
        .get('train')!
        .map(i => i.path)
    ).toEqual(['/nodes/1/references/architecture']);
    expect(model.issuesByNode().get('data')).toBeUndefined();

    panel.nodeId = 'train';
    const field = panel.node.querySelector<HTMLInputElement>(
      'input[name="ref-architecture"]'
    )!;
    expect(field.classList).toContain('jp-mod-invalid');
    expect(field.closest('label')!.nextElementSibling!.textContent).toBe(
      "Train keras: reference 'architecture': nets/digits.arch.json does not exist (upload it or choose another file)."
    );
    expect(
      panel.node.querySelector('.jp-ForgeLab-Properties-issues')!.textContent
    ).toContain('nets/digits.arch.json does not exist');

    present.add('nets/digits.arch.json');
    await checker.check();
    expect(model.issuesByNode().get('train')).toBeUndefined();
    expect(
      panel.node
        .querySelector<HTMLInputElement>('input[name="ref-architecture"]')!
        .classList.contains('jp-mod-invalid')
    ).toBe(false);
    present.delete('nets/digits.arch.json');
    checker.dispose();
  });
});
