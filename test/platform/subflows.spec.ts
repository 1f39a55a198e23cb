/**
 * Subflows end to end (issue 4 section 1): templates calling templates three deep through the
 * real API (fresh PostgreSQL database) and a real worker on the real Temporal dev server. A manual
 * failure in the deepest child makes the top run WAITING and is retried (or skipped) from the top
 * run over GraphQL, with RBAC and the audit log; approvals and force-fail reach child runs the same
 * way; child runs get rows of their own; cycles are refused.
 */
import { errorCode, type TestApp } from './support/app';
import { queryDatabase } from './support/database';
import { Fixtures } from './support/fixtures';
import { startPlatform, type TestPlatform } from './support/platform';
import { createTemplate, RUN_FIELDS, type RunView, waitForRun as pollRun } from './support/runs';

const FIELDS =
  RUN_FIELDS.replace(
    'waitingFor }',
    'waitingFor details childRun { id status templateId templateName version temporalWorkflowId } }',
  ) + ' waitingOn parentRunId parentNodeId subflows';
const START_RUN = `mutation($input: StartRunInput!) { startRun(input: $input) { ${FIELDS} } }`;
const RETRY = `mutation($runId: ID!, $nodeId: String!, $with: JSON) {
  retryNode(runId: $runId, nodeId: $nodeId, with: $with) { ${FIELDS} } }`;
const SKIP = `mutation($runId: ID!, $nodeId: String!) { skipNode(runId: $runId, nodeId: $nodeId) { ${FIELDS} } }`;
const UPDATE = `mutation($input: UpdateTemplateInput!) { updateTemplate(input: $input) { id } }`;
const APPROVE = `mutation($runId: ID!, $nodeId: String!) {
  approveNode(runId: $runId, nodeId: $nodeId, comment: "from the top") { ${FIELDS} } }`;
const FORCE_FAIL = `mutation($runId: ID!, $nodeId: String!) {
  forceFailNode(runId: $runId, nodeId: $nodeId, reason: "stuck") { ${FIELDS} } }`;

const node = (run: RunView, id: string) => run.nodes.find((n) => n.nodeId === id)!;

const leaf = (command: string) => ({
  name: 'sf-leaf',
  inputs: { label: { type: 'string', default: 'none' } },
  nodes: [
    {
      id: 'flaky',
      type: 'shell.exec',
      with: { command },
      retry: { maximumAttempts: 1 },
      onFailure: 'manual',
    },
    { id: 'done', type: 'builtin.noop', with: { label: '${inputs.label}' } },
  ],
  edges: [{ from: 'flaky', to: 'done' }],
  outputs: { label: '${nodes.done.output.label}' },
});

const MIDDLE = {
  name: 'sf-middle',
  inputs: { label: { type: 'string' } },
  nodes: [{ id: 'sub_b', type: 'subflow', with: { template: 'sf-leaf', inputs: { label: 'mid-${inputs.label}' } } }],
  outputs: { label: '${nodes.sub_b.output.label}' },
};

const TOP = {
  name: 'sf-top',
  inputs: { label: { type: 'string', default: 'x' } },
  nodes: [
    { id: 'sub_a', type: 'subflow', with: { template: 'sf-middle', version: 1, inputs: { label: '${inputs.label}' } } },
    { id: 'after', type: 'builtin.noop', with: { got: '${nodes.sub_a.output.label}' } },
  ],
  edges: [{ from: 'sub_a', to: 'after' }],
  outputs: { got: '${nodes.after.output.got}' },
};

