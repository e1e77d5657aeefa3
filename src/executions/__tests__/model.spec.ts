import { Execution } from '../../formats';
import { ansiSegments } from '../ansi';
import {
  errorText,
  ExecutionModel,
  failureNotice,
  JobLog,
  jobDuration
} from '../model';

function execution(): Execution {
  return {
    format: 'forgelab.execution',
    version: 1,
    id: 'e1',
    status: 'pending',
    pipeline: {
      format: 'forgelab.pipeline',
      version: 1,
      nodes: [],
      connections: []
    },
    jobs: [
      { id: 'j1', node: 'train', status: 'pending' },
      { id: 'j2', node: 'score', status: 'pending' }
    ]
  };
}

describe('ExecutionModel', () => {
  it('follows job and execution states from status events', () => {
    const model = new ExecutionModel(execution());
    let changes = 0;
    model.stateChanged.connect(() => changes++);
    model.apply({
      job: 'j1',
      seq: 0,
      kind: 'status',
      data: { status: 'running' },
      time: '2026-01-01T00:00:00Z',
      cursor: 3
    });
    model.apply({ job: null, kind: 'status', data: { status: 'running' } });
    expect(model.status).toBe('running');
    expect(model.job('j1')!.status).toBe('running');
    expect(model.job('j1')!.startedAt).toBe('2026-01-01T00:00:00Z');
    expect(model.statuses().get('train')).toBe('running');
    expect(model.statuses().get('score')).toBe('pending');
    expect(model.cursor).toBe(3);
    expect(changes).toBe(2);
    expect(model.isFinal).toBe(false);

    model.apply({
      job: 'j1',
      seq: 1,
      kind: 'status',
      data: { status: 'failed', error: 'ValueError: bad' },
      time: '2026-01-01T00:00:05Z',
      cursor: 4
    });
    expect(model.job('j1')!.error!.message).toBe('ValueError: bad');
    expect(jobDuration(model.job('j1')!)).toBe(5);
    model.apply({ job: null, kind: 'status', data: { status: 'failed' } });
    expect(model.isFinal).toBe(true);
    expect(model.counts().get('failed')).toBe(1);
  });

  it('ignores repeated events after a reconnect', () => {
    const model = new ExecutionModel(execution());
    const seen: string[] = [];
    model.logChanged.connect((_, job) => seen.push(job));
    const line = { job: 'j1', seq: 0, kind: 'stdout', data: 'epoch 1\n' };
    model.apply(line);
    model.apply(line);
    model.apply({ job: 'j1', seq: 0, kind: 'status', data: { status: 'x' } });
    expect(model.log('j1').lines).toEqual([
      { stream: 'stdout', text: 'epoch 1' }
    ]);
    expect(seen).toEqual(['j1']);
    expect(model.job('j1')!.status).toBe('pending');
  });

  it('refuses the state of another execution', () => {
    const model = new ExecutionModel(execution());
    expect(() => model.update({ ...execution(), id: 'e2' })).toThrow(
      /Execution e2 cannot update the model of execution e1/
    );
  });

  it('keeps the states of a fresh GET and the logs', () => {
    const model = new ExecutionModel(execution());
    model.apply({ job: 'j2', seq: 0, kind: 'stderr', data: 'warn' });
    const fresh = execution();
    fresh.status = 'succeeded';
    fresh.jobs[1].status = 'succeeded';
    model.update(fresh);
    expect(model.status).toBe('succeeded');
    expect(model.log('j2').lines).toEqual([{ stream: 'stderr', text: 'warn' }]);
  });
});

describe('JobLog', () => {
  it('caps its lines and counts the dropped ones', () => {
    const log = new JobLog(3);
    for (let i = 0; i < 5; i++) {
      log.apply({ job: 'j', seq: i, kind: 'stdout', data: `line ${i}` });
    }
    expect(log.lines.map(l => l.text)).toEqual(['line 2', 'line 3', 'line 4']);
    expect(log.dropped).toBe(2);
    expect(log.totalLines).toBe(5);
  });

  it('splits multi-line output', () => {
    const log = new JobLog();
    log.apply({ job: 'j', kind: 'stdout', data: 'a\nb\n' });
    expect(log.lines.map(l => l.text)).toEqual(['a', 'b']);
  });

  it('updates figures in place by id and keeps progress and metrics', () => {
    const log = new JobLog();
    log.apply({ job: 'j', kind: 'figure', data: { id: 1, png: 'AAA' } });
    log.apply({ job: 'j', kind: 'figure', data: { id: 1, png: 'BBB' } });
    log.apply({ job: 'j', kind: 'figure', data: { id: 2, png: 'CCC' } });
    expect(log.figures.size).toBe(2);
    expect(log.figures.get('1')).toMatchObject({ png: 'BBB', version: 2 });
    log.apply({
      job: 'j',
      kind: 'progress',
      data: { id: 7, n: 3, total: 10, desc: 'epochs' }
    });
    log.apply({ job: 'j', kind: 'progress', data: { id: 7, n: 4, total: 10 } });
    expect(log.progress.get('7')).toEqual({
      id: '7',
      n: 4,
      total: 10,
      desc: ''
    });
    log.apply({ job: 'j', kind: 'metric', data: { name: 'loss', value: 1 } });
    log.apply({ job: 'j', kind: 'metric', data: { loss: 0.5, acc: 0.9 } });
    expect(log.latestMetrics().get('loss')!.value).toBe(0.5);
    expect(log.latestMetrics().get('acc')!.value).toBe(0.9);
    expect(log.apply({ job: 'j', kind: 'nonsense', data: 1 })).toBe(false);
  });
});

