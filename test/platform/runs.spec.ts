/**
 * Runs end to end: the real API (fresh PostgreSQL database) and a real worker with the progress
 * recorder, on the real Temporal dev server; GraphQL over HTTP and graphql-ws.
 */
import type { Client } from '@temporalio/client';
import {
  SA_PROJECT,
  SA_RUN_STATUS,
  SA_STARTED_BY,
  SA_TEMPLATE,
  SA_TEMPLATE_VERSION,
} from '../../workflows/search-attributes';
import { testPlatformClient } from '../support/payload-keys';
import { errorCode, type TestApp } from './support/app';
import { queryDatabase } from './support/database';
import { Fixtures } from './support/fixtures';
import { startPlatform, type TestPlatform } from './support/platform';
import { createTemplate, nodeStatuses, RUN_FIELDS, waitForRun, watchRun, wsClient, type RunView } from './support/runs';

const START_RUN = `mutation($input: StartRunInput!) { startRun(input: $input) { ${RUN_FIELDS} } }`;
const RUN = `query($id: ID!) { run(id: $id) { ${RUN_FIELDS} } }`;
const RETRY = `mutation($runId: ID!, $nodeId: String!, $with: JSON) { retryNode(runId: $runId, nodeId: $nodeId, with: $with) { ${RUN_FIELDS} } }`;
const SKIP = `mutation($runId: ID!, $nodeId: String!) { skipNode(runId: $runId, nodeId: $nodeId) { ${RUN_FIELDS} } }`;
const op = (name: string) => `mutation($id: ID!) { ${name}(id: $id) { ${RUN_FIELDS} } }`;

/** A parallel fork after `prepare`: `left` succeeds, `right` fails and waits for an operator. */
const FORK = {
  name: 'e2e-fork',
  inputs: { greeting: { type: 'string', default: 'hello' } },
  nodes: [
    { id: 'prepare', type: 'builtin.noop', with: { greeting: '${inputs.greeting}' } },
    { id: 'left', type: 'shell.exec', name: 'Left branch', with: { command: 'echo left-${inputs.greeting}' } },
    {
      id: 'right',
      type: 'shell.exec',
      name: 'Right branch',
      with: { command: 'echo nope >&2; exit 3' },
      onFailure: 'manual',
    },
    { id: 'done', type: 'gateway.join' },
  ],
  edges: [
    { from: 'prepare', to: 'left' },
    { from: 'prepare', to: 'right' },
    { from: 'left', to: 'done' },
    { from: 'right', to: 'done' },
  ],
  outputs: { left: '${nodes.left.output.stdout}', right: '${nodes.right.output.stdout}' },
};

/** Two steps, the first taking `seconds`, so a run can be paused and cancelled while it runs. */
const slow = (seconds: number) => ({
  name: `e2e-slow-${seconds}`,
  nodes: [
    // A shorter heartbeat timeout than the plugin's 30 s: the worker throttles heartbeats to 80% of
    // it, and a cancellation reaches the activity only with a heartbeat (shell.exec beats every 5 s).
    { id: 'wait', type: 'shell.exec', with: { command: `sleep ${seconds}` }, timeout: { heartbeat: '10s' } },
    { id: 'after', type: 'builtin.noop', with: { ok: true } },
  ],
  edges: [{ from: 'wait', to: 'after' }],
});

