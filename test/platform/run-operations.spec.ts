/**
 * Run operations end to end (issue 4, API side): approvals decided over GraphQL with roles and
 * form values, force-fail, breakpoints, rerun and clone; the real API (fresh PostgreSQL database)
 * and a real worker on the real Temporal dev server.
 */
import { defaultPayloadConverter } from '@temporalio/common';
import type { InterpreterInput } from '../../workflows/contract';
import { recordHistory } from '../support/runs';
import { testPayloadKeyring, testPlatformClient } from '../support/payload-keys';
import { testTemporal } from '../support/temporal';
import { EncryptionCodec } from '../../src/temporal/payload-codec';
import { errorCode, type TestApp } from './support/app';
import { queryDatabase } from './support/database';
import { Fixtures } from './support/fixtures';
import { startPlatform, type TestPlatform } from './support/platform';
import { createTemplate, nodeStatuses, RUN_FIELDS, type RunView, waitForRun as pollRun } from './support/runs';

const FIELDS =
  RUN_FIELDS.replace('waitingFor }', 'waitingFor details }').replace('paused { by at }', 'paused { by at nodeId }') +
  ' waitingOn';
const START_RUN = `mutation($input: StartRunInput!) { startRun(input: $input) { ${FIELDS} } }`;
const APPROVE = `mutation($runId: ID!, $nodeId: String!, $comment: String, $values: JSON) {
  approveNode(runId: $runId, nodeId: $nodeId, comment: $comment, values: $values) { ${FIELDS} } }`;
const REJECT = `mutation($runId: ID!, $nodeId: String!, $comment: String) {
  rejectNode(runId: $runId, nodeId: $nodeId, comment: $comment) { ${FIELDS} } }`;
const FORCE_FAIL = `mutation($runId: ID!, $nodeId: String!, $reason: String) {
  forceFailNode(runId: $runId, nodeId: $nodeId, reason: $reason) { ${FIELDS} } }`;
const RETRY = `mutation($runId: ID!, $nodeId: String!, $with: JSON) {
  retryNode(runId: $runId, nodeId: $nodeId, with: $with) { ${FIELDS} } }`;
const nodeOp = (name: string) =>
  `mutation($runId: ID!, $nodeId: String!) { ${name}(runId: $runId, nodeId: $nodeId) { ${FIELDS} } }`;
const RESUME = `mutation($id: ID!) { resumeRun(id: $id) { ${FIELDS} } }`;
const RERUN = `mutation($runId: ID!, $fromNodes: [String!], $inputs: JSON) {
  rerunRun(runId: $runId, fromNodes: $fromNodes, inputs: $inputs) { ${FIELDS} } }`;
const SKIP = `mutation($runId: ID!, $nodeId: String!, $takeEdgeTo: String) {
  skipNode(runId: $runId, nodeId: $nodeId, takeEdgeTo: $takeEdgeTo) { ${FIELDS} } }`;
const CLONE = `mutation($runId: ID!) { cloneRun(runId: $runId) { ${FIELDS} } }`;

const node = (run: RunView, id: string) => run.nodes.find((n) => n.nodeId === id)!;

/** Polls `run(id)` (with node details and waitingOn) until `predicate` holds. */
const waitForRun = (
  api: TestApp,
  token: string,
  id: string,
  predicate: (run: RunView) => boolean,
  timeoutMs = 30_000,
): Promise<RunView> => pollRun(api, token, id, predicate, { timeoutMs, intervalMs: 100, fields: FIELDS });

/** An approval any viewer-or-better may decide (not the starter), whose form asks for a ticket. */
const APPROVAL = {
  name: 'e2e-approval',
  nodes: [
    {
      id: 'gate',
      type: 'approval',
      with: {
        message: 'Ship it?',
        approvers: { roles: ['viewer'] },
        forbidStarter: true,
        form: {
          type: 'object',
          required: ['ticket'],
          properties: { ticket: { type: 'string', pattern: '^CHG-[0-9]+$' } },
          additionalProperties: false,
        },
      },
    },
    { id: 'ship', type: 'builtin.noop', with: { ticket: '${nodes.gate.output.values.ticket}' } },
  ],
  edges: [{ from: 'gate', to: 'ship' }],
  outputs: { ticket: '${nodes.ship.output.ticket}' },
};

