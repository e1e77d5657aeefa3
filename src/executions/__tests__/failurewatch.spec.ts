import { Signal } from '@lumino/signaling';
import { Execution, ExecutionStatus } from '../../formats';
import {
  FailureWatch,
  WATCH_GIVE_UP_AFTER,
  WATCH_INTERVAL_MS
} from '../failurewatch';
import { ExecutionModel } from '../model';

function execution(status: ExecutionStatus): Execution {
  return {
    format: 'forgelab.execution',
    version: 1,
    id: 'e1',
    status,
    pipeline: {
      format: 'forgelab.pipeline',
      version: 1,
      nodes: [],
      connections: []
    },
    jobs: [{ id: 'j1', node: 'train', status: 'running' }]
  };
}

/** The server as the watch sees it: the state a run has now, or a failing request. */
class Server {
  state: ExecutionStatus | 'unreachable' = 'running';
  asked = 0;
  async get(): Promise<Execution> {
    this.asked++;
    if (this.state === 'unreachable') {
      throw new Error('connection refused');
    }
    return execution(this.state);
  }
}

/** Let the timers and the promises they start run for `ms`. */
async function advance(ms: number): Promise<void> {
  for (let left = ms; left > 0; left -= 500) {
    jest.advanceTimersByTime(Math.min(500, left));
    await Promise.resolve();
    await Promise.resolve();
  }
}

describe('FailureWatch', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('tells a failure seen by the open view once', () => {
    const server = new Server();
    const told: Execution[] = [];
    const watch = new FailureWatch(server, e => told.push(e));
    const model = new ExecutionModel(execution('running'));
    watch.follow(model, new Signal<unknown, void>({}));
    model.apply({ job: null, kind: 'status', data: { status: 'failed' } });
    model.apply({ job: null, kind: 'status', data: { status: 'failed' } });
    expect(told.map(e => e.status)).toEqual(['failed']);
    expect(server.asked).toBe(0);
  });

  it('says nothing of a run that succeeds, or that had ended when opened', () => {
    const told: Execution[] = [];
    const watch = new FailureWatch(new Server(), e => told.push(e));
    const running = new ExecutionModel(execution('running'));
    watch.follow(running, new Signal<unknown, void>({}));
    running.apply({ job: null, kind: 'status', data: { status: 'succeeded' } });
    watch.follow(
      new ExecutionModel(execution('failed')),
      new Signal<unknown, void>({})
    );
    expect(told).toEqual([]);
  });

  it('follows a run on the server once its view closes early, through a dropped connection', async () => {
    const server = new Server();
    const told: Execution[] = [];
    const watch = new FailureWatch(server, e => told.push(e));
    const closed = new Signal<unknown, void>({});
    watch.follow(new ExecutionModel(execution('running')), closed);
    closed.emit();
    expect(watch.isPolling('e1')).toBe(true);
    await advance(WATCH_INTERVAL_MS.first);
    expect(server.asked).toBe(1);
    server.state = 'unreachable';
    await advance(WATCH_INTERVAL_MS.max * 2);
    expect(told).toEqual([]);
    server.state = 'failed';
    await advance(WATCH_INTERVAL_MS.max * 2);
    expect(told.map(e => e.status)).toEqual(['failed']);
    expect(watch.isPolling('e1')).toBe(false);
  });

  it('hands a run back to a view opened again, and gives up on a run that never answers', async () => {
    const server = new Server();
    const told: Execution[] = [];
    const watch = new FailureWatch(server, e => told.push(e));
    const closed = new Signal<unknown, void>({});
    watch.follow(new ExecutionModel(execution('running')), closed);
    closed.emit();
    const again = new ExecutionModel(execution('running'));
    watch.follow(again, new Signal<unknown, void>({}));
    expect(watch.isPolling('e1')).toBe(false);
    server.state = 'failed';
    await advance(WATCH_INTERVAL_MS.max * 3);
    expect(server.asked).toBe(0);
    again.apply({ job: null, kind: 'status', data: { status: 'failed' } });
    expect(told).toHaveLength(1);

    const lost = new ExecutionModel({ ...execution('running'), id: 'e2' });
    const lostClosed = new Signal<unknown, void>({});
    watch.follow(lost, lostClosed);
    lostClosed.emit();
    server.state = 'unreachable';
    await advance(WATCH_INTERVAL_MS.max * (WATCH_GIVE_UP_AFTER + 2));
    expect(watch.isPolling('e2')).toBe(false);
    expect(told).toHaveLength(1);
  });
});
