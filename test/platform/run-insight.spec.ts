/**
 * What a run tells about itself over GraphQL (issue 4, sections 2 and 5): `waitingOn` from
 * Temporal (a node between retries, a task queue without a worker), the run-end callback's
 * delivery, and approvals decided by the right people or by their deadline, in the run state and
 * the audit log. The real API (fresh PostgreSQL database), real workers, the real Temporal dev
 * server, real HTTP servers for the flaky plugin and the callback receiver.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker } from '@temporalio/worker';
import { createPluginActivities } from '../../activities/plugin-activities';
import { PluginRegistry } from '../../plugins/registry';
import { definePlugin } from '../../plugins/sdk';
import { PluginCatalogService } from '../../src/plugins-catalog/plugin-catalog.service';
import { testDataConverter } from '../support/payload-keys';
import { testTemporal, uniqueTaskQueue } from '../support/temporal';
import { errorCode, startTestApp, type TestApp } from './support/app';
import { queryDatabase } from './support/database';
import { Fixtures } from './support/fixtures';
import { createTemplate, RUN_FIELDS, type RunView } from './support/runs';
import { startTestWorker, type TestWorker } from './support/worker';

const FIELDS =
  RUN_FIELDS.replace('waitingFor }', 'waitingFor details }') +
  ' waitingOn callback { url status attempts at httpStatus error { type message } }';
const START_RUN = `mutation($input: StartRunInput!) { startRun(input: $input) { ${FIELDS} } }`;
const APPROVE = `mutation($runId: ID!, $nodeId: String!, $comment: String) {
  approveNode(runId: $runId, nodeId: $nodeId, comment: $comment) { ${FIELDS} } }`;
const AUDIT = `query($p: ID!) { auditLog(projectId: $p, first: 200) {
  nodes { action outcome errorCode actor resourceType resourceId detail } } }`;

interface Reason {
  kind: string;
  nodeId?: string;
  taskQueue?: string;
  message: string;
}

const node = (run: RunView, id: string) => run.nodes.find((n) => n.nodeId === id)!;
const reasons = (run: RunView): Reason[] => (run.waitingOn as Reason[] | null) ?? [];
/**
 * The reasons but a missing worker on the main queue: with the 2 s freshness of this spec, an idle
 * worker (long-polling for up to a minute) may look gone while a workflow task is briefly pending.
 */