const STUCK = {
  name: 'e2e-stuck',
  nodes: [
    {
      id: 'stuck',
      type: 'shell.exec',
      with: { command: 'sleep 30' },
      // A cancellation reaches the activity with a heartbeat (shell.exec beats every 5 s).
      timeout: { heartbeat: '10s' },
      onFailure: 'manual',
    },
    { id: 'after', type: 'builtin.noop', with: { ok: true } },
  ],
  edges: [{ from: 'stuck', to: 'after' }],
};

const BREAKPOINTS = {
  name: 'e2e-breakpoints',
  nodes: [
    { id: 'first', type: 'shell.exec', with: { command: 'sleep 2' }, timeout: { heartbeat: '10s' } },
    { id: 'second', type: 'builtin.noop', with: { n: 2 } },
    { id: 'third', type: 'builtin.noop', with: { n: 3 } },
  ],
  edges: [
    { from: 'first', to: 'second' },
    { from: 'second', to: 'third' },
  ],
};

const BUILD_DEPLOY = {
  name: 'e2e-build-deploy',
  inputs: { tag: { type: 'string' } },
  nodes: [
    { id: 'build', type: 'shell.exec', with: { command: 'echo built-${inputs.tag}' } },
    { id: 'deploy', type: 'builtin.noop', with: { artifact: '${nodes.build.output.stdout}', tag: '${inputs.tag}' } },
  ],
  edges: [{ from: 'build', to: 'deploy' }],
};

