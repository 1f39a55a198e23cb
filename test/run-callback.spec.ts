/** The run-end callback (`startRun` with a callbackUrl), delivered by the workflow itself. */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import { createCallbackActivities } from '../activities/callback-activities';
import type { Definition } from '../workflows/definition/types';
import { finalState, recordHistory, startInterpreter } from './support/runs';
import { createTestActivities } from './support/test-activities';
import { testTemporal, uniqueTaskQueue, withWorker } from './support/temporal';

let client: Client;
let server: Server;
let base: string;
const received = new Map<string, Array<{ headers: IncomingMessage['headers']; body: unknown }>>();

beforeAll(async () => {
  client = (await testTemporal()).client;
  server = createServer((req, res) => {
    const path = req.url!;
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      const list = received.get(path) ?? [];
      list.push({ headers: req.headers, body: JSON.parse(text) });
      received.set(path, list);
      if (path === '/flaky' && list.length <= 2) res.writeHead(503).end();
      else if (path === '/refuse' || path === '/down') res.writeHead(path === '/refuse' ? 400 : 503).end();
      else res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

const definition: Definition = {
  name: 'with-callback',
  nodes: [{ id: 'work', type: 'builtin.noop', with: { n: 1 } }],
  outputs: { n: '${nodes.work.output.n}' },
};

async function runWithCallback(path: string, deadline?: string) {
  const taskQueue = uniqueTaskQueue('callback');
  const activities = { ...createTestActivities().activities, ...createCallbackActivities() };
  return withWorker({ taskQueue, activities }, async () => {
    const handle = await startInterpreter(
      client,
      taskQueue,
      definition,
      {},
      {
        callback: { url: `${base}${path}`, ...(deadline ? { deadline } : {}) },
      },
    );
    const state = await finalState(handle);
    if (path === '/flaky') await recordHistory(handle, 'run-callback');
    return state;
  });
}

describe('run-end callback', () => {
  it('POSTs the final state, retrying with backoff until the receiver takes it', async () => {
    const state = await runWithCallback('/flaky');
    expect(state.status).toBe('SUCCEEDED');
    expect(state.callback).toMatchObject({ status: 'DELIVERED', attempts: 3, httpStatus: 204 });
    const deliveries = received.get('/flaky')!;
    expect(deliveries).toHaveLength(3);
    expect(deliveries[2].headers['x-switchyard-run-id']).toBe(state.runId);
    expect(deliveries[2].body).toMatchObject({
      runId: state.runId,
      status: 'SUCCEEDED',
      outputs: { n: 1 },
      nodes: { work: { status: 'SUCCEEDED', attempts: 1, error: null } },
    });
  });

  it('stops at a refusal (4xx) and records it in the run', async () => {
    const state = await runWithCallback('/refuse');
    expect(state.status).toBe('SUCCEEDED');
    expect(state.callback).toMatchObject({
      status: 'FAILED',
      attempts: 1,
      httpStatus: 400,
      error: { type: 'CallbackRefused' },
    });
    expect(received.get('/refuse')).toHaveLength(1);
  });

  it('gives up when the deadline passes', async () => {
    const state = await runWithCallback('/down', '2500ms');
    expect(state.callback).toMatchObject({ status: 'FAILED' });
    expect(state.callback!.error!.type).toMatch(/ScheduleToCloseTimeout|CallbackFailed/);
    expect(received.get('/down')!.length).toBeGreaterThanOrEqual(2);
  });
});
