/**
 * The worker's progress recorder against the real PostgreSQL: batching, coalescing, notifications,
 * failure handling and the terminal guard. Reports are fed to the sink function the way the
 * worker calls it; the end-to-end path through a real worker is covered by runs.spec.ts.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { WorkflowInfo } from '@temporalio/workflow';
import { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../src/database/data-source';
import { createProgressSinks, type ProgressRecorder } from '../../src/runs/progress-recorder';
import type { NodeState, ProgressReport, RunStatus } from '../../workflows/contract';
import { createTestDatabase, queryDatabase, type TestDatabase } from './support/database';

interface ListenClient {
  connect(): Promise<void>;
  query(sql: string): Promise<unknown>;
  end(): Promise<void>;
  on(event: 'notification', listener: (message: { channel: string; payload: string }) => void): void;
}
const { Client } = createRequire(__filename)('pg') as {
  Client: new (config: { connectionString: string }) => ListenClient;
};

const INFO = {} as WorkflowInfo;
const T0 = '2026-01-01T00:00:00.000Z';

function node(id: string, status: NodeState['status'], extra: Partial<NodeState> = {}): NodeState {
  return { id, type: 'builtin.noop', status, attempts: status === 'PENDING' ? 0 : 1, executions: 1, ...extra };
}

function report(runId: string, status: RunStatus, nodes: NodeState[], full = false): ProgressReport {
  return {
    runId,
    workflowId: `wf-${runId}`,
    full,
    run: {
      runId,
      status,
      vars: {},
      startedAt: T0,
      ...(status === 'SUCCEEDED' ? { endedAt: T0, outputs: { ok: true } } : {}),
    },
    nodes,
  } as ProgressReport;
}

describe('progress recorder', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let listener: ListenClient;
  const notifications: string[] = [];
  let projectId: string;
  let templateId: string;
  let versionId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await createDataSource(db.url).initialize();
    listener = new Client({ connectionString: db.url });
    await listener.connect();
    listener.on('notification', (message) => notifications.push(message.payload));
    await listener.query('LISTEN switchyard_run_updated');
    [{ id: projectId }] = await dataSource.query(`INSERT INTO projects (name) VALUES ('p') RETURNING id`);
    [{ id: templateId }] = await dataSource.query(
      `INSERT INTO templates (project_id, name, latest_version, created_by) VALUES ($1, 't', 1, 'jest') RETURNING id`,
      [projectId],
    );
    [{ id: versionId }] = await dataSource.query(
      `INSERT INTO template_versions (template_id, version, definition, content_hash, author)
       VALUES ($1, 1, '{"name":"t","nodes":[]}', repeat('0', 64), 'jest') RETURNING id`,
      [templateId],
    );
  });

  afterAll(async () => {
    await listener?.end();
    await dataSource?.destroy();
    await db?.drop();
  });

  async function newRun(): Promise<string> {
    const id = randomUUID();
    await dataSource.query(
      `INSERT INTO runs (id, project_id, template_id, template_version_id, version, workflow_id, started_by)
       VALUES ($1, $2, $3, $4, 1, $5, 'jest')`,
      [id, projectId, templateId, versionId, `wf-${id}`],
    );
    return id;
  }

  const send = (recorder: ProgressRecorder, value: ProgressReport): void => {
    void recorder.sinks.progress.report.fn(INFO, value);
  };

  const nodesOf = (runId: string) =>
    queryDatabase<{ node_id: string; status: string; attempts: number; output: unknown; details: unknown }>(
      db.url,
      'SELECT node_id, status, attempts, output, details FROM node_runs WHERE run_id = $1 ORDER BY node_id',
      [runId],
    );

  const waitFor = async (predicate: () => boolean, timeoutMs = 5000) => {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  it('coalesces many reports into one write per flush, the latest state per node, and notifies once per run', async () => {
    const recorder = createProgressSinks(dataSource, { flushMs: 10_000 });
    const runId = await newRun();
    const other = await newRun();
    notifications.length = 0;
    send(recorder, report(runId, 'RUNNING', [node('a', 'PENDING'), node('b', 'PENDING')], true));
    for (let i = 1; i <= 50; i += 1) {
      send(recorder, report(runId, 'RUNNING', [node('a', 'RUNNING', { attempts: i })]));
    }
    send(recorder, report(runId, 'RUNNING', [node('a', 'SUCCEEDED', { attempts: 50, output: { n: 50 } })]));
    send(recorder, report(other, 'RUNNING', [node('x', 'RUNNING')], true));
    expect(await nodesOf(runId)).toEqual([]); // nothing written before the flush
    await recorder.flush();

    expect(recorder.stats).toMatchObject({ reports: 53, flushes: 1, failedFlushes: 0, nodeRows: 3, runRows: 2 });
    expect(await nodesOf(runId)).toEqual([
      { node_id: 'a', status: 'SUCCEEDED', attempts: 50, output: { n: 50 }, details: null },
      { node_id: 'b', status: 'PENDING', attempts: 0, output: null, details: null },
    ]);
    const [run] = await queryDatabase<{ status: string; started_at: Date }>(
      db.url,
      'SELECT status, started_at FROM runs WHERE id = $1',
      [runId],
    );
    expect(run.status).toBe('RUNNING');
    expect(run.started_at.toISOString()).toBe(T0);
    await waitFor(() => notifications.length >= 2);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(notifications.sort()).toEqual([runId, other].sort());

    // A report that changes nothing writes nothing and notifies nobody.
    notifications.length = 0;
    send(recorder, report(other, 'RUNNING', [node('x', 'RUNNING')], true));
    await recorder.flush();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(notifications).toEqual([]);
    await recorder.close();
  });

  it('flushes by itself after flushMs, and keeps a copy of each report as received', async () => {
    const recorder = createProgressSinks(dataSource, { flushMs: 50 });
    const runId = await newRun();
    const mutable = report(runId, 'RUNNING', [node('a', 'RUNNING', { input: { v: 1 } })], true);
    send(recorder, mutable);
    (mutable.nodes[0].input as { v: number }).v = 2;
    mutable.nodes[0].status = 'FAILED';
    await waitFor(() => recorder.stats.flushes === 1 && recorder.stats.nodeRows === 1);
    const [row] = await queryDatabase<{ status: string; input: unknown }>(
      db.url,
      'SELECT status, input FROM node_runs WHERE run_id = $1',
      [runId],
    );
    expect(row).toEqual({ status: 'RUNNING', input: { v: 1 } });
    await recorder.close();
  });

  it('ignores runs it has no row for (and ids that are not UUIDs) without losing the rest of the batch', async () => {
    const recorder = createProgressSinks(dataSource, { flushMs: 10_000 });
    const runId = await newRun();
    const unknown = randomUUID();
    send(recorder, report('cli-run-1', 'RUNNING', [node('a', 'RUNNING')], true));
    send(recorder, report(unknown, 'RUNNING', [node('a', 'RUNNING')], true));
    send(recorder, report(runId, 'RUNNING', [node('a', 'RUNNING')], true));
    await recorder.flush();
    expect(recorder.stats.failedFlushes).toBe(0);
    expect(await nodesOf(runId)).toHaveLength(1);
    expect(await nodesOf(unknown)).toEqual([]);
    await recorder.close();
  });

  it('survives a failing database: logs, keeps the reports (newer ones win) and writes them on a later flush', async () => {
    const warnings: string[] = [];
    const recorder = createProgressSinks(dataSource, {
      flushMs: 20,
      maxRetryMs: 100,
      logger: { warn: (message) => warnings.push(message) },
    });
    const runId = await newRun();
    await dataSource.query(`
      CREATE FUNCTION refuse_node_runs() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'database says no'; END $$ LANGUAGE plpgsql;
      CREATE TRIGGER refuse BEFORE INSERT OR UPDATE ON node_runs FOR EACH ROW EXECUTE FUNCTION refuse_node_runs();`);
    try {
      send(recorder, report(runId, 'RUNNING', [node('a', 'RUNNING'), node('b', 'PENDING')], true));
      await waitFor(() => recorder.stats.failedFlushes >= 2);
      send(recorder, report(runId, 'RUNNING', [node('a', 'SUCCEEDED')]));
      await waitFor(() => recorder.stats.failedFlushes >= 3);
      expect(warnings[0]).toBe('Could not record run progress; retrying');
      expect(await nodesOf(runId)).toEqual([]);
    } finally {
      await dataSource.query('DROP TRIGGER refuse ON node_runs; DROP FUNCTION refuse_node_runs();');
    }
    await waitFor(() => recorder.stats.nodeRows === 2, 5000);
    expect((await nodesOf(runId)).map((row) => [row.node_id, row.status])).toEqual([
      ['a', 'SUCCEEDED'],
      ['b', 'PENDING'],
    ]);
    await recorder.close();
  });

  it('never reopens a finished run, keeps what the columns do not hold in details, and counts metrics once', async () => {
    const registry = new Registry();
    const recorder = createProgressSinks(dataSource, { flushMs: 10_000, registry });
    const runId = await newRun();
    const done = node('a', 'SUCCEEDED', {
      startedAt: '2026-01-01T00:00:00.000Z',
      endedAt: '2026-01-01T00:00:02.500Z',
      reused: true,
    });
    send(recorder, report(runId, 'SUCCEEDED', [done], true));
    await recorder.flush();
    // A late report from another worker (older state) arrives after the end.
    send(recorder, report(runId, 'RUNNING', [], false));
    await recorder.flush();
    // The same final report again (a full report after a worker restart) counts nothing twice.
    send(recorder, report(runId, 'SUCCEEDED', [done], true));
    await recorder.flush();

    const [run] = await queryDatabase<{ status: string; outputs: unknown }>(
      db.url,
      'SELECT status, outputs FROM runs WHERE id = $1',
      [runId],
    );
    expect(run).toEqual({ status: 'SUCCEEDED', outputs: { ok: true } });
    expect((await nodesOf(runId))[0].details).toEqual({ reused: true });
    const metrics = await registry.getMetricsAsJSON();
    const finished = metrics.find((metric) => metric.name === 'switchyard_runs_finished_total')!;
    expect(finished.values).toEqual([expect.objectContaining({ labels: { status: 'SUCCEEDED' }, value: 1 })]);
    const durations = metrics.find((metric) => metric.name === 'switchyard_node_duration_seconds')!;
    const sum = durations.values.find((value) => (value as { metricName?: string }).metricName?.endsWith('_sum'));
    expect(sum).toMatchObject({ labels: { type: 'builtin.noop', status: 'SUCCEEDED' }, value: 2.5 });
    await recorder.close();
  });

  it('drops reports after close', async () => {
    const recorder = createProgressSinks(dataSource, { flushMs: 10 });
    const runId = await newRun();
    await recorder.close();
    send(recorder, report(runId, 'RUNNING', [node('a', 'RUNNING')], true));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(recorder.stats.reports).toBe(0);
    expect(await nodesOf(runId)).toEqual([]);
  });
});
