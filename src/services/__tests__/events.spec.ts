import { ServerConnection } from '@jupyterlab/services';

import { ForgeLabServer } from '../server';
import { ArtifactsClient } from '../artifacts';
import { ExecutionsClient } from '../executions';
import { IExecutionEvent } from '../events';

/** A socket the test drives by hand: it records the URLs asked for. */
class ScriptedSocket {
  static all: ScriptedSocket[] = [];
  constructor(readonly url: string) {
    ScriptedSocket.all.push(this);
  }
  onopen: (() => void) | null = null;
  onmessage: ((m: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  closed = false;
  send(): void {
    // the stream never sends
  }
  close(): void {
    this.closed = true;
  }
  push(event: Record<string, unknown>): void {
    this.onmessage?.({ data: JSON.stringify(event) });
  }
  drop(): void {
    this.onclose?.();
  }
}

describe('EventStream', () => {
  beforeEach(() => {
    jest.useFakeTimers();
    ScriptedSocket.all = [];
  });
  afterEach(() => jest.useRealTimers());

  function client(token = ''): ExecutionsClient {
    const settings = ServerConnection.makeSettings({
      baseUrl: 'http://localhost:8888/',
      wsUrl: 'ws://localhost:8888/',
      token,
      appendToken: !!token,
      WebSocket: ScriptedSocket as any
    });
    return new ExecutionsClient(new ForgeLabServer(settings));
  }

  it('resumes after a drop from the last cursor it saw', () => {
    const stream = client().stream('e 1');
    const received: IExecutionEvent[] = [];
    const states: boolean[] = [];
    stream.onEvent = e => received.push(e);
    stream.onState = s => states.push(s);
    stream.open();
    expect(ScriptedSocket.all[0].url).toBe(
      'ws://localhost:8888/forgelab/api/events?execution=e%201&since=0'
    );
    const first = ScriptedSocket.all[0];
    first.onopen!();
    first.push({ job: null, kind: 'status', data: { status: 'running' } });
    first.push({ job: 'j', seq: 0, kind: 'stdout', data: 'a', cursor: 41 });
    first.push({ job: 'j', seq: 1, kind: 'stdout', data: 'b', cursor: 42 });
    first.drop();
    expect(stream.cursor).toBe(42);
    expect(ScriptedSocket.all).toHaveLength(1);
    jest.advanceTimersByTime(500);
    expect(ScriptedSocket.all).toHaveLength(2);
    expect(ScriptedSocket.all[1].url).toMatch(/since=42$/);
    expect(received.map(e => e.data)).toEqual([
      { status: 'running' },
      'a',
      'b'
    ]);
    expect(states).toEqual([true, false]);

    // Closed for good: no reconnection.
    stream.close();
    expect(ScriptedSocket.all[1].closed).toBe(true);
    jest.advanceTimersByTime(60000);
    expect(ScriptedSocket.all).toHaveLength(2);
  });

  it('waits longer after each failed reconnection, up to a bound', () => {
    const stream = client().stream('e');
    stream.open();
    ScriptedSocket.all[0].drop();
    jest.advanceTimersByTime(500);
    ScriptedSocket.all[1].drop();
    jest.advanceTimersByTime(500);
    expect(ScriptedSocket.all).toHaveLength(2);
    jest.advanceTimersByTime(500);
    expect(ScriptedSocket.all).toHaveLength(3);
    stream.close();
  });

  it('appends the token when the settings ask for it and ignores garbage', () => {
    const stream = client('secret').stream('e');
    const received: IExecutionEvent[] = [];
    stream.onEvent = e => received.push(e);
    stream.open();
    expect(ScriptedSocket.all[0].url).toMatch(/&token=secret$/);
    ScriptedSocket.all[0].onmessage!({ data: 'not json' });
    expect(received).toEqual([]);
    stream.close();
  });
});

describe('ArtifactsClient', () => {
  it('builds the download URL of an artifact', () => {
    const server = new ForgeLabServer(
      ServerConnection.makeSettings({ baseUrl: 'http://localhost:8888/' })
    );
    expect(new ArtifactsClient(server).downloadUrl('a/1')).toBe(
      'http://localhost:8888/forgelab/api/artifacts/a%2F1/download'
    );
  });
});
