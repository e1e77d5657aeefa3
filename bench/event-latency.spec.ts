/**
 * Event latency benchmark: how late a job's `print` reaches the browser. The page starts a
 * one-job pipeline (local adapter) whose job prints `tick <time in ms>` every 10 ms, follows
 * it on the events websocket the execution view uses, and notes when each line arrives (the
 * job and the page read the same clock). The baseline, in the same page and run: the round
 * trip of a small REST call to the same server.
 */
import { expect, test } from '@jupyterlab/galata';

const TICKS = 300;
/** Lines before this one may arrive in the replay on connect: left out. */
const SKIP = 30;

const CODE =
  'def ticks(*, count: int = 300):\n' +
  '    import time\n' +
  '    for _ in range(count):\n' +
  "        print(f'tick {time.time() * 1000:.3f}', flush=True)\n" +
  '        time.sleep(0.01)\n' +
  '    return count\n';

const PIPELINE = {
  format: 'forgelab.pipeline',
  version: 1,
  nodes: [
    {
      id: 't',
      kind: 'operation',
      attributes: { count: TICKS },
      operation: {
        id: 'ticks',
        name: 'Ticks',
        inputs: [],
        outputs: [{ name: 'result', type: 'any' }],
        attributes: [{ name: 'count', type: 'int', default: TICKS }],
        references: [],
        source: { language: 'python', function: 'ticks', code: CODE }
      }
    }
  ],
  connections: []
};

interface ILatencies {
  delays: number[];
  roundTrips: number[];
}

test('event latency: a job print to the page', async ({ page }, testInfo) => {
  test.setTimeout(180000);
  const result: ILatencies = await page.evaluate(
    async ({ pipeline, skip }) => {
      const settings = (window as any).jupyterapp.serviceManager.serverSettings;
      const headers: Record<string, string> = {
        'Content-Type': 'application/json'
      };
      if (settings.token) {
        headers['Authorization'] = `token ${settings.token}`;
      }
      const xsrf = document.cookie.match(/_xsrf=([^;]+)/);
      if (xsrf) {
        headers['X-XSRFToken'] = decodeURIComponent(xsrf[1]);
      }
      const api = `${settings.baseUrl}forgelab/api/`;
      const roundTrips: number[] = [];
      for (let i = 0; i < 20; i++) {
        const start = performance.now();
        await fetch(`${api}executions`, { headers });
        roundTrips.push(performance.now() - start);
      }
      const response = await fetch(`${api}executions`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ pipeline, set: {} })
      });
      const execution = await response.json();
      const token = settings.token ? `&token=${settings.token}` : '';
      const socket = new WebSocket(
        `${settings.wsUrl}forgelab/api/events?execution=${execution.id}${token}`
      );
      const delays: number[] = [];
      let seen = 0;
      await new Promise<void>((resolve, reject) => {
        socket.onerror = () => reject(new Error('the events websocket failed'));
        socket.onmessage = message => {
          const arrived = Date.now();
          const event = JSON.parse(message.data);
          if (
            event.kind === 'stdout' &&
            String(event.data).startsWith('tick ')
          ) {
            if (++seen > skip) {
              delays.push(
                arrived - parseFloat(String(event.data).split(' ')[1])
              );
            }
          } else if (
            event.kind === 'status' &&
            event.job === null &&
            ['succeeded', 'failed', 'cancelled'].includes(event.data?.status)
          ) {
            resolve();
          }
        };
      });
      socket.close();
      return { delays, roundTrips };
    },
    { pipeline: PIPELINE, skip: SKIP }
  );
  const quantile = (values: number[], q: number): number => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  };
  const p95 = quantile(result.delays, 0.95);
  const base = quantile(result.roundTrips, 0.5);
  console.log(
    `\n${testInfo.project.name}: a job prints every 10 ms; print → line in the page`
  );
  console.log(
    `lines ${result.delays.length}  p50 ${quantile(result.delays, 0.5).toFixed(1)} ms` +
      `  p95 ${p95.toFixed(1)} ms  max ${Math.max(...result.delays).toFixed(1)} ms` +
      `  (goal: p95 < 100 ms)`
  );
  console.log(
    `REST round trip p50 ${base.toFixed(1)} ms; p95 latency / round trip ${(p95 / base).toFixed(1)}x`
  );
  expect(result.delays.length).toBe(TICKS - SKIP);
});
