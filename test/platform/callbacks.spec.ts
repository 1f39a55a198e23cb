/**
 * Callback nodes and foreach through the platform (issue #4, sections 3 and 4): the real API on a
 * fresh PostgreSQL database, a real worker on the real Temporal dev server, the callback URL read
 * from the run state over GraphQL and called over HTTP.
 */
import { callbackKeyOf } from '../../src/config/config';
import { errorCode, type TestApp } from './support/app';
import { queryDatabase } from './support/database';
import { Fixtures } from './support/fixtures';
import { startPlatform, type TestPlatform } from './support/platform';
import { createTemplate, RUN_FIELDS, type RunView, waitForRun as pollRun } from './support/runs';

const FIELDS = RUN_FIELDS.replace('waitingFor }', 'waitingFor details }');
const START_RUN = `mutation($input: StartRunInput!) { startRun(input: $input) { ${FIELDS} } }`;

const CALLBACK = (deadline: string) => ({
  name: `e2e-callback-${deadline}`,
  nodes: [
    { id: 'ci', type: 'callback', name: 'Wait for CI', with: { deadline, message: 'POST the build' } },
    { id: 'ship', type: 'builtin.noop', with: { artifact: '${nodes.ci.output.artifact}' } },
  ],
  edges: [{ from: 'ci', to: 'ship' }],
  outputs: { artifact: '${nodes.ship.output.artifact}' },
});

const FOREACH = {
  name: 'e2e-foreach',
  inputs: { hosts: { type: 'array', default: ['h0', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'h7'] } },
  nodes: [
    {
      id: 'deploy',
      type: 'builtin.noop',
      with: { host: '${item}', n: '${index}' },
      foreach: { items: '${inputs.hosts}', concurrency: 3 },
    },
  ],
  outputs: { hosts: '${nodes.deploy.output.map(o, o.host)}' },
};

const node = (run: RunView, id: string) => run.nodes.find((n) => n.nodeId === id)!;

