/**
 * Schedules end to end: the real API (fresh PostgreSQL database) and a real worker in this
 * process with the scheduled-run registrar in front of the progress recorder (as `src/worker.ts`
 * wires them), on the real Temporal dev server; GraphQL over HTTP. Every schedule a test creates
 * is deleted through the API at the end, and checked gone from Temporal.
 */
import { randomUUID } from 'node:crypto';
import { type Client, ScheduleNotFoundError } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import type { DataSource } from 'typeorm';
import { createPluginActivities } from '../../activities/plugin-activities';
import { createBuiltinRegistry } from '../../plugins';
import { createDataSource } from '../../src/database/data-source';
import { createProgressSinks } from '../../src/runs/progress-recorder';
import { createScheduledRunRegistrar } from '../../src/runs/scheduled-run-registrar';
import { SchedulesService } from '../../src/schedules/schedules.service';
import type { InterpreterInput, ProgressReport } from '../../workflows/contract';
import { testTemporal, testWorkflowBundle, uniqueTaskQueue } from '../support/temporal';
import { createTestActivities } from '../support/test-activities';
import { errorCode, startTestApp, type TestApp } from './support/app';
import { queryDatabase } from './support/database';
import { Fixtures } from './support/fixtures';
import { createTemplate, type RunView } from './support/runs';
import { recordHistory } from '../support/runs';

const SCHEDULE_FIELDS = `
  id projectId templateId templateName name version followLatest actionVersion
  spec { cron timezone intervalSeconds at } inputs overlap catchupWindowSeconds temporalScheduleId createdBy
  paused note nextActionTimes recentActions { scheduledAt takenAt runId workflowId } runningRunIds
  actionCount skippedOverlapCount missedCatchupWindowCount temporalUiUrl
`;
/** What the specs read of a scheduled run (a lighter list than the runs specs', within the query cost limit). */
const SCHEDULED_RUN_FIELDS = `
  id projectId templateId templateName version status inputs startedBy startedAt endedAt
  temporalWorkflowId temporalRunId scheduleId nodes { nodeId status output }
`;
const CREATE = `mutation($input: CreateScheduleInput!) { createSchedule(input: $input) { ${SCHEDULE_FIELDS} } }`;
const UPDATE = `mutation($input: UpdateScheduleInput!) { updateSchedule(input: $input) { ${SCHEDULE_FIELDS} } }`;
const SCHEDULE = `query($id: ID!) { schedule(id: $id) { ${SCHEDULE_FIELDS} } }`;
const SCHEDULES = `query($p: ID!) { schedules(projectId: $p) { ${SCHEDULE_FIELDS} } }`;
const PAUSE = `mutation($id: ID!, $note: String) { pauseSchedule(id: $id, note: $note) { ${SCHEDULE_FIELDS} } }`;
const RESUME = `mutation($id: ID!) { resumeSchedule(id: $id) { ${SCHEDULE_FIELDS} } }`;
const TRIGGER = `mutation($id: ID!) { triggerSchedule(id: $id) { ${SCHEDULE_FIELDS} } }`;
const BACKFILL = `mutation($id: ID!, $from: DateTime!, $to: DateTime!) {
  backfillSchedule(id: $id, from: $from, to: $to) { ${SCHEDULE_FIELDS} } }`;
const DELETE = `mutation($id: ID!) { deleteSchedule(id: $id) }`;
const RUNS = `query($p: ID!, $by: String) { runs(projectId: $p, startedBy: $by, first: 30) { nodes { ${SCHEDULED_RUN_FIELDS} } } }`;
const AUDIT = `query($p: ID!) { auditLog(projectId: $p, first: 200) { nodes { action outcome errorCode actor resourceType resourceId } } }`;

/** One quick step that echoes its input: a scheduled run of it finishes in well under a second. */
const QUICK = {
  name: 'e2e-quick',
  inputs: { greeting: { type: 'string', default: 'hello' } },
  nodes: [{ id: 'say', type: 'builtin.noop', with: { greeting: '${inputs.greeting}', by: '${run.startedBy}' } }],
  edges: [],
};

/** One step taking four seconds, so firings every two seconds overlap. */
const SLOW = {
  name: 'e2e-slow-sched',
  nodes: [{ id: 'wait', type: 'shell.exec', with: { command: 'sleep 4' } }],
  edges: [],
};

interface ScheduleView {
  id: string;
  name: string;
  paused: boolean;
  note: string | null;
  actionVersion: number | null;
  temporalScheduleId: string;
  nextActionTimes: string[];
  recentActions: Array<{ scheduledAt: string; takenAt: string; runId: string; workflowId: string }>;
  runningRunIds: string[];
  actionCount: number;
  skippedOverlapCount: number;
  [key: string]: any;
}

type ScheduledRun = RunView & { scheduleId: string | null };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A worker wired as `startWorkerProcess` wires it: registrar -> progress recorder -> PostgreSQL. */
async function startScheduleWorker(databaseUrl: string, taskQueue: string) {
  const env = await testTemporal();
  const dataSource: DataSource = await createDataSource(databaseUrl).initialize();
  const recorder = createProgressSinks(dataSource, { flushMs: 100 });
  const registrar = createScheduledRunRegistrar(dataSource, (report) => {
    void recorder.sinks.progress.report.fn(undefined as never, report);
  });
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: testWorkflowBundle(),
    activities: {
      ...createTestActivities().activities,
      ...createPluginActivities({ registry: createBuiltinRegistry() }),
    },
    sinks: registrar.sinks,
  });
  const running = worker.run();
  return {
    registrar,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await registrar.close();
      await recorder.close();
      await dataSource.destroy();
    },
  };
}