describe('ansiSegments', () => {
  it('turns SGR colours into classes and drops other escapes', () => {
    expect(ansiSegments('plain')).toEqual([{ text: 'plain', classes: [] }]);
    expect(ansiSegments('\x1b[1;31mError\x1b[0m: x\x1b[2K')).toEqual([
      {
        text: 'Error',
        classes: ['jp-ForgeLab-ansi-fg-red', 'jp-ForgeLab-ansi-bold']
      },
      { text: ': x', classes: [] }
    ]);
    expect(ansiSegments('\x1b[92mok\x1b[39m')).toEqual([
      { text: 'ok', classes: ['jp-ForgeLab-ansi-fg-bright-green'] }
    ]);
  });
});

describe('a failed execution', () => {
  function failed(): ExecutionModel {
    const model = new ExecutionModel({
      ...execution(),
      name: 'digits.pipeline.json',
      jobs: [
        { id: 'j1', node: 'load', name: 'Load digits', status: 'pending' },
        { id: 'j2', node: 'train', name: 'Train keras', status: 'pending' },
        { id: 'j3', node: 'score', name: 'Score', status: 'pending' }
      ]
    });
    model.apply({
      job: 'j1',
      seq: 0,
      kind: 'status',
      data: { status: 'succeeded' }
    });
    model.apply({
      job: 'j2',
      seq: 0,
      kind: 'status',
      data: {
        status: 'failed',
        error:
          "FileNotFoundError: reference 'architecture': digits.arch.json does not exist"
      }
    });
    model.apply({
      job: 'j3',
      seq: 0,
      kind: 'status',
      data: {
        status: 'skipped',
        error: 'upstream job Train keras did not succeed'
      }
    });
    model.apply({ job: null, kind: 'status', data: { status: 'failed' } });
    return model;
  }

  it('shows its failed job first, not the first job', () => {
    const model = failed();
    expect(model.failedJob()!.node).toBe('train');
    expect(model.shownJob()!.node).toBe('train');
    const running = new ExecutionModel(execution());
    running.apply({
      job: 'j2',
      seq: 0,
      kind: 'status',
      data: { status: 'running' }
    });
    expect(running.shownJob()!.node).toBe('score');
    expect(new ExecutionModel(execution()).shownJob()!.node).toBe('train');
  });

  it('is told in one line naming the pipeline, the job and its error', () => {
    expect(failureNotice(failed().execution)).toBe(
      "digits failed: Train keras — FileNotFoundError: reference 'architecture': digits.arch.json does not exist"
    );
    const known = failed();
    known.apply({
      job: 'j2',
      seq: 1,
      kind: 'status',
      data: {
        status: 'failed',
        error:
          'missing.csv does not exist — check the path, or upload the file',
        type: 'FileNotFoundError',
        known: true
      }
    });
    expect(failureNotice(known.execution)).toBe(
      'digits failed: Train keras — FileNotFoundError: missing.csv does not exist — check the path, or upload the file'
    );
    const long = failed();
    long.job('j2')!.error = { message: `ValueError: ${'x'.repeat(300)}\nmore` };
    const notice = failureNotice(long.execution);
    expect(notice.endsWith('…')).toBe(true);
    expect(notice.length).toBe(140);
  });

  it('keeps a known error to its one line; others show their type and traceback', () => {
    const model = new ExecutionModel(execution());
    model.apply({
      job: 'j1',
      seq: 0,
      kind: 'status',
      data: {
        status: 'failed',
        error: 'http://sky cannot be reached — start it',
        known: true
      }
    });
    expect(model.job('j1')!.error).toEqual({
      message: 'http://sky cannot be reached — start it',
      known: true
    });
    expect(
      errorText({
        message: 'x cannot be reached — start it',
        type: 'CasJobsUnreachable',
        known: true,
        traceback: 'Traceback …'
      })
    ).toBe('x cannot be reached — start it');
    expect(
      errorText({
        message: 'ValueError: boom',
        type: 'ValueError',
        traceback: 'Traceback …'
      })
    ).toBe('ValueError: boom\nTraceback …');
    expect(errorText({ message: 'boom', type: 'ValueError' })).toBe(
      'ValueError: boom'
    );
  });
});