describe('subflows', () => {
  let api: TestApp;
  let platform: TestPlatform;
  let fixtures: Fixtures;
  let projectId: string;
  let admin: string;
  let operator: string;
  let viewer: string;
  let topId: string;

  beforeAll(async () => {
    platform = await startPlatform({ queue: 'subflows-e2e', sharedMetrics: true, worker: { registrar: true } });
    api = platform.api;
    fixtures = new Fixtures(api);
    admin = await fixtures.admin();
    projectId = await fixtures.project('subflows');
    operator = await fixtures.user('olga');
    viewer = await fixtures.user('vera');
    await fixtures.member(projectId, 'olga', 'OPERATOR');
    await fixtures.member(projectId, 'vera', 'VIEWER');

    const leafId = await createTemplate(api, admin, projectId, leaf('echo v1'));
    // v2 is the latest when the run starts: `version: latest` (the default) must pick it.
    const updated = await api.gql(UPDATE, { input: { id: leafId, definition: leaf('exit 3') } }, admin);
    expect(updated.errors).toBeUndefined();
    await createTemplate(api, admin, projectId, MIDDLE);
    topId = await createTemplate(api, admin, projectId, TOP);
  });

  afterAll(() => platform?.close());

  async function start(token = operator): Promise<RunView> {
    const result = await api.gql<{ startRun: RunView }>(
      START_RUN,
      { input: { templateId: topId, inputs: { label: 'hi' } } },
      token,
    );
    if (!result.data?.startRun) throw new Error(`startRun: ${JSON.stringify(result.errors)}`);
    return result.data.startRun;
  }

  const waitForRun = (id: string, predicate: (run: RunView) => boolean, timeoutMs = 60_000): Promise<RunView> =>
    pollRun(api, viewer, id, predicate, { timeoutMs, intervalMs: 150, fields: FIELDS });

  async function auditActions(runId: string): Promise<Array<{ action: string; nodeId: string }>> {
    return queryDatabase<{ action: string; nodeId: string }>(
      api.db.url,
      `SELECT action, detail -> 'args' ->> 'nodeId' AS "nodeId" FROM audit_log WHERE resource_id = $1 ORDER BY id`,
      [runId],
    );
  }

  it('approves and force-fails nodes of a child run by their path from the top run', async () => {
    await createTemplate(api, admin, projectId, {
      name: 'sf-gate',
      nodes: [
        { id: 'gate', type: 'approval', with: { message: 'go on?' } },
        { id: 'hang', type: 'shell.exec', with: { command: 'sleep 60' } },
      ],
      edges: [{ from: 'gate', to: 'hang' }],
    });
    const gatedId = await createTemplate(api, admin, projectId, {
      name: 'sf-gated',
      nodes: [{ id: 'call', type: 'subflow', with: { template: 'sf-gate' } }],
    });
    const started = await api.gql<{ startRun: RunView }>(START_RUN, { input: { templateId: gatedId } }, operator);
    const top = started.data!.startRun;
    const waiting = await waitForRun(top.id, (r) => r.status === 'WAITING');
    expect(waiting.waitingOn).toEqual([expect.objectContaining({ kind: 'approval', nodeId: 'call/gate' })]);

    const refused = await api.gql(APPROVE, { runId: top.id, nodeId: 'call/gate' }, viewer);
    expect(errorCode(refused)).toBe('FORBIDDEN');
    const approved = await api.gql<{ approveNode: RunView }>(APPROVE, { runId: top.id, nodeId: 'call/gate' }, operator);
    expect(approved.errors).toBeUndefined();
    const childId = node(waiting, 'call').childRun.id;
    const child = await waitForRun(childId, (r) => node(r, 'hang')?.status === 'RUNNING');
    expect(node(child, 'gate')).toMatchObject({
      status: 'SUCCEEDED',
      output: expect.objectContaining({ decision: 'approve', by: 'olga', comment: 'from the top' }),
    });

    const failed = await api.gql<{ forceFailNode: RunView }>(
      FORCE_FAIL,
      { runId: top.id, nodeId: 'call/hang' },
      operator,
    );
    expect(failed.errors).toBeUndefined();
    const ended = await waitForRun(top.id, (r) => r.status === 'FAILED');
    expect(node(ended, 'call').status).toBe('FAILED');
    expect(node(await waitForRun(childId, (r) => r.status === 'FAILED'), 'hang').error).toEqual({
      type: 'ForcedFailure',
      message: expect.stringContaining('stuck'),
    });
    expect(await auditActions(top.id)).toEqual(
      expect.arrayContaining([
        { action: 'approveNode', nodeId: 'call/gate' },
        { action: 'forceFailNode', nodeId: 'call/hang' },
      ]),
    );
  });

  it('runs three deep; a manual failure in the deepest child is retried from the top run', async () => {
    const run = await start();
    expect(run.subflows).toEqual({
      sub_a: {
        templateId: expect.any(String),
        templateName: 'sf-middle',
        version: 1,
        subflows: { sub_b: { templateId: expect.any(String), templateName: 'sf-leaf', version: 2 } },
      },
    });

    const waiting = await waitForRun(run.id, (r) => r.status === 'WAITING');
    expect(waiting.waitingOn).toEqual([expect.objectContaining({ kind: 'operator', nodeId: 'sub_a/sub_b/flaky' })]);
    expect(node(waiting, 'sub_a').childRun).toMatchObject({
      templateName: 'sf-middle',
      version: 1,
      temporalWorkflowId: `${run.temporalWorkflowId}/sub_a`,
    });

    // Child runs have rows of their own, linked to their parent, and stay out of the runs list.
    const middle = await waitForRun(node(waiting, 'sub_a').childRun.id, (r) => node(r, 'sub_b')?.childRun != null);
    expect(middle).toMatchObject({ parentRunId: run.id, parentNodeId: 'sub_a', templateName: 'sf-middle' });
    const leafRun = await waitForRun(node(middle, 'sub_b').childRun.id, (r) => node(r, 'flaky')?.status === 'FAILED');
    expect(leafRun).toMatchObject({
      parentRunId: middle.id,
      version: 2,
      inputs: { label: 'mid-hi' },
      status: 'WAITING',
    });
    expect(node(leafRun, 'flaky').waitingFor).toBe('operator');
    const list = await api.gql<{ runs: { nodes: Array<{ id: string }> } }>(
      'query($projectId: ID!) { runs(projectId: $projectId) { nodes { id } } }',
      { projectId },
      viewer,
    );
    const listed = list.data!.runs.nodes.map((r) => r.id);
    expect(listed).toContain(run.id);
    expect(listed).not.toContain(middle.id);
    expect(listed).not.toContain(leafRun.id);

    // RBAC: a viewer may not retry; a path through a node that is no running subflow is refused.
    const byViewer = await api.gql(RETRY, { runId: run.id, nodeId: 'sub_a/sub_b/flaky' }, viewer);
    expect(errorCode(byViewer)).toBe('FORBIDDEN');
    const wrongPath = await api.gql(RETRY, { runId: run.id, nodeId: 'after/flaky' }, operator);
    expect(errorCode(wrongPath)).toBe('CONFLICT');
    expect(wrongPath.errors![0].message).toContain('"after" is PENDING, not a subflow with a running child run');
    const badPath = await api.gql(RETRY, { runId: run.id, nodeId: 'sub_a//flaky' }, operator);
    expect(errorCode(badPath)).toBe('BAD_USER_INPUT');
    const notFailed = await api.gql(RETRY, { runId: run.id, nodeId: 'sub_a/sub_b/done' }, operator);
    expect(errorCode(notFailed)).toBe('CONFLICT');

    const retried = await api.gql(
      RETRY,
      { runId: run.id, nodeId: 'sub_a/sub_b/flaky', with: { command: 'echo fixed' } },
      operator,
    );
    expect(retried.errors).toBeUndefined();
    const done = await waitForRun(run.id, (r) => r.status === 'SUCCEEDED');
    expect(done.outputs).toEqual({ got: 'mid-hi' });
    expect(done.waitingOn ?? []).toEqual([]);
    expect(node(done, 'sub_a').childRun).toMatchObject({ id: middle.id, status: 'SUCCEEDED' });
    const leafDone = await waitForRun(leafRun.id, (r) => r.status === 'SUCCEEDED');
    expect(node(leafDone, 'flaky')).toMatchObject({ status: 'SUCCEEDED', executions: 2 });
    expect(node(leafDone, 'flaky').output.stdout).toContain('fixed');

    // Audited on the top run, with the nested path.
    expect(await auditActions(run.id)).toEqual(
      expect.arrayContaining([{ action: 'retryNode', nodeId: 'sub_a/sub_b/flaky' }]),
    );
  });

  it('skips the failed node deep inside from the top run; the tree finishes', async () => {
    const run = await start();
    await waitForRun(run.id, (r) => r.status === 'WAITING');
    const skipped = await api.gql(SKIP, { runId: run.id, nodeId: 'sub_a/sub_b/flaky' }, operator);
    expect(skipped.errors).toBeUndefined();
    const done = await waitForRun(run.id, (r) => r.status === 'SUCCEEDED');
    expect(done.outputs).toEqual({ got: 'mid-hi' });
    expect(await auditActions(run.id)).toEqual(
      expect.arrayContaining([{ action: 'skipNode', nodeId: 'sub_a/sub_b/flaky' }]),
    );
  });

  it('refuses a template version that would include itself, directly or through others', async () => {
    const aId = await createTemplate(api, admin, projectId, {
      name: 'sf-cyc-a',
      nodes: [{ id: 'x', type: 'builtin.noop' }],
    });
    await createTemplate(api, admin, projectId, {
      name: 'sf-cyc-b',
      nodes: [{ id: 'call_a', type: 'subflow', with: { template: 'sf-cyc-a' } }],
    });
    const through = await api.gql(
      UPDATE,
      {
        input: {
          id: aId,
          definition: {
            name: 'sf-cyc-a',
            nodes: [
              { id: 'x', type: 'builtin.noop' },
              { id: 'call_b', type: 'subflow', with: { template: 'sf-cyc-b' } },
            ],
          },
        },
      },
      admin,
    );
    expect(errorCode(through)).toBe('BAD_USER_INPUT');
    expect(through.errors![0].extensions!.problems).toEqual([
      {
        path: 'nodes[1].with.template',
        message: 'subflow cycle: sf-cyc-a -> sf-cyc-b -> sf-cyc-a: a template may not include itself',
      },
    ]);
    const direct = await api.gql(
      UPDATE,
      {
        input: {
          id: aId,
          definition: { name: 'sf-cyc-a', nodes: [{ id: 'me', type: 'subflow', with: { template: aId } }] },
        },
      },
      admin,
    );
    expect(errorCode(direct)).toBe('BAD_USER_INPUT');
    expect(direct.errors![0].extensions!.problems).toEqual([
      {
        path: 'nodes[0].with.template',
        message: 'subflow cycle: sf-cyc-a -> sf-cyc-a: a template may not include itself',
      },
    ]);
    const unknown = await api.gql(
      'mutation($input: CreateTemplateInput!) { createTemplate(input: $input) { id } }',
      {
        input: {
          projectId,
          definition: { name: 'sf-dangling', nodes: [{ id: 'call', type: 'subflow', with: { template: 'nope' } }] },
        },
      },
      admin,
    );
    expect(errorCode(unknown)).toBe('BAD_USER_INPUT');
    expect(unknown.errors![0].extensions!.problems).toEqual([
      { path: 'nodes[0].with.template', message: 'no template "nope" in this project' },
    ]);
  });
});
