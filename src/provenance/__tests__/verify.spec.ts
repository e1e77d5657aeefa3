import { Execution, Pipeline } from '../../formats';
import {
  executionFailure,
  outputArtifact,
  reifiedFrom,
  sameNotebook,
  verdictText,
  verifyPipeline,
  withVerification
} from '../verify';

const pipeline: Pipeline = {
  format: 'forgelab.pipeline',
  version: 1,
  name: 'reified total',
  nodes: [
    {
      id: 'make_total',
      kind: 'operation',
      position: { x: 0, y: 0 }
    } as Pipeline['nodes'][number],
    {
      id: 'output_total',
      kind: 'output',
      name: 'total',
      position: { x: 200, y: 0 }
    } as Pipeline['nodes'][number]
  ],
  connections: [
    {
      source: { node: 'make_total', port: 'total' },
      target: { node: 'output_total', port: 'value' }
    }
  ],
  metadata: {
    reifiedFrom: {
      notebook: 'work/nb.ipynb',
      session: 'k1',
      target: 'total',
      version: 2,
      records: ['k1-1']
    }
  }
};

function execution(status: Execution['status'], outputs = {}): Execution {
  return {
    id: 'e1',
    status,
    jobs: [
      {
        id: 'j1',
        node: 'make_total',
        name: 'make_total',
        status: status === 'succeeded' ? 'succeeded' : 'failed',
        outputs,
        error:
          status === 'succeeded'
            ? null
            : { message: 'ZeroDivisionError: division by zero' }
      }
    ]
  } as unknown as Execution;
}

describe('verify', () => {
  it('reads where a pipeline was reified from, and nothing from other pipelines', () => {
    expect(reifiedFrom(pipeline)?.target).toBe('total');
    expect(reifiedFrom({ metadata: {} })).toBeNull();
    expect(
      reifiedFrom({ metadata: { reifiedFrom: { artifact: 'a1' } } })
    ).toBeNull();
  });

  it('puts a verdict in words', () => {
    expect(verdictText({ outcome: 'reproduced', detail: null })).toBe(
      'reproduced'
    );
    expect(
      verdictText({ outcome: 'differs', detail: 'total[2]: expected 3, got 4' })
    ).toBe('differs at total[2]: expected 3, got 4');
    expect(
      verdictText({
        outcome: 'cannot compare',
        detail: 'total changed since (v2 → v3)'
      })
    ).toBe('cannot compare: total changed since (v2 → v3)');
    expect(verdictText({ outcome: 'failed', detail: 'boom' })).toBe(
      'run failed: boom'
    );
  });

  it("finds the artifact of the pipeline's output and says why a run failed", () => {
    const artifact = {
      id: 'a',
      uri: 'file:///s/a',
      serializer: 'json',
      hash: 'h'
    };
    expect(
      outputArtifact(pipeline, execution('succeeded', { total: artifact }))
    ).toEqual({
      uri: 'file:///s/a',
      serializer: 'json'
    });
    expect(outputArtifact(pipeline, execution('succeeded'))).toBeNull();
    expect(executionFailure(execution('failed'))).toBe(
      'the pipeline failed (execution e1): make_total: ZeroDivisionError: division by zero'
    );
  });

  it('matches a notebook recorded by a relative or an absolute path', () => {
    expect(sameNotebook('work/nb.ipynb', 'work/nb.ipynb')).toBe(true);
    expect(sameNotebook('/home/u/work/nb.ipynb', 'work/nb.ipynb')).toBe(true);
    expect(sameNotebook('/home/u/work/nb.ipynb', 'nb.ipynb')).toBe(true);
    expect(sameNotebook('work/other.ipynb', 'work/nb.ipynb')).toBe(false);
  });

  it('stores the verdict beside what the pipeline was reified from', () => {
    const verification = {
      outcome: 'reproduced' as const,
      detail: null,
      at: 'now'
    };
    const metadata = withVerification(pipeline, verification) as {
      reifiedFrom: Record<string, unknown>;
    };
    expect(metadata.reifiedFrom.verification).toEqual(verification);
    expect(metadata.reifiedFrom.target).toBe('total');
  });

  it('cannot compare without the notebook kernel, and says so before running anything', async () => {
    const executions = { run: jest.fn(), get: jest.fn() };
    const verdict = await verifyPipeline({
      pipeline,
      path: 'work/total.pipeline.json',
      executions: executions as any,
      bridge: null,
      records: async () => []
    });
    expect(verdict.outcome).toBe('cannot compare');
    expect(verdict.detail).toMatch(
      /open work\/nb.ipynb with its kernel running/
    );
    expect(executions.run).not.toHaveBeenCalled();
    expect(executions.get).not.toHaveBeenCalled();
  });
});