describe('schedules', () => {
  let api: TestApp;
  let temporal: Client;
  let worker: Awaited<ReturnType<typeof startScheduleWorker>>;
  let projectId: string;
  let admin: string;
  let editor: string;
  let operator: string;
  let viewer: string;
  let outsider: string;
  let quick: string;
  let slow: string;
  let evolving: string;
  const created = new Map<string, string>(); // schedule id -> Temporal schedule id

  beforeAll(async () => {
    temporal = (await testTemporal()).client;
    const taskQueue = uniqueTaskQueue('schedules-e2e');
    api = await startTestApp({
      config: {
        temporal: { address: process.env.SWITCHYARD_TEST_TEMPORAL_ADDRESS, namespace: 'default', taskQueue },
        logLevel: 'warn',
        // Only the start-up sweep: the spec runs the sweep itself where it checks it.
        ...({ schedules: { sweepIntervalSeconds: 3600 } } as object),
      },
    });
    worker = await startScheduleWorker(api.db.url, taskQueue);
    const fixtures = new Fixtures(api);
    admin = await fixtures.admin();
    projectId = await fixtures.project('operations');
    const elsewhere = await fixtures.project('elsewhere');
    editor = await fixtures.user('edith');
    operator = await fixtures.user('otto');
    viewer = await fixtures.user('vera');
    outsider = await fixtures.user('oskar');
    await fixtures.member(projectId, 'edith', 'EDITOR');
    await fixtures.member(projectId, 'otto', 'OPERATOR');
    await fixtures.member(projectId, 'vera', 'VIEWER');
    await fixtures.member(elsewhere, 'oskar', 'OWNER');
    quick = await createTemplate(api, editor, projectId, QUICK);
    slow = await createTemplate(api, editor, projectId, SLOW);
    evolving = await createTemplate(api, editor, projectId, { ...QUICK, name: 'e2e-evolving' });
  });

  afterAll(async () => {
    // Delete whatever a failed test left behind, then make sure Temporal has none of them.
    for (const id of created.keys()) if (api) await api.gql(DELETE, { id }, admin);
    for (const temporalId of created.values()) {
      if (!temporal) break;
      await expect(temporal.schedule.getHandle(temporalId).describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
    }
    await worker?.stop();
    await api?.close();
  });

  async function create(input: Record<string, unknown>, token = editor): Promise<ScheduleView> {
    const result = await api.gql<{ createSchedule: ScheduleView }>(CREATE, { input }, token);
    if (!result.data?.createSchedule) throw new Error(`createSchedule: ${JSON.stringify(result.errors)}`);
    created.set(result.data.createSchedule.id, result.data.createSchedule.temporalScheduleId);
    return result.data.createSchedule;
  }

  async function remove(schedule: ScheduleView): Promise<void> {
    const deleted = await api.gql<{ deleteSchedule: string }>(DELETE, { id: schedule.id }, editor);
    expect(deleted.data?.deleteSchedule).toBe(schedule.id);
    created.delete(schedule.id);
    await expect(temporal.schedule.getHandle(schedule.temporalScheduleId).describe()).rejects.toBeInstanceOf(
      ScheduleNotFoundError,
    );
  }

  async function read(id: string, token = editor): Promise<ScheduleView> {
    const result = await api.gql<{ schedule: ScheduleView }>(SCHEDULE, { id }, token);
    if (!result.data?.schedule) throw new Error(`schedule: ${JSON.stringify(result.errors)}`);
    return result.data.schedule;
  }

  async function runsOf(name: string): Promise<ScheduledRun[]> {
    const result = await api.gql<{ runs: { nodes: ScheduledRun[] } }>(
      RUNS,
      { p: projectId, by: `schedule:${name}` },
      viewer,
    );
    if (!result.data?.runs) throw new Error(`runs: ${JSON.stringify(result.errors)}`);
    return result.data.runs.nodes;
  }

  /** Polls the runs a schedule started until `predicate` holds. */
  async function waitForRuns(
    name: string,
    predicate: (runs: ScheduledRun[]) => boolean,
    timeoutMs = 30_000,
  ): Promise<ScheduledRun[]> {
    const deadline = Date.now() + timeoutMs;
    let runs: ScheduledRun[] = [];
    while (Date.now() < deadline) {
      runs = await runsOf(name);
      if (predicate(runs)) return runs;
      await sleep(250);
    }
    throw new Error(`runs of schedule:${name} never matched; last: ${JSON.stringify(runs.map((r) => r.status))}`);
  }

  const succeeded = (runs: ScheduledRun[]) => runs.filter((run) => run.status === 'SUCCEEDED');

  /** The template version in the Temporal Schedule's action, read from Temporal itself. */
  async function actionVersionInTemporal(temporalScheduleId: string): Promise<number | undefined> {
    const description = await temporal.schedule.getHandle(temporalScheduleId).describe();
    return (description.action.args?.[0] as InterpreterInput | undefined)?.run.templateVersion;
  }

  it('fires on a short interval: each firing is a normal run recorded with its schedule; pause stops it, resume restarts it', async () => {
    const schedule = await create({
      templateId: quick,
      name: 'every-2s',
      spec: { intervalSeconds: 2 },
      inputs: { greeting: 'tick' },
    });
    expect(schedule).toMatchObject({
      projectId,
      templateId: quick,
      templateName: 'e2e-quick',
      name: 'every-2s',
      version: null,
      followLatest: true,
      actionVersion: 1,
      spec: { cron: null, timezone: null, intervalSeconds: 2, at: null },
      inputs: { greeting: 'tick' },
      overlap: 'SKIP',
      catchupWindowSeconds: null,
      createdBy: 'edith',
      paused: false,
    });
    expect(schedule.temporalScheduleId).toBe(`e2e-quick-sched-every-2s-${schedule.id.slice(0, 8)}`);
    expect(schedule.temporalUiUrl).toContain(`/schedules/${schedule.temporalScheduleId}`);
    expect(schedule.nextActionTimes.length).toBeGreaterThan(0);
    for (const time of schedule.nextActionTimes) expect(new Date(time).getTime() % 2000).toBe(0);

    // What Temporal holds: the interpreter on our task queue, the compiled plan, an empty run id.
    const described = await temporal.schedule.getHandle(schedule.temporalScheduleId).describe();
    expect(described.policies.overlap).toBe('SKIP');
    expect(described.action).toMatchObject({ workflowType: 'interpreter', workflowId: schedule.temporalScheduleId });
    expect((described.action.args?.[0] as InterpreterInput).run).toEqual({
      id: '',
      startedAt: '',
      startedBy: 'schedule:every-2s',
      projectId,
      templateId: quick,
      templateVersion: 1,
      scheduleId: schedule.id,
    });

    const runs = await waitForRuns('every-2s', (found) => succeeded(found).length >= 2);
    for (const run of succeeded(runs)) {
      expect(run).toMatchObject({
        projectId,
        templateId: quick,
        templateName: 'e2e-quick',
        version: 1,
        status: 'SUCCEEDED',
        inputs: { greeting: 'tick' },
        startedBy: 'schedule:every-2s',
        scheduleId: schedule.id,
        temporalRunId: run.id,
      });
      expect(run.temporalWorkflowId.startsWith(`${schedule.temporalScheduleId}-`)).toBe(true);
      expect(run.nodes).toEqual([
        expect.objectContaining({
          nodeId: 'say',
          status: 'SUCCEEDED',
          output: { greeting: 'tick', by: 'schedule:every-2s' },
        }),
      ]);
    }
    // The run is readable on its own, and Temporal's recent actions are these runs.
    const one = await api.gql(`query($id: ID!) { run(id: $id) { id scheduleId } }`, { id: runs[0].id }, viewer);
    expect(one.data.run).toEqual({ id: runs[0].id, scheduleId: schedule.id });
    const live = await read(schedule.id, viewer);
    expect(live.actionCount).toBeGreaterThanOrEqual(2);
    const recentRunIds = live.recentActions.map((action) => action.runId);
    expect(recentRunIds).toEqual(
      expect.arrayContaining(
        succeeded(runs)
          .map((run) => run.id)
          .slice(0, 1),
      ),
    );

    // Pause: no more firings. A firing taken just before the pause may still land: settle, then count.
    const paused = await api.gql<{ pauseSchedule: ScheduleView }>(
      PAUSE,
      { id: schedule.id, note: 'maintenance' },
      editor,
    );
    expect(paused.data?.pauseSchedule).toMatchObject({ paused: true, note: 'maintenance', nextActionTimes: [] });
    expect(errorCode(await api.gql(PAUSE, { id: schedule.id }, editor))).toBe('CONFLICT');
    await sleep(1500);
    const before = (await read(schedule.id)).actionCount;
    const runsBefore = (await runsOf('every-2s')).length;
    await sleep(5000);
    expect((await read(schedule.id)).actionCount).toBe(before);
    expect((await runsOf('every-2s')).length).toBe(runsBefore);

    // Resume: firing again.
    const resumed = await api.gql<{ resumeSchedule: ScheduleView }>(RESUME, { id: schedule.id }, editor);
    expect(resumed.data?.resumeSchedule).toMatchObject({ paused: false });
    expect(errorCode(await api.gql(RESUME, { id: schedule.id }, editor))).toBe('CONFLICT');
    await waitForRuns('every-2s', (found) => succeeded(found).length >= runsBefore + 1);

    await remove(schedule);
    // The runs stay; the link to the deleted schedule goes.
    expect(errorCode(await api.gql(SCHEDULE, { id: schedule.id }, editor))).toBe('NOT_FOUND');
    const after = await runsOf('every-2s');
    expect(after.length).toBeGreaterThanOrEqual(runsBefore + 1);
    expect(after.every((run) => run.scheduleId === null)).toBe(true);
  });

  it('triggers a run by hand at once, even from a yearly cron in a time zone', async () => {
    const schedule = await create({
      templateId: quick,
      name: 'new-year',
      spec: { cron: '0 0 1 1 *', timezone: 'Europe/Paris' },
    });
    expect(schedule.spec).toEqual({ cron: '0 0 1 1 *', timezone: 'Europe/Paris', intervalSeconds: null, at: null });
    // Midnight on January 1st in Paris is 23:00 UTC (winter time).
    expect(schedule.nextActionTimes[0]).toMatch(/-12-31T23:00:00\.000Z$/);
    expect(schedule.actionCount).toBe(0);

    const started = Date.now();
    const triggered = await api.gql<{ triggerSchedule: ScheduleView }>(TRIGGER, { id: schedule.id }, editor);
    expect(triggered.errors).toBeUndefined();
    const [run] = await waitForRuns('new-year', (found) => succeeded(found).length === 1, 15_000);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(run).toMatchObject({ scheduleId: schedule.id, inputs: { greeting: 'hello' }, status: 'SUCCEEDED' });
    await recordHistory(temporal.workflow.getHandle(run.temporalWorkflowId), 'scheduled-run');
    const live = await read(schedule.id);
    expect(live.actionCount).toBe(1);
    expect(live.recentActions.map((action) => action.runId)).toEqual([run.id]);
    await remove(schedule);
  });

  it('backfills a past window: one run per firing time, recorded like the others', async () => {
    const schedule = await create({
      templateId: quick,
      name: 'backfilled',
      spec: { intervalSeconds: 2 },
      paused: true,
    });
    expect(schedule.paused).toBe(true);
    const from = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 180_000); // a whole minute, 2-3 minutes ago
    const to = new Date(from.getTime() + 5000);

    // A window the wrong way round, in the future, or too large is refused.
    const reversed = await api.gql(BACKFILL, { id: schedule.id, from: to, to: from }, editor);
    expect(reversed.errors?.[0].extensions?.problems).toEqual([{ path: 'to', message: 'must be after from' }]);
    const future = await api.gql(BACKFILL, { id: schedule.id, from, to: new Date(Date.now() + 60_000) }, editor);
    expect(errorCode(future)).toBe('BAD_USER_INPUT');
    const huge = await api.gql(BACKFILL, { id: schedule.id, from: new Date(Date.now() - 86_400_000), to }, editor);
    expect(huge.errors?.[0].extensions?.problems?.[0].message).toContain('backfill at most 1000');

    const result = await api.gql<{ backfillSchedule: ScheduleView }>(BACKFILL, { id: schedule.id, from, to }, editor);
    expect(result.errors).toBeUndefined();
    const runs = await waitForRuns('backfilled', (found) => succeeded(found).length === 3);
    const times = [0, 2000, 4000].map((offset) =>
      new Date(from.getTime() + offset).toISOString().replace('.000Z', 'Z'),
    );
    expect(runs.map((run) => run.temporalWorkflowId).sort()).toEqual(
      times.map((time) => `${schedule.temporalScheduleId}-${time}`),
    );
    expect(runs.every((run) => run.scheduleId === schedule.id)).toBe(true);
    const live = await read(schedule.id);
    expect(live.recentActions.map((action) => action.scheduledAt)).toEqual(
      [0, 2000, 4000].map((offset) => new Date(from.getTime() + offset).toISOString()),
    );
    // Still paused: nothing fired besides the backfill.
    await sleep(2500);
    expect((await runsOf('backfilled')).length).toBe(3);
    await remove(schedule);
  });

  it('skips firings while a run still runs (overlap SKIP, the default)', async () => {
    const schedule = await create({ templateId: slow, name: 'overlapping', spec: { intervalSeconds: 2 } });
    expect(schedule.overlap).toBe('SKIP');
    const runs = await waitForRuns('overlapping', (found) => succeeded(found).length >= 2, 40_000);
    await api.gql(PAUSE, { id: schedule.id }, editor);
    const live = await read(schedule.id);
    expect(live.skippedOverlapCount).toBeGreaterThanOrEqual(2);
    const finished = succeeded(runs).sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
    for (let i = 1; i < finished.length; i += 1) {
      // Never two at once: each run started after the one before had ended.
      expect(Date.parse(finished[i].startedAt)).toBeGreaterThanOrEqual(Date.parse(finished[i - 1].endedAt));
    }
    await remove(schedule);
  });

  it('follows the latest template version when one is published, and pauses when it refuses the inputs', async () => {
    const following = await create({
      templateId: evolving,
      name: 'follower',
      spec: { cron: '0 3 * * *' },
      inputs: { greeting: 'v' },
    });
    const pinned = await create({ templateId: evolving, name: 'pinned', version: 1, spec: { cron: '0 3 * * *' } });
    expect(pinned).toMatchObject({ version: 1, followLatest: false, actionVersion: 1 });

    const publish = async (definition: object) => {
      const result = await api.gql(
        'mutation($input: UpdateTemplateInput!) { updateTemplate(input: $input) { latestVersion { version } } }',
        { input: { id: evolving, definition } },
        editor,
      );
      expect(result.errors).toBeUndefined();
    };
    await publish({
      ...QUICK,
      name: 'e2e-evolving',
      description: 'v2',
      nodes: [{ ...QUICK.nodes[0], name: 'Say it' }],
    });

    // Temporal's own copy of the action moves to v2 without any read through the API.
    const deadline = Date.now() + 10_000;
    while ((await actionVersionInTemporal(following.temporalScheduleId)) !== 2 && Date.now() < deadline)
      await sleep(100);
    expect(await actionVersionInTemporal(following.temporalScheduleId)).toBe(2);
    expect(await actionVersionInTemporal(pinned.temporalScheduleId)).toBe(1);
    expect((await read(following.id)).actionVersion).toBe(2);
    expect((await read(pinned.id)).actionVersion).toBe(1);

    // Version 3 needs an input the schedule does not give: the follower pauses and says why.
    await publish({
      ...QUICK,
      name: 'e2e-evolving',
      inputs: { ...QUICK.inputs, region: { type: 'string' } },
      nodes: [{ ...QUICK.nodes[0], with: { greeting: '${inputs.greeting}', region: '${inputs.region}' } }],
    });
    let stalled = await read(following.id);
    for (let i = 0; i < 40 && !stalled.paused; i += 1) {
      await sleep(250);
      stalled = await read(following.id);
    }
    expect(stalled).toMatchObject({ paused: true, actionVersion: 2 });
    expect(stalled.note).toContain('Template version 3 refuses');
    expect(stalled.note).toContain('inputs.region');
    const refused = await api.gql(TRIGGER, { id: following.id }, editor);
    expect(errorCode(refused)).toBe('BAD_USER_INPUT');
    expect(refused.errors?.[0].extensions?.problems).toEqual([
      { path: 'inputs.region', message: 'required input is missing' },
    ]);

    // Given the input, it runs v3 again and can be resumed.
    const updated = await api.gql<{ updateSchedule: ScheduleView }>(
      UPDATE,
      { input: { id: following.id, inputs: { greeting: 'v', region: 'eu' } } },
      editor,
    );
    expect(updated.data?.updateSchedule).toMatchObject({ actionVersion: 3, paused: true, inputs: { region: 'eu' } });
    expect(await actionVersionInTemporal(following.temporalScheduleId)).toBe(3);
    const resumed = await api.gql<{ resumeSchedule: ScheduleView }>(RESUME, { id: following.id }, editor);
    expect(resumed.data?.resumeSchedule.paused).toBe(false);

    // Pinning and following again through updateSchedule.
    const pinnedNow = await api.gql<{ updateSchedule: ScheduleView }>(
      UPDATE,
      { input: { id: pinned.id, followLatest: true, inputs: { region: 'us' } } },
      editor,
    );
    expect(pinnedNow.data?.updateSchedule).toMatchObject({ version: null, followLatest: true, actionVersion: 3 });
    const repinned = await api.gql<{ updateSchedule: ScheduleView }>(
      UPDATE,
      { input: { id: pinned.id, version: 1, inputs: {} } },
      editor,
    );
    expect(repinned.data?.updateSchedule).toMatchObject({ version: 1, followLatest: false, actionVersion: 1 });

    const audit = await api.gql(AUDIT, { p: projectId }, admin);
    expect(audit.data.auditLog.nodes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'followTemplateVersion', actor: 'system', resourceId: following.id }),
        expect.objectContaining({ action: 'pauseSchedule', actor: 'system', resourceId: following.id }),
      ]),
    );
    await remove(following);
    await remove(pinned);
  });

  it('catches up without the publication hook: on read, in the sweep; and pauses schedules of archived templates', async () => {
    const templateId = await createTemplate(api, editor, projectId, { ...QUICK, name: 'e2e-behind' });
    const onRead = await create({ templateId, name: 'behind-read', spec: { cron: '0 5 * * *' } });
    const onSweep = await create({ templateId, name: 'behind-sweep', spec: { cron: '0 5 * * *' } });
    // A version published behind the API's back (another process, say): no subscriber hears it.
    await queryDatabase(
      api.db.url,
      `INSERT INTO template_versions (template_id, version, definition, content_hash, author)
       VALUES ($1, 2, $2, repeat('b', 64), 'elsewhere')`,
      [templateId, JSON.stringify({ ...QUICK, name: 'e2e-behind', description: 'published elsewhere' })],
    );
    await queryDatabase(api.db.url, 'UPDATE templates SET latest_version = 2 WHERE id = $1', [templateId]);
    await sleep(500);
    expect(await actionVersionInTemporal(onSweep.temporalScheduleId)).toBe(1);

    // Reading one schedule brings that one up to date...
    expect((await read(onRead.id)).actionVersion).toBe(2);
    expect(await actionVersionInTemporal(onRead.temporalScheduleId)).toBe(2);
    // ...and the sweep (at start, then every minute) the others.
    await api.app.get(SchedulesService).sweep();
    expect(await actionVersionInTemporal(onSweep.temporalScheduleId)).toBe(2);

    // An archived template starts no new runs: the sweep pauses its schedules, and they cannot be resumed.
    const archived = await api.gql(
      'mutation($id: ID!) { archiveTemplate(id: $id) { id } }',
      { id: templateId },
      editor,
    );
    expect(archived.errors).toBeUndefined();
    await api.app.get(SchedulesService).sweep();
    const paused = await read(onRead.id);
    expect(paused.paused).toBe(true);
    expect(paused.note).toContain('archived');
    expect(errorCode(await api.gql(RESUME, { id: onRead.id }, editor))).toBe('CONFLICT');
    expect(errorCode(await api.gql(TRIGGER, { id: onSweep.id }, editor))).toBe('CONFLICT');
    await remove(onRead);
    await remove(onSweep);
  });

  it('refuses invalid schedules with every problem and its path, and leaves nothing behind', async () => {
    const base = { templateId: quick, name: 'invalid', spec: { intervalSeconds: 60 } };
    const problemsOf = async (input: Record<string, unknown>) => {
      const result = await api.gql(CREATE, { input }, editor);
      expect(errorCode(result)).toBe('BAD_USER_INPUT');
      return result.errors![0].extensions!.problems as Array<{ path: string; message: string }>;
    };
    expect(await problemsOf({ ...base, inputs: { greeting: 3, extra: true } })).toEqual(
      expect.arrayContaining([
        { path: 'inputs.extra', message: expect.stringContaining('unknown input') },
        { path: 'inputs.greeting', message: expect.any(String) },
      ]),
    );
    expect(await problemsOf({ ...base, spec: { cron: '61 * * * *' } })).toEqual([
      { path: 'spec.cron', message: expect.stringContaining('Minute') },
    ]);
    expect(await problemsOf({ ...base, spec: { cron: 'every day' } })).toEqual([
      { path: 'spec.cron', message: expect.any(String) },
    ]);
    expect(await problemsOf({ ...base, spec: { cron: '0 3 * * *', timezone: 'Mars/Olympus' } })).toEqual([
      { path: 'spec.timezone', message: 'unknown time zone "Mars/Olympus"' },
    ]);
    expect(await problemsOf({ ...base, spec: { cron: '0 3 * * *', intervalSeconds: 5 } })).toEqual([
      { path: 'spec', message: expect.stringContaining('only one of') },
    ]);
    expect(await problemsOf({ ...base, spec: {} })).toEqual([
      { path: 'spec', message: expect.stringContaining('one of') },
    ]);
    expect(await problemsOf({ ...base, spec: { at: new Date(Date.now() - 60_000).toISOString() } })).toEqual([
      { path: 'spec.at', message: 'must be in the future' },
    ]);
    expect(await problemsOf({ ...base, name: 'Not A Slug' })).toEqual([{ path: 'name', message: expect.any(String) }]);
    expect(await problemsOf({ ...base, version: 1, followLatest: true })).toEqual([
      { path: 'followLatest', message: expect.any(String) },
    ]);
    expect(await problemsOf({ ...base, catchupWindowSeconds: 5 })).toEqual([
      { path: 'catchupWindowSeconds', message: expect.any(String) },
    ]);
    expect(errorCode(await api.gql(CREATE, { input: { ...base, version: 9 } }, editor))).toBe('NOT_FOUND');
    expect(await queryDatabase(api.db.url, "SELECT id FROM schedules WHERE name = 'invalid'")).toEqual([]);

    // A one-off time, another overlap policy and a catch-up window reach Temporal as given.
    const at = new Date(Math.ceil(Date.now() / 1000) * 1000 + 3_600_000);
    const once = await create({
      ...base,
      name: 'once',
      spec: { at: at.toISOString() },
      overlap: 'ALLOW_ALL',
      catchupWindowSeconds: 120,
    });
    expect(once).toMatchObject({ spec: { at: at.toISOString() }, overlap: 'ALLOW_ALL', catchupWindowSeconds: 120 });
    expect(once.nextActionTimes).toEqual([at.toISOString()]);
    const described = await temporal.schedule.getHandle(once.temporalScheduleId).describe();
    expect(described.policies).toMatchObject({ overlap: 'ALLOW_ALL', catchupWindow: 120_000 });
    const duplicate = await api.gql(CREATE, { input: { ...base, name: 'once' } }, editor);
    expect(errorCode(duplicate)).toBe('CONFLICT');
    const badUpdate = await api.gql(UPDATE, { input: { id: once.id, spec: { cron: '* * *' } } }, editor);
    expect(errorCode(badUpdate)).toBe('BAD_USER_INPUT');
    expect((await read(once.id)).spec.at).toBe(at.toISOString());
    await remove(once);
  });

  it('fires a one-off start time once, then has nothing left to do', async () => {
    const at = new Date(Math.ceil(Date.now() / 1000) * 1000 + 4000);
    const schedule = await create({ templateId: quick, name: 'one-off', spec: { at: at.toISOString() } });
    expect(schedule.nextActionTimes).toEqual([at.toISOString()]);
    const [run] = await waitForRuns('one-off', (found) => succeeded(found).length === 1, 20_000);
    expect(run).toMatchObject({ scheduleId: schedule.id, status: 'SUCCEEDED', startedBy: 'schedule:one-off' });
    expect(run.temporalWorkflowId).toBe(`${schedule.temporalScheduleId}-${at.toISOString().replace('.000Z', 'Z')}`);
    const live = await read(schedule.id);
    expect(live).toMatchObject({ actionCount: 1, nextActionTimes: [] });
    await sleep(1500);
    expect((await runsOf('one-off')).length).toBe(1);
    await remove(schedule);
  });

  it('accepts each of the six overlap policies and a catch-up window, at creation and in an update', async () => {
    const policies = ['SKIP', 'BUFFER_ONE', 'BUFFER_ALL', 'CANCEL_OTHER', 'TERMINATE_OTHER', 'ALLOW_ALL'];
    for (const [index, overlap] of policies.entries()) {
      const schedule = await create({
        templateId: quick,
        name: `overlap-${index}`,
        spec: { cron: '0 6 * * *', timezone: 'America/New_York' },
        overlap,
        catchupWindowSeconds: 60 * (index + 1),
        paused: true,
      });
      expect(schedule).toMatchObject({ overlap, catchupWindowSeconds: 60 * (index + 1), paused: true });
      const described = await temporal.schedule.getHandle(schedule.temporalScheduleId).describe();
      expect(described.policies).toMatchObject({ overlap, catchupWindow: 60_000 * (index + 1) });
      expect(described.spec.timezone).toBe('America/New_York');
      const next = policies[(index + 1) % policies.length];
      const updated = await api.gql<{ updateSchedule: ScheduleView }>(
        UPDATE,
        { input: { id: schedule.id, overlap: next, catchupWindowSeconds: 600 } },
        editor,
      );
      expect(updated.data?.updateSchedule).toMatchObject({ overlap: next, catchupWindowSeconds: 600 });
      const redescribed = await temporal.schedule.getHandle(schedule.temporalScheduleId).describe();
      expect(redescribed.policies).toMatchObject({ overlap: next, catchupWindow: 600_000 });
      await remove(schedule);
    }
    const unknown = await api.gql(
      CREATE,
      { input: { templateId: quick, name: 'overlap-x', spec: { cron: '0 6 * * *' }, overlap: 'SOMETIMES' } },
      editor,
    );
    expect(unknown.errors).toBeDefined();
  });

  it('lets editors manage schedules and viewers see them, and audits every change', async () => {
    const schedule = await create({ templateId: quick, name: 'guarded', spec: { cron: '0 4 * * *' }, paused: true });

    // Viewers (and operators) read...
    const listed = await api.gql<{ schedules: ScheduleView[] }>(SCHEDULES, { p: projectId }, viewer);
    expect(listed.data?.schedules.map((s) => s.name)).toContain('guarded');
    expect((await read(schedule.id, viewer)).name).toBe('guarded');
    expect((await read(schedule.id, operator)).name).toBe('guarded');
    // ...but do not manage.
    for (const token of [viewer, operator]) {
      const denied = await api.gql(
        CREATE,
        { input: { templateId: quick, name: 'nope', spec: { cron: '0 4 * * *' } } },
        token,
      );
      expect(errorCode(denied)).toBe('FORBIDDEN');
      expect(errorCode(await api.gql(TRIGGER, { id: schedule.id }, token))).toBe('FORBIDDEN');
      expect(errorCode(await api.gql(RESUME, { id: schedule.id }, token))).toBe('FORBIDDEN');
      expect(errorCode(await api.gql(PAUSE, { id: schedule.id }, token))).toBe('FORBIDDEN');
      const window = { id: schedule.id, from: new Date(Date.now() - 120_000), to: new Date(Date.now() - 60_000) };
      expect(errorCode(await api.gql(BACKFILL, window, token))).toBe('FORBIDDEN');
      expect(errorCode(await api.gql(DELETE, { id: schedule.id }, token))).toBe('FORBIDDEN');
      expect(errorCode(await api.gql(UPDATE, { input: { id: schedule.id, inputs: {} } }, token))).toBe('FORBIDDEN');
    }
    // Outside the project, schedules do not exist.
    expect(errorCode(await api.gql(SCHEDULE, { id: schedule.id }, outsider))).toBe('NOT_FOUND');
    expect(errorCode(await api.gql(SCHEDULES, { p: projectId }, outsider))).toBe('NOT_FOUND');
    expect(errorCode(await api.gql(DELETE, { id: schedule.id }, outsider))).toBe('NOT_FOUND');
    expect((await read(schedule.id)).paused).toBe(true);

    await api.gql(RESUME, { id: schedule.id }, editor);
    await api.gql(PAUSE, { id: schedule.id, note: 'again' }, editor);
    await remove(schedule);

    const audit = await api.gql(AUDIT, { p: projectId }, admin);
    const entries = (audit.data.auditLog.nodes as Array<Record<string, unknown>>).filter(
      (entry) => entry.resourceId === schedule.id,
    );
    expect(entries).toEqual(
      expect.arrayContaining([
        {
          action: 'createSchedule',
          outcome: 'SUCCESS',
          errorCode: null,
          actor: 'edith',
          resourceType: 'schedule',
          resourceId: schedule.id,
        },
        {
          action: 'resumeSchedule',
          outcome: 'SUCCESS',
          errorCode: null,
          actor: 'edith',
          resourceType: 'schedule',
          resourceId: schedule.id,
        },
        {
          action: 'pauseSchedule',
          outcome: 'SUCCESS',
          errorCode: null,
          actor: 'edith',
          resourceType: 'schedule',
          resourceId: schedule.id,
        },
        {
          action: 'deleteSchedule',
          outcome: 'SUCCESS',
          errorCode: null,
          actor: 'edith',
          resourceType: 'schedule',
          resourceId: schedule.id,
        },
        {
          action: 'triggerSchedule',
          outcome: 'DENIED',
          errorCode: 'FORBIDDEN',
          actor: 'vera',
          resourceType: 'schedule',
          resourceId: schedule.id,
        },
        {
          action: 'deleteSchedule',
          outcome: 'DENIED',
          errorCode: 'FORBIDDEN',
          actor: 'otto',
          resourceType: 'schedule',
          resourceId: schedule.id,
        },
      ]),
    );
    const deniedCreate = (audit.data.auditLog.nodes as Array<Record<string, unknown>>).find(
      (entry) => entry.action === 'createSchedule' && entry.actor === 'vera',
    );
    expect(deniedCreate).toMatchObject({ outcome: 'DENIED', errorCode: 'FORBIDDEN' });
  });

  it('logged no error along the way', () => {
    const errors = api.logs.entries().filter((entry) => (entry.level as number) >= 50);
    expect(errors).toEqual([]);
  });

  describe('scheduled-run registrar', () => {
    let dataSource: DataSource;
    let versionOne: { projectId: string; templateId: string };

    beforeAll(async () => {
      dataSource = await createDataSource(api.db.url).initialize();
      versionOne = { projectId, templateId: quick };
    });
    afterAll(() => dataSource?.destroy());

    const scheduleRow = async (): Promise<string> => {
      const id = randomUUID();
      await dataSource.query(
        // Pinned and paused: the API's sweep leaves it alone (Temporal has no such schedule).
        `INSERT INTO schedules (id, project_id, template_id, name, version, action_version, paused, spec,
                                temporal_schedule_id, created_by)
         VALUES ($1, $2, $3, $4, 1, 1, true, '{"intervalSeconds": 60}', $5, 'test')`,
        [id, projectId, quick, `registrar-${id.slice(0, 8)}`, `registrar-${id}`],
      );
      return id;
    };

    const fullReport = (runId: string, scheduleId: string, version = 1): ProgressReport => ({
      runId,
      workflowId: `registrar-${runId}`,
      full: true,
      start: {
        info: {
          id: runId,
          startedAt: '2026-01-02T03:04:05.000Z',
          startedBy: 'schedule:registrar',
          ...versionOne,
          templateVersion: version,
          scheduleId,
        },
        inputs: { greeting: 'from-registrar' },
      },
      run: { runId, status: 'RUNNING', vars: {}, waitingOn: [], startedAt: '2026-01-02T03:04:05.000Z' },
      nodes: [],
    });

    it('records a scheduled run once, before its reports reach the recorder, in their order', async () => {
      const scheduleId = await scheduleRow();
      const runId = randomUUID();
      const forwarded: Array<{ runId: string; full: boolean; rowExists: Promise<boolean> }> = [];
      const rowExists = async (id: string) =>
        (await dataSource.query('SELECT 1 FROM runs WHERE id = $1', [id])).length > 0;
      const registrar = createScheduledRunRegistrar(dataSource, (report) => {
        // Looked at the moment the report is passed on: is the row there for the recorder?
        forwarded.push({ runId: report.runId, full: report.full, rowExists: rowExists(report.runId) });
      });
      const first = fullReport(runId, scheduleId);
      registrar.report(first);
      registrar.report({ ...first, full: false, start: undefined });
      // Another run, not scheduled, passes at once.
      const other = {
        ...first,
        runId: randomUUID(),
        start: { ...first.start!, info: { ...first.start!.info, scheduleId: undefined } },
      };
      registrar.report(other);
      expect(forwarded.map((entry) => entry.runId)).toEqual([other.runId]);
      await registrar.close();
      const settled = await Promise.all(
        forwarded.map(async (entry) => ({ ...entry, rowExists: await entry.rowExists })),
      );
      expect(settled).toEqual([
        { runId: other.runId, full: true, rowExists: false },
        { runId, full: true, rowExists: true },
        { runId, full: false, rowExists: true },
      ]);
      const [row] = await queryDatabase(
        api.db.url,
        `SELECT r.project_id, r.template_id, r.version, r.workflow_id, r.temporal_run_id, r.status, r.inputs, r.started_by,
                r.started_at, s.schedule_id
           FROM runs r LEFT JOIN schedule_runs s ON s.run_id = r.id WHERE r.id = $1`,
        [runId],
      );
      expect(row).toMatchObject({
        project_id: projectId,
        template_id: quick,
        version: 1,
        workflow_id: `registrar-${runId}`,
        temporal_run_id: runId,
        status: 'RUNNING',
        inputs: { greeting: 'from-registrar' },
        started_by: 'schedule:registrar',
        schedule_id: scheduleId,
      });
      expect(new Date(row.started_at as string).toISOString()).toBe('2026-01-02T03:04:05.000Z');
      expect(registrar.stats).toEqual({ registered: 1, known: 0, failed: 0 });

      // Another worker (or this one after a restart) replays the run: the row is there, nothing changes.
      const restarted = createScheduledRunRegistrar(dataSource, () => undefined);
      restarted.report(first);
      await restarted.close();
      expect(restarted.stats).toEqual({ registered: 0, known: 1, failed: 0 });
      const count = await queryDatabase(api.db.url, 'SELECT count(*)::int AS n FROM runs WHERE id = $1', [runId]);
      expect(count).toEqual([{ n: 1 }]);
    });

    it('passes on the reports of a run it cannot record (no such version), and records nothing', async () => {
      const scheduleId = await scheduleRow();
      const runId = randomUUID();
      const forwarded: string[] = [];
      const warnings: string[] = [];
      const registrar = createScheduledRunRegistrar(dataSource, (report) => void forwarded.push(report.runId), {
        logger: { warn: (message) => void warnings.push(message) },
      });
      registrar.report(fullReport(runId, scheduleId, 99));
      await registrar.close();
      expect(forwarded).toEqual([runId]);
      expect(registrar.stats).toEqual({ registered: 0, known: 0, failed: 1 });
      expect(warnings).toEqual([expect.stringContaining('does not exist')]);
      expect(await queryDatabase(api.db.url, 'SELECT id FROM runs WHERE id = $1', [runId])).toEqual([]);
    });
  });
});