describe('callbacks and foreach through the platform', () => {
  let api: TestApp;
  let platform: TestPlatform;
  let projectId: string;
  let admin: string;
  let operator: string;
  let viewer: string;
  let outsider: string;

  beforeAll(async () => {
    platform = await startPlatform({
      queue: 'callbacks-e2e',
      logLevel: 'info',
      sharedMetrics: true,
      worker: (app) => ({ callbacks: { key: callbackKeyOf(app.config), baseUrl: app.baseUrl } }),
    });
    api = platform.api;
    const fixtures = new Fixtures(api);
    admin = await fixtures.admin();
    projectId = await fixtures.project('callbacks');
    operator = await fixtures.user('olga');
    viewer = await fixtures.user('vera');
    outsider = await fixtures.user('otto');
    await fixtures.member(projectId, 'olga', 'OPERATOR');
    await fixtures.member(projectId, 'vera', 'VIEWER');
  });

  afterAll(() => platform?.close());

  async function start(templateId: string): Promise<RunView> {
    const result = await api.gql<{ startRun: RunView }>(START_RUN, { input: { templateId } }, operator);
    if (!result.data?.startRun) throw new Error(`startRun: ${JSON.stringify(result.errors)}`);
    return result.data.startRun;
  }

  const waitForRun = (id: string, predicate: (run: RunView) => boolean, token = viewer): Promise<RunView> =>
    pollRun(api, token, id, predicate, { intervalMs: 100, fields: FIELDS });

  const post = async (url: string, body: unknown) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as { status: string; message: string } };
  };

  async function callbackUrlOf(runId: string): Promise<string> {
    const waiting = await waitForRun(runId, (r) => node(r, 'ci')?.details?.callback?.url !== undefined);
    expect(node(waiting, 'ci')).toMatchObject({
      status: 'RUNNING',
      details: { callback: { nodeId: 'ci', message: 'POST the build', expiresAt: expect.any(String) } },
    });
    return node(waiting, 'ci').details.callback.url as string;
  }

  async function callbackAudit(runId: string) {
    return queryDatabase<{ outcome: string; error_code: string | null; detail: Record<string, unknown> }>(
      api.db.url,
      `SELECT outcome, error_code, detail FROM audit_log WHERE action = 'callback' AND resource_id = $1 ORDER BY id`,
      [runId],
    );
  }

  it('completes a callback node with its payload; a forged token gets 401, a reused one 409', async () => {
    const templateId = await createTemplate(api, admin, projectId, CALLBACK('10m'));
    const run = await start(templateId);
    const url = await callbackUrlOf(run.id);
    expect(url.startsWith(`${api.baseUrl}/callbacks/`)).toBe(true);
    // The run state is the project's: someone without a role there sees nothing.
    const hidden = await api.gql(`query($id: ID!) { run(id: $id) { id } }`, { id: run.id }, outsider);
    expect(errorCode(hidden)).toBe('NOT_FOUND');

    const token = url.slice(url.lastIndexOf('/') + 1);
    const [version, claims, signature] = token.split('.');
    const forgedSignature = `${signature.slice(0, -4)}${signature.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    const forged = await post(`${api.baseUrl}/callbacks/${version}.${claims}.${forgedSignature}`, {
      status: 'success',
      output: { artifact: 'evil' },
    });
    expect(forged).toEqual({ status: 401, body: { status: 'UNAUTHENTICATED', message: 'invalid callback token' } });
    const badBody = await post(url, { status: 'maybe' });
    expect(badBody.status).toBe(400);

    const done = await post(url, { status: 'success', output: { artifact: 'web-1.2.3' } });
    expect(done).toEqual({ status: 200, body: { status: 'OK', message: 'node ci completed' } });
    const finished = await waitForRun(run.id, (r) => r.status === 'SUCCEEDED');
    expect(node(finished, 'ci')).toMatchObject({ status: 'SUCCEEDED', output: { artifact: 'web-1.2.3' } });
    expect(finished.outputs).toEqual({ artifact: 'web-1.2.3' });

    const reused = await post(url, { status: 'success', output: { artifact: 'again' } });
    expect(reused).toEqual({
      status: 409,
      body: { status: 'CONFLICT', message: 'this callback URL was already used' },
    });

    expect(await callbackAudit(run.id)).toEqual([
      expect.objectContaining({ outcome: 'FAILED', error_code: 'BAD_USER_INPUT' }),
      expect.objectContaining({ outcome: 'SUCCESS', detail: { nodeId: 'ci', status: 'success', httpStatus: 200 } }),
      expect.objectContaining({ outcome: 'DENIED', error_code: 'CONFLICT' }),
    ]);
    const rows = await queryDatabase<{ run_id: string; node_id: string; outcome: string }>(
      api.db.url,
      'SELECT run_id, node_id, outcome FROM callback_uses WHERE run_id = $1',
      [run.id],
    );
    expect(rows).toEqual([{ run_id: run.id, node_id: 'ci', outcome: 'success' }]);
    // The token is a credential: it never reaches the logs (request paths are redacted).
    expect(api.logs.text()).not.toContain(signature);
    expect(api.logs.text()).toContain('/callbacks/[REDACTED]');
  });

  it('fails the node with the message a failure callback sends', async () => {
    const templateId = await createTemplate(api, admin, projectId, { ...CALLBACK('10m'), name: 'e2e-callback-fail' });
    const run = await start(templateId);
    const url = await callbackUrlOf(run.id);
    const failed = await post(url, { status: 'failure', message: 'pipeline red: 3 tests failed' });
    expect(failed).toEqual({ status: 200, body: { status: 'OK', message: 'node ci failed' } });
    const ended = await waitForRun(run.id, (r) => r.status === 'FAILED');
    expect(node(ended, 'ci')).toMatchObject({
      status: 'FAILED',
      error: { type: 'CallbackFailure', message: 'pipeline red: 3 tests failed' },
    });
  });

  it('refuses an expired callback URL with 410, after the node failed at its deadline', async () => {
    const templateId = await createTemplate(api, admin, projectId, CALLBACK('2s'));
    const run = await start(templateId);
    const url = await callbackUrlOf(run.id);
    const ended = await waitForRun(run.id, (r) => r.status === 'FAILED');
    expect(node(ended, 'ci').error).toEqual({
      type: 'CallbackDeadlineExceeded',
      message: 'no callback before the deadline (2s)',
    });
    const late = await post(url, { status: 'success', output: {} });
    expect(late).toEqual({ status: 410, body: { status: 'EXPIRED', message: 'this callback URL has expired' } });
    expect(await callbackAudit(run.id)).toEqual([
      expect.objectContaining({ outcome: 'DENIED', error_code: 'EXPIRED' }),
    ]);
  });

  it('shows a foreach node with its item progress and ordered outputs over GraphQL; validates foreach', async () => {
    const templateId = await createTemplate(api, admin, projectId, FOREACH);
    const run = await start(templateId);
    const done = await waitForRun(run.id, (r) => r.status === 'SUCCEEDED');
    expect(node(done, 'deploy').output).toEqual(Array.from({ length: 8 }, (_, i) => ({ host: `h${i}`, n: i })));
    expect(node(done, 'deploy').details).toMatchObject({
      items: { total: 8, succeeded: 8, failed: 0, running: 0 },
    });
    expect(done.outputs).toEqual({ hosts: ['h0', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'h7'] });

    const invalid = await api.gql(
      'mutation($input: CreateTemplateInput!) { createTemplate(input: $input) { id } }',
      {
        input: {
          projectId,
          definition: {
            name: 'bad-foreach',
            nodes: [
              { id: 'a', type: 'builtin.noop', with: { x: '${item}' } },
              { id: 'b', type: 'builtin.noop', foreach: { items: '${[1]}', concurrency: 0, maxItems: 20000 } },
            ],
          },
        },
      },
      admin,
    );
    expect(errorCode(invalid)).toBe('BAD_USER_INPUT');
    expect(invalid.errors![0].extensions!.problems).toEqual(
      expect.arrayContaining([
        {
          path: 'nodes[0].with.x',
          message: 'item is in scope only in the with of a node with foreach, in `item`',
        },
        { path: 'nodes[1].foreach.concurrency', message: 'must be an integer from 1 to 1000' },
        { path: 'nodes[1].foreach.maxItems', message: 'must be an integer from 1 to 10000' },
      ]),
    );
  });
});