describe('runs', () => {
  let api: TestApp;
  let platform: TestPlatform;
  let temporal: Client;
  let fixtures: Fixtures;
  let projectId: string;
  let otherProjectId: string;
  let admin: string;
  let operator: string;
  let viewer: string;
  let outsider: string;
  let forkTemplate: string;

  beforeAll(async () => {
    temporal = await testPlatformClient();
    // As in `switchyard start` (API and worker in one process): the recorder counts into the API's registry.
    platform = await startPlatform({ queue: 'runs-e2e', sharedMetrics: true });
    api = platform.api;
    fixtures = new Fixtures(api);
    admin = await fixtures.admin();
    projectId = await fixtures.project('payments');
    otherProjectId = await fixtures.project('elsewhere');
    operator = await fixtures.user('olivia');
    viewer = await fixtures.user('victor');
    outsider = await fixtures.user('oscar');
    await fixtures.member(projectId, 'olivia', 'OPERATOR');
    await fixtures.member(projectId, 'victor', 'VIEWER');
    await fixtures.member(otherProjectId, 'oscar', 'OWNER');
    forkTemplate = await createTemplate(api, admin, projectId, FORK);
  });

  afterAll(() => platform?.close());

  async function start(templateId: string, extra: Record<string, unknown> = {}, token = operator): Promise<RunView> {
    const result = await api.gql<{ startRun: RunView }>(START_RUN, { input: { templateId, ...extra } }, token);
    if (!result.data?.startRun) throw new Error(`startRun: ${JSON.stringify(result.errors)}`);
    return result.data.startRun;
  }

  it('lets an operator start a fork, watch it over runUpdated, retry the failed node with new inputs and see it succeed', async () => {
    const run = await start(forkTemplate, { inputs: { greeting: 'hi' } });
    expect(run).toMatchObject({
      projectId,
      templateId: forkTemplate,
      templateName: 'e2e-fork',
      version: 1,
      inputs: { greeting: 'hi' },
      startedBy: 'olivia',
    });
    expect(run.temporalWorkflowId).toBe(`e2e-fork-${run.id}`);
    expect(run.temporalRunId).toMatch(/^[0-9a-f-]{36}$/);
    expect(run.temporalUiUrl).toBe(
      `http://localhost:8233/namespaces/default/workflows/${run.temporalWorkflowId}/${run.temporalRunId}/history`,
    );

    const watch = watchRun(api, operator, run.id);
    try {
      const waiting = await watch.waitFor((r) => r.status === 'WAITING');
      expect(nodeStatuses(waiting)).toEqual({
        prepare: 'SUCCEEDED',
        left: 'SUCCEEDED',
        right: 'FAILED',
        done: 'PENDING',
      });
      const right = waiting.nodes.find((node) => node.nodeId === 'right')!;
      expect(right).toMatchObject({
        name: 'Right branch',
        waitingFor: 'operator',
        attempts: 1,
        executions: 1,
        input: { command: 'echo nope >&2; exit 3' },
        error: { type: 'ShellExitError', message: expect.stringContaining('nope') },
      });
      expect(waiting.nodes.map((node) => node.nodeId)).toEqual(['prepare', 'left', 'right', 'done']);

      // Skipping or retrying a node that does not wait for anyone is refused by the workflow's validator.
      const refused = await api.gql(RETRY, { runId: run.id, nodeId: 'left' }, operator);
      expect(errorCode(refused)).toBe('CONFLICT');
      expect(refused.errors![0].message).toContain('not waiting for an operator');

      const retried = await api.gql<{ retryNode: RunView }>(
        RETRY,
        { runId: run.id, nodeId: 'right', with: { command: 'echo fixed-${inputs.greeting}' } },
        operator,
      );
      expect(retried.errors).toBeUndefined();
      expect(retried.data!.retryNode.status).not.toBe('WAITING');

      const succeeded = await watch.waitFor((r) => r.status === 'SUCCEEDED');
      expect(nodeStatuses(succeeded)).toEqual({
        prepare: 'SUCCEEDED',
        left: 'SUCCEEDED',
        right: 'SUCCEEDED',
        done: 'SUCCEEDED',
      });
      const fixed = succeeded.nodes.find((node) => node.nodeId === 'right')!;
      expect(fixed).toMatchObject({
        executions: 2,
        attempts: 2,
        input: { command: 'echo fixed-hi' },
        waitingFor: null,
      });
      expect(fixed.output).toMatchObject({ exitCode: 0, stdout: 'fixed-hi\n' });
      expect(succeeded.outputs).toEqual({ left: 'left-hi\n', right: 'fixed-hi\n' });
      expect(succeeded.endedAt).toBeTruthy();
      // A finished run changes no more: the subscription completes after its last state.
      await Promise.race([
        watch.ended,
        new Promise((_, reject) => setTimeout(() => reject(new Error('subscription did not complete')), 5000)),
      ]);
      expect(watch.errors).toEqual([]);
      const statuses = watch.events.map((event) => event.status);
      expect(statuses.indexOf('WAITING')).toBeGreaterThanOrEqual(0);
      expect(statuses.indexOf('WAITING')).toBeLessThan(statuses.indexOf('SUCCEEDED'));
      expect(statuses[statuses.length - 1]).toBe('SUCCEEDED');
      expect(statuses.filter((status) => status === 'SUCCEEDED')).toHaveLength(1);
    } finally {
      await watch.close();
    }

    // run(id) answers from the database, as the subscription showed it.
    const stored = (await api.gql<{ run: RunView }>(RUN, { id: run.id }, operator)).data!.run;
    expect(stored.status).toBe('SUCCEEDED');
    const [row] = await queryDatabase<{ lag_ms: number }>(
      api.db.url,
      `SELECT EXTRACT(EPOCH FROM (updated_at - finished_at)) * 1000 AS lag_ms FROM runs WHERE id = $1`,
      [run.id],
    );
    // The row was written within about a second of the workflow's own end time.
    expect(Number(row.lag_ms)).toBeLessThan(1000);

    // Temporal carries the run readably.
    const handle = temporal.workflow.getHandle(run.temporalWorkflowId);
    const description = await handle.describe();
    expect(description.typedSearchAttributes.get(SA_PROJECT)).toBe('payments');
    expect(description.typedSearchAttributes.get(SA_TEMPLATE)).toBe('e2e-fork');
    expect(description.typedSearchAttributes.get(SA_TEMPLATE_VERSION)).toBe(1);
    expect(description.typedSearchAttributes.get(SA_STARTED_BY)).toBe('olivia');
    expect(description.typedSearchAttributes.get(SA_RUN_STATUS)).toBe('SUCCEEDED');
    expect(await description.staticSummary()).toBe('e2e-fork v1 by olivia');
    expect(await description.staticDetails()).toContain(`/runs/${run.id})`);
  });

  it('answers run(id) from the database within about a second of each change', async () => {
    const templateId = await createTemplate(api, admin, projectId, {
      name: 'e2e-steps',
      nodes: [
        { id: 'one', type: 'shell.exec', with: { command: 'sleep 0.5' } },
        { id: 'two', type: 'shell.exec', with: { command: 'sleep 0.5' } },
      ],
      edges: [{ from: 'one', to: 'two' }],
    });
    const run = await start(templateId);
    const handle = temporal.workflow.getHandle(run.temporalWorkflowId);
    // Each time the workflow's own state moves, the API shows it within a second.
    const seen = new Set<string>();
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const live = await handle.query('state');
      const key = JSON.stringify({
        status: (live as RunView).status,
        nodes: Object.values((live as any).nodes).map((n: any) => n.status),
      });
      if (!seen.has(key)) {
        seen.add(key);
        const expected = live as { status: string; nodes: Record<string, { status: string }> };
        const observedAt = Date.now();
        const shown = await waitForRun(
          api,
          operator,
          run.id,
          (r) =>
            r.nodes.every((n) => {
              const status = expected.nodes[n.nodeId]?.status;
              // The database may already be ahead of the state we read, never behind for long.
              return status === n.status || ['SUCCEEDED'].includes(n.status);
            }),
          3000,
        );
        expect(shown).toBeTruthy();
        expect(Date.now() - observedAt).toBeLessThan(1500);
      }
      if ((live as RunView).status === 'SUCCEEDED') break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(seen.size).toBeGreaterThanOrEqual(3);
    await waitForRun(api, operator, run.id, (r) => r.status === 'SUCCEEDED', 3000);
  });

  it('pauses and resumes a run, refusing what does not fit the state with CONFLICT', async () => {
    const templateId = await createTemplate(api, admin, projectId, slow(1));
    const run = await start(templateId);
    const resumeRunning = await api.gql(op('resumeRun'), { id: run.id }, operator);
    expect(errorCode(resumeRunning)).toBe('CONFLICT');
    expect(resumeRunning.errors![0].message).toMatch(/^Run is not paused/);

    const paused = await api.gql<{ pauseRun: RunView }>(op('pauseRun'), { id: run.id }, operator);
    expect(paused.errors).toBeUndefined();
    expect(paused.data!.pauseRun.status).toBe('PAUSED');
    expect(paused.data!.pauseRun.paused).toMatchObject({ by: 'olivia' });
    const again = await api.gql(op('pauseRun'), { id: run.id }, operator);
    expect(errorCode(again)).toBe('CONFLICT');
    expect(again.errors![0].message).toBe('Run is already paused (by olivia)');

    // The running node finishes; the next one does not start while paused.
    const held = await waitForRun(api, operator, run.id, (r) => nodeStatuses(r).wait === 'SUCCEEDED', 10_000);
    await new Promise((resolve) => setTimeout(resolve, 700));
    const still = (await api.gql<{ run: RunView }>(RUN, { id: run.id }, operator)).data!.run;
    expect(still.status).toBe('PAUSED');
    expect(nodeStatuses(still)).toEqual({ wait: 'SUCCEEDED', after: 'PENDING' });
    expect(held.status).toBe('PAUSED');

    const resumed = await api.gql<{ resumeRun: RunView }>(op('resumeRun'), { id: run.id }, operator);
    expect(resumed.errors).toBeUndefined();
    expect(resumed.data!.resumeRun.paused).toBeNull();
    const done = await waitForRun(api, operator, run.id, (r) => r.status === 'SUCCEEDED', 10_000);
    expect(nodeStatuses(done)).toEqual({ wait: 'SUCCEEDED', after: 'SUCCEEDED' });

    const pauseFinished = await api.gql(op('pauseRun'), { id: run.id }, operator);
    expect(errorCode(pauseFinished)).toBe('CONFLICT');
    expect(pauseFinished.errors![0].message).toBe('Run is SUCCEEDED and cannot be paused');
  });

  it('cancels a run: the running node is cancelled, the rest too, and a finished run cannot be cancelled', async () => {
    const templateId = await createTemplate(api, admin, projectId, slow(30));
    const run = await start(templateId);
    await waitForRun(api, operator, run.id, (r) => nodeStatuses(r).wait === 'RUNNING', 10_000);
    const cancelled = await api.gql<{ cancelRun: RunView }>(
      'mutation($id: ID!) { cancelRun(id: $id, reason: "wrong version") { id status } }',
      { id: run.id },
      operator,
    );
    expect(cancelled.errors).toBeUndefined();
    const final = await waitForRun(
      api,
      operator,
      run.id,
      (r) => r.status === 'CANCELLED' && nodeStatuses(r).wait === 'CANCELLED',
      30_000,
    );
    expect(nodeStatuses(final)).toEqual({ wait: 'CANCELLED', after: 'CANCELLED' });
    expect(final.error).toMatchObject({ message: expect.stringContaining('wrong version') });
    const again = await api.gql(op('cancelRun'), { id: run.id }, operator);
    expect(errorCode(again)).toBe('CONFLICT');
    expect(again.errors![0].message).toBe('Run is CANCELLED and cannot be cancelled');
  });

  it('skips a node that waits for an operator, and the run goes on', async () => {
    const { outputs: _outputs, ...withoutOutputs } = FORK;
    const run = await start(await createTemplate(api, admin, projectId, { ...withoutOutputs, name: 'e2e-fork-skip' }));
    await waitForRun(api, operator, run.id, (r) => r.status === 'WAITING');
    const skipped = await api.gql<{ skipNode: RunView }>(SKIP, { runId: run.id, nodeId: 'right' }, operator);
    expect(skipped.errors).toBeUndefined();
    const done = await waitForRun(api, operator, run.id, (r) => r.status === 'SUCCEEDED');
    expect(nodeStatuses(done)).toMatchObject({ right: 'SKIPPED', done: 'SUCCEEDED' });
    expect(done.nodes.find((node) => node.nodeId === 'right')!.skipReason).toBe('operator');
    const twice = await api.gql(SKIP, { runId: run.id, nodeId: 'right' }, operator);
    expect(errorCode(twice)).toBe('CONFLICT');
  });

  it('validates inputs with their paths, and refuses runs of an archived template', async () => {
    const bad = await api.gql(
      START_RUN,
      { input: { templateId: forkTemplate, inputs: { greeting: 5, extra: 1 } } },
      operator,
    );
    expect(errorCode(bad)).toBe('BAD_USER_INPUT');
    expect(bad.errors![0].extensions!.problems).toEqual(
      expect.arrayContaining([
        { path: 'inputs.extra', message: expect.stringContaining('unknown input') },
        { path: 'inputs.greeting', message: expect.any(String) },
      ]),
    );
    const templateId = await createTemplate(api, admin, projectId, { ...slow(1), name: 'e2e-archived' });
    const archived = await api.gql('mutation($id: ID!) { archiveTemplate(id: $id) { id } }', { id: templateId }, admin);
    expect(archived.errors).toBeUndefined();
    const refused = await api.gql(START_RUN, { input: { templateId } }, operator);
    expect(errorCode(refused)).toBe('CONFLICT');
    expect(refused.errors![0].message).toContain('archived');
    const rows = await queryDatabase(api.db.url, 'SELECT id FROM runs WHERE template_id = $1', [templateId]);
    expect(rows).toEqual([]);
  });

  it('starts a run once per requestId, even when the call is repeated concurrently', async () => {
    const templateId = await createTemplate(api, admin, projectId, { ...slow(0), name: 'e2e-idempotent' });
    const input = { templateId, requestId: 'ci-build-4711' };
    const [a, b] = await Promise.all([
      api.gql<{ startRun: RunView }>(START_RUN, { input }, operator),
      api.gql<{ startRun: RunView }>(START_RUN, { input }, operator),
    ]);
    const c = await api.gql<{ startRun: RunView }>(START_RUN, { input }, operator);
    expect([a.errors, b.errors, c.errors]).toEqual([undefined, undefined, undefined]);
    const id = a.data!.startRun.id;
    expect(b.data!.startRun.id).toBe(id);
    expect(c.data!.startRun.id).toBe(id);
    expect(c.data!.startRun.requestId).toBe('ci-build-4711');
    const rows = await queryDatabase(api.db.url, 'SELECT id FROM runs WHERE request_id = $1', ['ci-build-4711']);
    expect(rows).toEqual([{ id }]);
    const workflows = [];
    for await (const execution of temporal.workflow.list({
      query: `WorkflowId = '${a.data!.startRun.temporalWorkflowId}'`,
    })) {
      workflows.push(execution.runId);
    }
    const [stored] = await queryDatabase<{ temporal_run_id: string }>(
      api.db.url,
      'SELECT temporal_run_id FROM runs WHERE id = $1',
      [id],
    );
    expect(workflows).toEqual([stored.temporal_run_id]);
    // The same key for another template is a conflict, not a silent reuse.
    const other = await api.gql(
      START_RUN,
      { input: { templateId: forkTemplate, requestId: 'ci-build-4711' } },
      operator,
    );
    expect(errorCode(other)).toBe('CONFLICT');
  });

  it('lists runs newest first with filters and cursor pagination', async () => {
    const templateId = await createTemplate(api, admin, projectId, { ...slow(0), name: 'e2e-list' });
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) ids.push((await start(templateId)).id);
    const LIST =
      'query($p: ID!, $t: ID, $s: RunStatus, $by: String, $first: Int, $after: String) { runs(projectId: $p, templateId: $t, status: $s, startedBy: $by, first: $first, after: $after) { nodes { id status startedBy } pageInfo { hasNextPage endCursor } } }';
    const first = await api.gql(LIST, { p: projectId, t: templateId, first: 2 }, viewer);
    expect(first.errors).toBeUndefined();
    expect(first.data.runs.nodes.map((r: RunView) => r.id)).toEqual([ids[2], ids[1]]);
    expect(first.data.runs.pageInfo.hasNextPage).toBe(true);
    const second = await api.gql(
      LIST,
      { p: projectId, t: templateId, first: 2, after: first.data.runs.pageInfo.endCursor },
      viewer,
    );
    expect(second.data.runs.nodes.map((r: RunView) => r.id)).toEqual([ids[0]]);
    expect(second.data.runs.pageInfo.hasNextPage).toBe(false);
    for (const id of ids) await waitForRun(api, operator, id, (r) => r.status === 'SUCCEEDED');
    const succeeded = await api.gql(LIST, { p: projectId, t: templateId, s: 'SUCCEEDED', by: 'olivia' }, viewer);
    expect(succeeded.data.runs.nodes).toHaveLength(3);
    const nobody = await api.gql(LIST, { p: projectId, t: templateId, by: 'someone-else' }, viewer);
    expect(nobody.data.runs.nodes).toEqual([]);
    const bad = await api.gql(LIST, { p: projectId, after: 'bm9wZQ' }, viewer);
    expect(errorCode(bad)).toBe('BAD_USER_INPUT');
  });

  it('lets a viewer read but not start or steer; shows another project nothing', async () => {
    const run = await start(forkTemplate);
    const viewerStart = await api.gql(START_RUN, { input: { templateId: forkTemplate } }, viewer);
    expect(errorCode(viewerStart)).toBe('FORBIDDEN');
    expect(viewerStart.data).toBeNull();
    expect(errorCode(await api.gql(op('pauseRun'), { id: run.id }, viewer))).toBe('FORBIDDEN');
    expect((await api.gql(RUN, { id: run.id }, viewer)).data.run.id).toBe(run.id);

    const missing = '00000000-0000-4000-8000-000000000000';
    const nowhere = await api.gql(RUN, { id: missing }, outsider);
    expect(nowhere.errors![0].message).toBe(`Run "${missing}" not found`);
    for (const query of [
      api.gql(RUN, { id: run.id }, outsider),
      api.gql(op('cancelRun'), { id: run.id }, outsider),
      api.gql(START_RUN, { input: { templateId: forkTemplate } }, outsider),
      api.gql('query($p: ID!) { runs(projectId: $p) { nodes { id } } }', { p: projectId }, outsider),
    ]) {
      const result = await query;
      // The same answer as for a run that does not exist: nothing but the id the caller gave.
      expect(errorCode(result)).toBe('NOT_FOUND');
      expect(result.data).toBeNull();
      expect(JSON.stringify(result)).not.toContain('e2e-fork');
    }
    const outsiderWatch = watchRun(api, outsider, run.id);
    await outsiderWatch.ended;
    expect(outsiderWatch.events).toEqual([]);
    expect(JSON.stringify(outsiderWatch.errors)).toContain('NOT_FOUND');
    await outsiderWatch.close();

    // Anonymous subscriptions are refused too.
    const anonymous = wsClient(api);
    const refusal = await new Promise<unknown>((resolve) => {
      anonymous.subscribe(
        { query: `subscription($id: ID!) { runUpdated(runId: $id) { id } }`, variables: { id: run.id } },
        { next: (message) => resolve(message.errors), error: resolve, complete: () => resolve('complete') },
      );
    });
    expect(JSON.stringify(refusal)).toContain('UNAUTHENTICATED');
    await anonymous.dispose();

    await api.gql(op('cancelRun'), { id: run.id }, operator);
  });

  it('counts runs started and finished, and node durations, in /metrics', async () => {
    const text = await (await fetch(`${api.baseUrl}/metrics`)).text();
    const value = (series: string) => Number(new RegExp(`^${series} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
    const [{ count }] = await queryDatabase<{ count: string }>(
      api.db.url,
      'SELECT count(*) FROM runs WHERE temporal_run_id IS NOT NULL',
    );
    expect(value('switchyard_runs_started_total{status="RUNNING"}')).toBe(Number(count));
    expect(value('switchyard_runs_finished_total{status="SUCCEEDED"}')).toBeGreaterThanOrEqual(5);
    expect(value('switchyard_runs_finished_total{status="CANCELLED"}')).toBeGreaterThanOrEqual(1);
    expect(value('switchyard_node_duration_seconds_count{type="shell.exec",status="SUCCEEDED"}')).toBeGreaterThan(0);
  });

  it('writes every operation to the audit log, refusals included', async () => {
    const result = await api.gql(
      'query($p: ID!) { auditLog(projectId: $p, first: 200) { nodes { action outcome actor resourceType resourceId errorCode } } }',
      { p: projectId },
      admin,
    );
    expect(result.errors).toBeUndefined();
    const entries: Array<Record<string, string>> = result.data.auditLog.nodes;
    const seen = (action: string, outcome: string, actor = 'olivia') =>
      entries.some((entry) => entry.action === action && entry.outcome === outcome && entry.actor === actor);
    for (const action of ['startRun', 'pauseRun', 'resumeRun', 'cancelRun', 'retryNode', 'skipNode']) {
      expect([action, seen(action, 'SUCCESS')]).toEqual([action, true]);
    }
    expect(seen('resumeRun', 'FAILED')).toBe(true);
    expect(seen('startRun', 'DENIED', 'victor')).toBe(true);
    const started = entries.find((entry) => entry.action === 'startRun' && entry.outcome === 'SUCCESS')!;
    expect(started.resourceType).toBe('run');
    expect(started.resourceId).toMatch(/^[0-9a-f-]{36}$/);
    const retried = entries.find((entry) => entry.action === 'retryNode' && entry.outcome === 'SUCCESS')!;
    expect(retried.resourceType).toBe('run');
  });
});
