/**
 * Retry and timeout behaviour end to end: the real http.request plugin, run by the real
 * plugin activities on a real worker, against a local HTTP server this spec starts.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import { createPluginActivities } from '../activities/plugin-activities';
import { createBuiltinRegistry } from '../plugins';
import { compilePlan } from '../workflows/definition/compile';
import { parseDefinitionText } from '../workflows/definition/parse';
import { validateDefinition } from '../workflows/definition/validate';
import { finalState, startInterpreter } from './support/runs';
import { testTemporal, uniqueTaskQueue, withWorker } from './support/temporal';

const registry = createBuiltinRegistry();
let client: Client;
let server: Server;
let base: string;
const hits = new Map<string, number>();

beforeAll(async () => {
  client = (await testTemporal()).client;
  server = createServer((req, res) => {
    const path = new URL(req.url!, 'http://x').pathname;
    const count = (hits.get(path) ?? 0) + 1;
    hits.set(path, count);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (path.startsWith('/flaky'))
      return count <= 2 ? json(503, { error: 'busy' }) : json(200, { artifact: 'web-7.tgz', count });
    if (path === '/slow') return void setTimeout(() => json(200, { late: true }), 3000);
    if (path === '/bad') return json(400, { error: 'missing field' });
    if (path === '/rate') return count === 1 ? json(429, { error: 'slow down' }) : json(200, { ok: true });
    json(404, { error: 'no route' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

async function runYaml(yaml: string) {
  const parsed = parseDefinitionText(yaml);
  expect(parsed.problems).toEqual([]);
  const { definition, problems } = validateDefinition(parsed.value, registry);
  expect(problems).toEqual([]);
  const taskQueue = uniqueTaskQueue('http');
  return withWorker({ taskQueue, activities: createPluginActivities({ registry }) }, async () =>
    finalState(
      await startInterpreter(client, taskQueue, definition!, {}, { plan: compilePlan(definition!, registry) }),
    ),
  );
}

describe('http.request retries and timeouts on a real worker', () => {
  it('retries 5xx per the node policy, then feeds the parsed body to the next node', async () => {
    const state = await runYaml(`
name: flaky-build
nodes:
  - id: build
    type: http.request
    name: Build artifact
    with: { method: POST, url: "${base}/flaky-a", body: { ref: main } }
    retry: { maximumAttempts: 4, initialInterval: 100ms, backoffCoefficient: 1 }
  - id: announce
    type: builtin.noop
    with: { artifact: "\${nodes.build.output.body.artifact}" }
edges:
  - { from: build, to: announce }
outputs:
  artifact: "\${nodes.announce.output.artifact}"
`);
    expect(state.status).toBe('SUCCEEDED');
    expect(state.nodes.build).toMatchObject({ status: 'SUCCEEDED', attempts: 3, output: { status: 200 } });
    expect(hits.get('/flaky-a')).toBe(3);
    expect(state.outputs).toEqual({ artifact: 'web-7.tgz' });
  });

  it('gives up after maximumAttempts and applies onFailure', async () => {
    const state = await runYaml(`
name: flaky-exhausted
nodes:
  - id: call
    type: http.request
    with: { url: "${base}/flaky-b" }
    retry: { maximumAttempts: 2, initialInterval: 100ms }
    onFailure: skip
  - { id: after, type: builtin.noop }
edges: [{ from: call, to: after }]
`);
    expect(state.status).toBe('SUCCEEDED');
    expect(state.nodes.call).toMatchObject({ status: 'SKIPPED', attempts: 2, error: { type: 'HttpServerError' } });
    expect(hits.get('/flaky-b')).toBe(2);
    expect(state.nodes.after.status).toBe('SUCCEEDED');
  });

  it('does not retry a 4xx, and 429 is retried', async () => {
    const state = await runYaml(`
name: client-errors
nodes:
  - id: bad
    type: http.request
    with: { url: "${base}/bad" }
    retry: { maximumAttempts: 5, initialInterval: 100ms }
    onFailure: skip
  - id: rate
    type: http.request
    with: { url: "${base}/rate" }
    retry: { maximumAttempts: 3, initialInterval: 100ms }
`);
    expect(state.nodes.bad).toMatchObject({ status: 'SKIPPED', attempts: 1, error: { type: 'BadRequest' } });
    expect(state.nodes.bad.error!.message).toContain('400');
    expect(hits.get('/bad')).toBe(1);
    expect(state.nodes.rate).toMatchObject({ status: 'SUCCEEDED', attempts: 2 });
  });

  it('times out a slow endpoint with the node timeout and fails the run', async () => {
    const state = await runYaml(`
name: slow
nodes:
  - id: slow
    type: http.request
    with: { url: "${base}/slow" }
    timeout: { startToClose: 1s }
    retry: { maximumAttempts: 2, initialInterval: 100ms }
`);
    expect(state.status).toBe('FAILED');
    expect(state.nodes.slow).toMatchObject({ status: 'FAILED', attempts: 2, error: { type: 'StartToCloseTimeout' } });
    expect(hits.get('/slow')).toBe(2);
  });
});