describe('run operations', () => {
  let platform: TestPlatform;
  let api: TestApp;
  let fixtures: Fixtures;
  let projectId: string;
  let admin: string;
  let operator: string;
  let starter: string;
  let viewer: string;

  beforeAll(async () => {
    platform = await startPlatform({ queue: 'run-ops-e2e', sharedMetrics: true });
    api = platform.api;
    fixtures = new Fixtures(api);
    admin = await fixtures.admin();
    projectId = await fixtures.project('ops');
    operator = await fixtures.user('olga');
    starter = await fixtures.user('sam');
    viewer = await fixtures.user('vera');
    await fixtures.member(projectId, 'olga', 'OPERATOR');
    await fixtures.member(projectId, 'sam', 'OPERATOR');
    await fixtures.member(projectId, 'vera', 'VIEWER');
  });

  afterAll(() => platform?.close());

  async function start(templateId: string, extra: Record<string, unknown> = {}, token = starter): Promise<RunView> {
    const result = await api.gql<{ startRun: RunView }>(START_RUN, { input: { templateId, ...extra } }, token);
    if (!result.data?.startRun) throw new Error(`startRun: ${JSON.stringify(result.errors)}`);
    return result.data.startRun;
  }

  async function auditActions(runId: string): Promise<string[]> {
    const rows = await queryDatabase<{ action: string }>(
      api.db.url,
      'SELECT action FROM audit_log WHERE resource_id = $1 ORDER BY id',
      [runId],
    );
    return rows.map((row) => row.action);
  }

  it('lets an operator approve with form values; refuses a viewer, the starter and values that break the form', async () => {
    const templateId = await createTemplate(api, admin, projectId, APPROVAL);
    const run = await start(templateId);
    const waiting = await waitForRun(api, operator, run.id, (r) => r.status === 'WAITING');
    expect(node(waiting, 'gate')).toMatchObject({ status: 'WAITING', waitingFor: 'approval' });

    // The guard: deciding needs OPERATOR.
    const byViewer = await api.gql(APPROVE, { runId: run.id, nodeId: 'gate', values: { ticket: 'CHG-1' } }, viewer);
    expect(errorCode(byViewer)).toBe('FORBIDDEN');
    // The workflow: the starter may not decide.
    const byStarter = await api.gql(APPROVE, { runId: run.id, nodeId: 'gate', values: { ticket: 'CHG-1' } }, starter);
    expect(errorCode(byStarter)).toBe('FORBIDDEN');
    expect(byStarter.errors![0].message).toBe('sam started this run and may not decide approval "gate"');
    // The API: values are checked against the form before anything is sent.
    const badValues = await api.gql(APPROVE, { runId: run.id, nodeId: 'gate', values: { ticket: 42, x: 1 } }, operator);
    expect(errorCode(badValues)).toBe('BAD_USER_INPUT');
    expect(badValues.errors![0].extensions!.problems).toEqual(
      expect.arrayContaining([
        { path: 'values.ticket', message: 'must be string' },
        { path: 'values.x', message: 'is not allowed' },
      ]),
    );
    const missing = await api.gql(APPROVE, { runId: run.id, nodeId: 'gate' }, operator);
    expect(errorCode(missing)).toBe('BAD_USER_INPUT');
    // Not an approval: the workflow's validator refuses.
    const notApproval = await api.gql(APPROVE, { runId: run.id, nodeId: 'ship' }, operator);
    expect(errorCode(notApproval)).toBe('CONFLICT');

    const approved = await api.gql<{ approveNode: RunView }>(
      APPROVE,
      { runId: run.id, nodeId: 'gate', comment: 'go', values: { ticket: 'CHG-7' } },
      operator,
    );
    expect(approved.errors).toBeUndefined();
    expect(node(approved.data!.approveNode, 'gate').details.approval).toMatchObject({
      decision: 'approve',
      decidedBy: 'olga',
      comment: 'go',
      values: { ticket: 'CHG-7' },
    });
    const done = await waitForRun(api, operator, run.id, (r) => r.status === 'SUCCEEDED');
    expect(node(done, 'gate').output).toMatchObject({ decision: 'approve', by: 'olga', values: { ticket: 'CHG-7' } });
    expect(done.outputs).toEqual({ ticket: 'CHG-7' });

    const again = await api.gql(REJECT, { runId: run.id, nodeId: 'gate' }, operator);
    expect(errorCode(again)).toBe('CONFLICT');
    expect(await auditActions(run.id)).toEqual(expect.arrayContaining(['approveNode']));
  });

  it('rejects an approval: the node fails', async () => {
    const templateId = await createTemplate(api, admin, projectId, { ...APPROVAL, name: 'e2e-approval-reject' });
    const run = await start(templateId);
    await waitForRun(api, operator, run.id, (r) => r.status === 'WAITING');
    const rejected = await api.gql(REJECT, { runId: run.id, nodeId: 'gate', comment: 'not today' }, operator);
    expect(rejected.errors).toBeUndefined();
    const failed = await waitForRun(api, operator, run.id, (r) => r.status === 'FAILED');
    expect(node(failed, 'gate')).toMatchObject({ status: 'FAILED' });
    expect(node(failed, 'gate').details.approval).toMatchObject({ decision: 'reject', comment: 'not today' });
  });

  it('force-fails a running shell.exec (onFailure manual), then a retry runs it again', async () => {
    const templateId = await createTemplate(api, admin, projectId, STUCK);
    const run = await start(templateId);
    await waitForRun(api, operator, run.id, (r) => node(r, 'stuck')?.status === 'RUNNING');
    const byViewer = await api.gql(FORCE_FAIL, { runId: run.id, nodeId: 'stuck' }, viewer);
    expect(errorCode(byViewer)).toBe('FORBIDDEN');
    const notRunning = await api.gql(FORCE_FAIL, { runId: run.id, nodeId: 'after' }, operator);
    expect(errorCode(notRunning)).toBe('CONFLICT');

    const startedAt = Date.now();
    const forced = await api.gql<{ forceFailNode: RunView }>(
      FORCE_FAIL,
      { runId: run.id, nodeId: 'stuck', reason: 'hung' },
      operator,
    );
    expect(forced.errors).toBeUndefined();
    expect(node(forced.data!.forceFailNode, 'stuck')).toMatchObject({
      status: 'FAILED',
      waitingFor: 'operator',
      error: { type: 'ForcedFailure', message: 'forced to fail by olga: hung' },
    });
    expect(Date.now() - startedAt).toBeLessThan(10_000);
    const waiting = await waitForRun(api, operator, run.id, (r) => r.status === 'WAITING');
    expect(node(waiting, 'stuck').status).toBe('FAILED');

    let retried = await api.gql(RETRY, { runId: run.id, nodeId: 'stuck', with: { command: 'echo ok' } }, operator);
    for (let i = 0; i < 40 && errorCode(retried) === 'CONFLICT'; i++) {
      // The cancelled activity may still be on its way out.
      await new Promise((resolve) => setTimeout(resolve, 500));
      retried = await api.gql(RETRY, { runId: run.id, nodeId: 'stuck', with: { command: 'echo ok' } }, operator);
    }
    expect(retried.errors).toBeUndefined();
    const done = await waitForRun(api, operator, run.id, (r) => r.status === 'SUCCEEDED');
    expect(node(done, 'stuck')).toMatchObject({ status: 'SUCCEEDED', executions: 2, output: { stdout: 'ok\n' } });
    expect(await auditActions(run.id)).toEqual(expect.arrayContaining(['forceFailNode', 'retryNode']));
  });

  it('pauses the run at a breakpoint before a node; clearBreakpoint removes another', async () => {
    const templateId = await createTemplate(api, admin, projectId, BREAKPOINTS);
    const run = await start(templateId);
    await waitForRun(api, operator, run.id, (r) => node(r, 'first')?.status === 'RUNNING');
    const marked = await api.gql<{ pauseAtNode: RunView }>(
      nodeOp('pauseAtNode'),
      { runId: run.id, nodeId: 'second' },
      operator,
    );
    expect(marked.errors).toBeUndefined();
    expect(node(marked.data!.pauseAtNode, 'second').details).toMatchObject({ breakpoint: true });
    expect((await api.gql(nodeOp('pauseAtNode'), { runId: run.id, nodeId: 'third' }, operator)).errors).toBeUndefined();
    const cleared = await api.gql<{ clearBreakpoint: RunView }>(
      nodeOp('clearBreakpoint'),
      { runId: run.id, nodeId: 'third' },
      operator,
    );
    expect(cleared.errors).toBeUndefined();
    expect(node(cleared.data!.clearBreakpoint, 'third').details?.breakpoint ?? false).toBe(false);
    const tooLate = await api.gql(nodeOp('pauseAtNode'), { runId: run.id, nodeId: 'first' }, operator);
    expect(errorCode(tooLate)).toBe('CONFLICT');

    const paused = await waitForRun(api, operator, run.id, (r) => r.status === 'PAUSED');
    expect(nodeStatuses(paused)).toEqual({ first: 'SUCCEEDED', second: 'PENDING', third: 'PENDING' });
    expect(paused.paused).toMatchObject({ nodeId: 'second' });
    expect(paused.waitingOn).toEqual([expect.objectContaining({ kind: 'breakpoint', nodeId: 'second' })]);
    expect((await api.gql(RESUME, { id: run.id }, operator)).errors).toBeUndefined();
    const done = await waitForRun(api, operator, run.id, (r) => r.status === 'SUCCEEDED');
    expect(nodeStatuses(done)).toEqual({ first: 'SUCCEEDED', second: 'SUCCEEDED', third: 'SUCCEEDED' });
  });

  it('reruns from a node reusing the outputs before it, and clones a run', async () => {
    const templateId = await createTemplate(api, admin, projectId, BUILD_DEPLOY);
    const first = await start(templateId, { inputs: { tag: 'v1' } });
    const done = await waitForRun(api, operator, first.id, (r) => r.status === 'SUCCEEDED');
    expect(node(done, 'build').output).toMatchObject({ stdout: 'built-v1\n' });

    const unknown = await api.gql(RERUN, { runId: first.id, fromNodes: ['nope'] }, operator);
    expect(errorCode(unknown)).toBe('BAD_USER_INPUT');
    expect(unknown.errors![0].extensions!.problems).toEqual([
      { path: 'fromNodes[0]', message: 'no node "nope" in this version' },
    ]);
    expect(errorCode(await api.gql(RERUN, { runId: first.id }, viewer))).toBe('FORBIDDEN');

    const rerun = await api.gql<{ rerunRun: RunView }>(
      RERUN,
      { runId: first.id, fromNodes: ['deploy'], inputs: { tag: 'v2' } },
      operator,
    );
    expect(rerun.errors).toBeUndefined();
    const second = rerun.data!.rerunRun;
    expect(second.id).not.toBe(first.id);
    expect(second).toMatchObject({ templateId, version: 1, inputs: { tag: 'v2' }, startedBy: 'olga' });
    const rerunDone = await waitForRun(api, operator, second.id, (r) => r.status === 'SUCCEEDED');
    expect(node(rerunDone, 'build')).toMatchObject({ status: 'SUCCEEDED', output: { stdout: 'built-v1\n' } });
    expect(node(rerunDone, 'build').details).toMatchObject({ reused: true });
    expect(node(rerunDone, 'deploy').output).toEqual({ artifact: 'built-v1\n', tag: 'v2' });
    expect(node(rerunDone, 'deploy').details?.reused ?? false).toBe(false);

    // From the first node: nothing is reused.
    const fromStart = await api.gql<{ rerunRun: RunView }>(RERUN, { runId: first.id, fromNodes: ['build'] }, operator);
    expect(fromStart.errors).toBeUndefined();
    const fresh = await waitForRun(api, operator, fromStart.data!.rerunRun.id, (r) => r.status === 'SUCCEEDED');
    expect(node(fresh, 'build').details?.reused ?? false).toBe(false);
    expect(node(fresh, 'build').output).toMatchObject({ stdout: 'built-v1\n' });

    const cloned = await api.gql<{ cloneRun: RunView }>(CLONE, { runId: second.id }, operator);
    expect(cloned.errors).toBeUndefined();
    expect(cloned.data!.cloneRun).toMatchObject({ templateId, version: 1, inputs: { tag: 'v2' } });
    const cloneDone = await waitForRun(api, operator, cloned.data!.cloneRun.id, (r) => r.status === 'SUCCEEDED');
    expect(node(cloneDone, 'build').details?.reused ?? false).toBe(false);
    expect(node(cloneDone, 'build').output).toMatchObject({ stdout: 'built-v2\n' });

    // The replay corpus: a rerun that reused a node, and a clone.
    const client = (await testTemporal()).client;
    await recordHistory(client.workflow.getHandle(second.temporalWorkflowId), 'rerun-reused');
    await recordHistory(client.workflow.getHandle(cloneDone.temporalWorkflowId), 'cloned-run');

    expect(await auditActions(second.id)).toEqual(['rerunRun']);
    expect(await auditActions(cloned.data!.cloneRun.id)).toEqual(['cloneRun']);
  });

  it('skips a failed exclusive gateway down the edge the operator names', async () => {
    const templateId = await createTemplate(api, admin, projectId, {
      name: 'e2e-gateway',
      nodes: [
        { id: 'route', type: 'gateway.exclusive', onFailure: 'manual' },
        { id: 'blue', type: 'builtin.noop' },
        { id: 'green', type: 'builtin.noop' },
      ],
      edges: [
        { from: 'route', to: 'blue', when: 'false' },
        { from: 'route', to: 'green', when: 'false' },
      ],
    });
    const run = await start(templateId);
    await waitForRun(api, operator, run.id, (r) => r.status === 'WAITING');
    const wrong = await api.gql(SKIP, { runId: run.id, nodeId: 'route', takeEdgeTo: 'red' }, operator);
    expect(errorCode(wrong)).toBe('CONFLICT');
    expect(wrong.errors![0].message).toBe('cannot skip node "route": it has no edge to "red"');
    expect(
      (await api.gql(SKIP, { runId: run.id, nodeId: 'route', takeEdgeTo: 'green' }, operator)).errors,
    ).toBeUndefined();
    const done = await waitForRun(api, operator, run.id, (r) => r.status === 'SUCCEEDED');
    expect(nodeStatuses(done)).toEqual({ route: 'SKIPPED', blue: 'SKIPPED', green: 'SUCCEEDED' });
  });

  it('passes an http(s) callbackUrl to the workflow', async () => {
    const templateId = await createTemplate(api, admin, projectId, {
      name: 'e2e-callback-ok',
      nodes: [{ id: 'work', type: 'shell.exec', with: { command: 'sleep 30' }, timeout: { heartbeat: '10s' } }],
    });
    const run = await start(templateId, { callbackUrl: 'https://hooks.example.com/switchyard?x=1' });
    const handle = (await testPlatformClient()).workflow.getHandle(run.temporalWorkflowId);
    try {
      const history = await handle.fetchHistory();
      const encrypted = history.events![0].workflowExecutionStartedEventAttributes!.input!.payloads![0];
      const [payload] = await new EncryptionCodec(testPayloadKeyring()).decode([encrypted]);
      const input = defaultPayloadConverter.fromPayload<InterpreterInput>(payload);
      expect(input.callback).toEqual({ url: 'https://hooks.example.com/switchyard?x=1' });
      expect(input.reuse).toBeUndefined();
    } finally {
      await handle.terminate('test over');
    }
  });

  it('refuses a callbackUrl that is not http(s)', async () => {
    const templateId = await createTemplate(api, admin, projectId, { ...BREAKPOINTS, name: 'e2e-callback' });
    for (const callbackUrl of ['ftp://example.com/hook', 'not a url', 'file:///etc/passwd']) {
      const refused = await api.gql(START_RUN, { input: { templateId, callbackUrl } }, operator);
      expect(errorCode(refused)).toBe('BAD_USER_INPUT');
      expect(refused.errors![0].extensions!.problems).toEqual([
        { path: 'input.callbackUrl', message: expect.stringContaining('http or https') },
      ]);
    }
    const [{ count }] = await queryDatabase<{ count: string }>(
      api.db.url,
      'SELECT count(*) FROM runs WHERE template_id = $1',
      [templateId],
    );
    expect(Number(count)).toBe(0);
  });
});