const settled = (run: RunView, mainQueue: string): Reason[] =>
  reasons(run).filter((reason) => !(reason.kind === 'no-worker' && reason.taskQueue === mainQueue));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('run insight', () => {
  let api: TestApp;
  let worker: TestWorker;
  let taskQueue: string;
  let server: Server;
  let base: string;
  const hits = new Map<string, number>();
  let projectId: string;
  let admin: string;
  let operator: string;
  let starter: string;
  let editor: string;

  beforeAll(async () => {
    // /flaky-N fails its first N requests with 503, then answers 200 (or 204 for POSTs); /refuse says 400.
    server = createServer((req, res) => {
      const path = new URL(req.url!, 'http://x').pathname;
      req.resume();
      req.on('end', () => {
        const count = (hits.get(path) ?? 0) + 1;
        hits.set(path, count);
        const failures = Number(/^\/flaky-(\d+)/.exec(path)?.[1] ?? 0);
        if (path === '/refuse') res.writeHead(400).end('no');
        else if (count <= failures) res.writeHead(503).end('busy');
        else if (req.method === 'POST') res.writeHead(204).end();
        else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ attempt: count }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    taskQueue = uniqueTaskQueue('run-insight');
    api = await startTestApp({
      config: {
        temporal: { address: process.env.SWITCHYARD_TEST_TEMPORAL_ADDRESS, namespace: 'default', taskQueue },
        logLevel: 'warn',
        // A stopped worker counts as gone after 2 s (in production: 90 s, longer than a long poll);
        // no reconciler pass while a test points a run at a workflow Temporal does not have.
        ...({ runs: { pollerFreshSeconds: 2, reconcileIntervalSeconds: 3600 } } as object),
      },
    });
    worker = await startTestWorker({ databaseUrl: api.db.url, taskQueue });
    const fixtures = new Fixtures(api);
    admin = await fixtures.admin();
    projectId = await fixtures.project('insight');
    operator = await fixtures.user('olga');
    starter = await fixtures.user('sam');
    editor = await fixtures.user('edith');
    await fixtures.member(projectId, 'olga', 'OPERATOR');
    await fixtures.member(projectId, 'sam', 'OPERATOR');
    await fixtures.member(projectId, 'edith', 'EDITOR');
  });

  afterAll(async () => {
    await worker?.stop();
    await api?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  async function start(templateId: string, extra: Record<string, unknown> = {}, token = starter): Promise<RunView> {
    const result = await api.gql<{ startRun: RunView }>(START_RUN, { input: { templateId, ...extra } }, token);
    if (!result.data?.startRun) throw new Error(`startRun: ${JSON.stringify(result.errors)}`);
    return result.data.startRun;
  }

  /** Polls `run(id)` until `predicate` holds; every view seen is kept in `seen`. */
  async function waitForRun(
    id: string,
    predicate: (run: RunView) => boolean,
    seen: RunView[] = [],
    timeoutMs = 30_000,
  ): Promise<RunView> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    while (Date.now() < deadline) {
      const result = await api.gql<{ run: RunView }>(
        `query($id: ID!) { run(id: $id) { ${FIELDS} } }`,
        { id },
        operator,
      );
      last = result.data?.run ?? result.errors;
      if (result.data?.run) {
        seen.push(result.data.run);
        if (predicate(result.data.run)) return result.data.run;
      }
      await sleep(200);
    }
    throw new Error(`run ${id} never matched; last: ${JSON.stringify(last)}`);
  }

  it('says which node retries, its attempt, when the next one starts and the last error', async () => {
    const templateId = await createTemplate(api, admin, projectId, {
      name: 'insight-flaky',
      nodes: [
        {
          id: 'fetch',
          type: 'http.request',
          with: { url: `${base}/flaky-2` },
          // Wide backoff windows, so a loaded machine still sees each retry wait (the view caches 2 s).
          retry: { maximumAttempts: 5, initialInterval: '6s', backoffCoefficient: 1 },
        },
      ],
    });
    const run = await start(templateId);
    const seen: RunView[] = [];
    await waitForRun(run.id, (r) => reasons(r).some((reason) => reason.message.includes('attempt 3 of 5')), seen);
    const done = await waitForRun(run.id, (r) => r.status === 'SUCCEEDED', seen);

    const retrying = seen.flatMap((view) => reasons(view).filter((reason) => reason.kind === 'retrying'));
    expect(retrying.length).toBeGreaterThan(0);
    for (const reason of retrying) {
      expect(reason).toEqual({
        kind: 'retrying',
        nodeId: 'fetch',
        message: expect.stringMatching(
          new RegExp(
            `^node fetch retrying, attempt [23] of 5, (next at \\S+|running now): HttpServerError: GET ${base}/flaky-2 returned HTTP 503`,
          ),
        ),
      });
    }
    const nextTimes = retrying.map((reason) => /next at (\S+):/.exec(reason.message)?.[1]).filter(Boolean);
    expect(nextTimes.length).toBeGreaterThan(0);
    for (const at of nextTimes) expect(new Date(at!).toISOString()).toBe(at);
    expect(retrying.map((reason) => /attempt (\d)/.exec(reason.message)![1])).toEqual(
      expect.arrayContaining(['2', '3']),
    );
    // The run row itself knows nothing of retries: only the live view says so, and not once it ended.
    expect(done.waitingOn).toBeNull();
    expect(node(done, 'fetch')).toMatchObject({ status: 'SUCCEEDED', attempts: 3, output: { status: 200 } });
    expect(hits.get('/flaky-2')).toBe(3);
  });

  it('says no worker polls the task queue while the worker is down, and the run goes on when one is back', async () => {
    const templateId = await createTemplate(api, admin, projectId, {
      name: 'insight-no-worker',
      nodes: [{ id: 'step', type: 'builtin.noop', with: { ok: true } }],
    });
    await worker.stop();
    await sleep(2500); // the stopped worker's pollers go stale
    const run = await start(templateId);
    const stuck = await waitForRun(run.id, (r) => reasons(r).some((reason) => reason.kind === 'no-worker'));
    expect(stuck.status).toBe('PENDING');
    expect(reasons(stuck)).toEqual([
      { kind: 'no-worker', taskQueue, message: `no worker polling task queue ${taskQueue}` },
    ]);

    worker = await startTestWorker({ databaseUrl: api.db.url, taskQueue });
    const done = await waitForRun(run.id, (r) => r.status === 'SUCCEEDED');
    expect(done.waitingOn).toBeNull();
  });

  it('names the task queue of a plugin served by a worker of its own while none polls it', async () => {
    const remoteQueue = uniqueTaskQueue('insight-remote');
    const remote = definePlugin({
      type: 'insight.remote',
      version: '1.0.0',
      title: 'Served elsewhere',
      inputSchema: { type: 'object', properties: { n: { type: 'integer' } } },
      taskQueue: remoteQueue,
      execute: (_ctx, input) => Promise.resolve({ doubled: Number(input.n) * 2 }),
    });
    api.app.get(PluginCatalogService).register([remote]);
    const templateId = await createTemplate(api, admin, projectId, {
      name: 'insight-remote',
      nodes: [{ id: 'far', type: 'insight.remote', with: { n: 21 } }],
    });
    const run = await start(templateId);
    const stuck = await waitForRun(
      run.id,
      (r) => node(r, 'far')?.status === 'RUNNING' && reasons(r).some((reason) => reason.taskQueue === remoteQueue),
    );
    expect(settled(stuck, taskQueue)).toEqual([
      {
        kind: 'no-worker',
        taskQueue: remoteQueue,
        message: `no worker polling task queue ${remoteQueue} (activities)`,
      },
    ]);

    const env = await testTemporal();
    const remoteWorker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: remoteQueue,
      // The platform encrypts activity inputs: a worker of its own must hold the same keys.
      dataConverter: testDataConverter(),
      activities: createPluginActivities({ registry: new PluginRegistry([remote]) }),
    });
    const running = remoteWorker.run();
    try {
      const done = await waitForRun(run.id, (r) => r.status === 'SUCCEEDED');
      expect(node(done, 'far').output).toEqual({ doubled: 42 });
      expect(done.waitingOn).toBeNull();
    } finally {
      remoteWorker.shutdown();
      await running;
    }
  });

  it('answers run(id) from the database when Temporal cannot say why a run waits', async () => {
    const templateId = await createTemplate(api, admin, projectId, {
      name: 'insight-approval-only',
      nodes: [{ id: 'gate', type: 'approval', with: { message: 'ok?' } }],
    });
    const run = await start(templateId);
    const waiting = await waitForRun(run.id, (r) => r.status === 'WAITING');
    expect(settled(waiting, taskQueue)).toEqual([
      { kind: 'approval', nodeId: 'gate', message: 'approval gate waits for a decision by an operator' },
    ]);
    // A row pointing at a workflow Temporal does not have: the live part fails, the query does not.
    await queryDatabase(api.db.url, `UPDATE runs SET workflow_id = 'no-such-workflow' WHERE id = $1`, [run.id]);
    const result = await api.gql<{ run: RunView }>(
      `query($id: ID!) { run(id: $id) { ${FIELDS} } }`,
      { id: run.id },
      operator,
    );
    expect(result.errors).toBeUndefined();
    expect(settled(result.data!.run, taskQueue)).toEqual([
      expect.objectContaining({ kind: 'approval', nodeId: 'gate' }),
    ]);
    await queryDatabase(api.db.url, `UPDATE runs SET workflow_id = $2 WHERE id = $1`, [run.id, run.temporalWorkflowId]);
    expect((await api.gql(APPROVE, { runId: run.id, nodeId: 'gate' }, operator)).errors).toBeUndefined();
    await waitForRun(run.id, (r) => r.status === 'SUCCEEDED');
  });

  it('shows the run-end callback: PENDING, then DELIVERED after two failed attempts, or FAILED when refused', async () => {
    const templateId = await createTemplate(api, admin, projectId, {
      name: 'insight-callback',
      nodes: [{ id: 'work', type: 'builtin.noop', with: { n: 1 } }],
      outputs: { n: '${nodes.work.output.n}' },
    });
    const delivered = await start(templateId, { callbackUrl: `${base}/flaky-2/hook?token=s3cret` });
    // The URL shows without the values of its query (they often carry tokens).
    const maskedUrl = `${base}/flaky-2/hook?token=***`;
    expect(delivered.callback).toMatchObject({ url: maskedUrl, attempts: 0 });
    expect(['PENDING', 'DELIVERED']).toContain(delivered.callback.status);
    const refused = await start(templateId, { callbackUrl: `${base}/refuse` });
    const plain = await start(templateId);
    expect(plain.callback).toBeNull();

    const done = await waitForRun(delivered.id, (r) => r.callback?.status === 'DELIVERED');
    expect(done.status).toBe('SUCCEEDED');
    expect(done.callback).toEqual({
      url: maskedUrl,
      status: 'DELIVERED',
      attempts: 3,
      at: expect.any(String),
      httpStatus: 204,
      error: null,
    });
    expect(new Date(done.callback.at).toISOString()).toBe(done.callback.at);
    expect(hits.get('/flaky-2/hook')).toBe(3);

    const gaveUp = await waitForRun(refused.id, (r) => r.callback?.status === 'FAILED');
    expect(gaveUp.callback).toMatchObject({
      status: 'FAILED',
      attempts: 1,
      httpStatus: 400,
      error: { type: 'CallbackRefused', message: 'callback answered HTTP 400' },
    });
    expect((await waitForRun(plain.id, (r) => r.status === 'SUCCEEDED')).callback).toBeNull();
    // Nothing of the token in the database's copy of what GraphQL shows, nor in the run's nodes.
    const [row] = await queryDatabase<{ callback: { url: string } }>(
      api.db.url,
      'SELECT callback FROM runs WHERE id = $1',
      [delivered.id],
    );
    expect(row.callback).toMatchObject({ status: 'DELIVERED', attempts: 3, httpStatus: 204 });
  });

  it('lets only the named users or roles decide, and audits each decision with its comment', async () => {
    const templateId = await createTemplate(api, admin, projectId, {
      name: 'insight-approvers',
      nodes: [
        { id: 'by_role', type: 'approval', with: { message: 'Editors?', approvers: { roles: ['editor'] } } },
        { id: 'by_user', type: 'approval', with: { message: 'Olga?', approvers: { users: ['olga'] } } },
      ],
    });
    const run = await start(templateId);
    const waiting = await waitForRun(
      run.id,
      (r) => node(r, 'by_role')?.status === 'WAITING' && node(r, 'by_user')?.status === 'WAITING',
    );
    expect(settled(waiting, taskQueue)).toEqual(
      expect.arrayContaining([
        { kind: 'approval', nodeId: 'by_role', message: 'approval by_role waits for a decision by role editor' },
        { kind: 'approval', nodeId: 'by_user', message: 'approval by_user waits for a decision by user olga' },
      ]),
    );

    const operatorOnRole = await api.gql(APPROVE, { runId: run.id, nodeId: 'by_role' }, operator);
    expect(errorCode(operatorOnRole)).toBe('FORBIDDEN');
    expect(operatorOnRole.errors![0].message).toBe('olga may not decide approval "by_role": it needs role editor');
    const otherOnUser = await api.gql(APPROVE, { runId: run.id, nodeId: 'by_user' }, starter);
    expect(errorCode(otherOnUser)).toBe('FORBIDDEN');
    expect(otherOnUser.errors![0].message).toBe('sam may not decide approval "by_user": it needs user olga');

    const byEditor = await api.gql(APPROVE, { runId: run.id, nodeId: 'by_role', comment: 'as editor' }, editor);
    expect(byEditor.errors).toBeUndefined();
    const byOlga = await api.gql(APPROVE, { runId: run.id, nodeId: 'by_user', comment: 'named' }, operator);
    expect(byOlga.errors).toBeUndefined();
    const done = await waitForRun(run.id, (r) => r.status === 'SUCCEEDED');
    expect(node(done, 'by_role').details.approval).toMatchObject({ decision: 'approve', decidedBy: 'edith' });
    expect(node(done, 'by_user').details.approval).toMatchObject({ decision: 'approve', decidedBy: 'olga' });

    const audit = await api.gql(AUDIT, { p: projectId }, admin);
    const entries = (audit.data.auditLog.nodes as Array<Record<string, any>>).filter((e) => e.resourceId === run.id);
    expect(entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: 'approveNode',
          outcome: 'DENIED',
          errorCode: 'FORBIDDEN',
          actor: 'olga',
          detail: expect.objectContaining({ args: expect.objectContaining({ nodeId: 'by_role' }) }),
        }),
        expect.objectContaining({
          action: 'approveNode',
          outcome: 'SUCCESS',
          actor: 'edith',
          detail: { args: { runId: run.id, nodeId: 'by_role', comment: 'as editor' } },
        }),
        expect.objectContaining({
          action: 'approveNode',
          outcome: 'SUCCESS',
          actor: 'olga',
          detail: { args: { runId: run.id, nodeId: 'by_user', comment: 'named' } },
        }),
      ]),
    );
  });

  it('applies the default decision at the deadline, in the run state and the audit log', async () => {
    const templateId = await createTemplate(api, admin, projectId, {
      name: 'insight-deadline',
      nodes: [
        { id: 'gate', type: 'approval', with: { message: 'Auto?', deadline: '2s', defaultDecision: 'approve' } },
        { id: 'after', type: 'builtin.noop', with: { decision: '${nodes.gate.output.decision}' } },
      ],
      edges: [{ from: 'gate', to: 'after' }],
    });
    const run = await start(templateId);
    const waiting = await waitForRun(run.id, (r) => r.status === 'WAITING');
    const deadlineAt = node(waiting, 'gate').details.approval.deadlineAt as string;
    expect(new Date(deadlineAt).toISOString()).toBe(deadlineAt);
    expect(settled(waiting, taskQueue)).toEqual([
      {
        kind: 'approval',
        nodeId: 'gate',
        message: `approval gate waits for a decision by an operator until ${deadlineAt} (then: approve)`,
      },
    ]);

    const done = await waitForRun(run.id, (r) => r.status === 'SUCCEEDED');
    const approval = node(done, 'gate').details.approval;
    expect(approval).toMatchObject({ decision: 'approve', decidedBy: 'deadline', deadlineAt });
    expect(node(done, 'after').output).toEqual({ decision: 'approve' });

    const audit = await api.gql(AUDIT, { p: projectId }, admin);
    const entries = (audit.data.auditLog.nodes as Array<Record<string, any>>).filter(
      (e) => e.resourceId === run.id && e.action === 'approvalDeadline',
    );
    expect(entries).toEqual([
      {
        action: 'approvalDeadline',
        outcome: 'SUCCESS',
        errorCode: null,
        actor: 'system',
        resourceType: 'run',
        resourceId: run.id,
        detail: { nodeId: 'gate', decision: 'approve', deadlineAt, decidedAt: approval.decidedAt },
      },
    ]);
  });

  it('logged no error along the way', () => {
    const errors = api.logs.entries().filter((entry) => (entry.level as number) >= 50);
    expect(errors).toEqual([]);
  });
});
