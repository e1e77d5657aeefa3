import { Execution, Node, Pipeline } from '../../formats';
import { reuseResults, reuseSummary } from '../reuse';

/** An operation node `id` with one input `x` (unless `source`) and one output `y`. */
function op(id: string, code = `def ${id}(x): return x`, source = false): Node {
  return {
    id,
    kind: 'operation',
    attributes: { k: 1 },
    operation: {
      id,
      name: id,
      inputs: source ? [] : [{ name: 'x' }],
      outputs: [{ name: 'y', type: 'int' }],
      attributes: [],
      source: { language: 'python', function: id, code }
    }
  } as unknown as Node;
}

const link = (s: string, t: string) => ({
  source: { node: s, port: 'y' },
  target: { node: t, port: 'x' }
});

/** load → train → plot: the three-node pipeline of a user who re-plots. */
function pipeline(trainCode?: string): Pipeline {
  return {
    format: 'forgelab.pipeline',
    version: 1,
    name: 'digits',
    nodes: [op('load', undefined, true), op('train', trainCode), op('plot')],
    connections: [link('load', 'train'), link('train', 'plot')]
  };
}

/** An execution that ran `ran`, with jobs of `nodes` succeeded (artifact `a-<node>`). */
function execution(
  id: string,
  ran: Pipeline,
  nodes = ['load', 'train', 'plot'],
  status = 'succeeded'
): Execution {
  return {
    format: 'forgelab.execution',
    version: 1,
    id,
    status: 'succeeded',
    pipeline: ran,
    pipelinePath: 'digits.pipeline.json',
    createdAt: '2026-01-02T22:08:00Z',
    jobs: nodes.map(node => ({
      id: `j-${node}`,
      node,
      status,
      outputs: {
        y: { id: `a-${id}-${node}`, name: 'y', storage: 'local', uri: 'x' }
      }
    }))
  } as Execution;
}

describe('reuseResults', () => {
  it('replaces the unchanged upstream by an Input of the latest output', () => {
    const plan = reuseResults(pipeline(), 'plot', [
      execution('e2', pipeline()),
      execution('e1', pipeline())
    ]);
    expect(plan.reused).toEqual(['train']);
    expect(plan.executions.map(e => e.id)).toEqual(['e2']);
    const nodes = plan.pipeline.nodes;
    expect(nodes.map(n => n.id)).toEqual(['train.y', 'plot']);
    expect(nodes[0]).toMatchObject({
      kind: 'input',
      name: 'train_y',
      type: 'int',
      source: 'a-e2-train'
    });
    expect(plan.pipeline.connections).toEqual([
      {
        source: { node: 'train.y', port: 'value' },
        target: link('train', 'plot').target
      }
    ]);
    expect(reuseSummary(plan)).toMatch(/^reusing 1 result from digits · /);
  });

  it('runs a node again when it or anything upstream changed since', () => {
    const ran = execution('e1', pipeline());
    const changed = pipeline('def train(x): return x + 1');
    const plan = reuseResults(changed, 'plot', [ran]);
    // train changed: it runs; load did not, and feeds train: reused.
    expect(plan.reused).toEqual(['load']);
    expect(plan.pipeline.nodes.map(n => n.id)).toEqual([
      'load.y',
      'train',
      'plot'
    ]);
    const attrs = pipeline();
    attrs.nodes[0] = { ...attrs.nodes[0], attributes: { k: 2 } };
    // load changed: train's output came from the old load, so both run again.
    expect(reuseResults(attrs, 'plot', [ran]).reused).toEqual([]);
  });

  it('reuses nothing a failed job, another graph or no execution left', () => {
    const p = pipeline();
    expect(reuseResults(p, 'plot', []).pipeline).toBe(p);
    expect(
      reuseResults(p, 'plot', [execution('e1', p, ['load', 'train'], 'failed')])
        .reused
    ).toEqual([]);
    // train was not fed by load then: its output is not the one it would give now.
    const rewired = pipeline();
    rewired.connections = [link('train', 'plot')];
    expect(reuseResults(p, 'plot', [execution('e1', rewired)]).reused).toEqual([
      'load'
    ]);
  });

  it('never reuses the node run from nor what is downstream of it', () => {
    const plan = reuseResults(pipeline(), 'train', [
      execution('e1', pipeline())
    ]);
    expect(plan.reused).toEqual(['load']);
    expect(plan.pipeline.nodes.map(n => n.id)).toEqual([
      'load.y',
      'train',
      'plot'
    ]);
  });

  it('takes a result from an older execution when the newer did not run the node', () => {
    const plan = reuseResults(pipeline(), 'plot', [
      execution('e2', pipeline(), ['load']),
      execution('e1', pipeline())
    ]);
    expect(plan.reused).toEqual(['train']);
    expect(plan.pipeline.nodes[0].source).toBe('a-e1-train');
  });
});
