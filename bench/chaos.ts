/**
 * `npm run chaos` (issue #7 section 3): CHAOS_RUNS runs (default 100) of four mixed templates
 * started through GraphQL at a steady pace (CHAOS_PACE_MS, default 2.5 s) while a seeded scheduler (CHAOS_SEED) SIGKILLs the
 * worker CHAOS_KILLS times (default 20) and restarts it, restarts the Temporal dev server once
 * (same port and database file), restarts the API once, and makes PostgreSQL unavailable for
 * 10 s once (through a TCP proxy the platform connects through). The API and the worker are child
 * processes (`switchyard start --no-worker`, `switchyard worker`, from this checkout's sources).
 *
 * Afterwards: every run reaches the status its template implies; for every run and node the
 * database agrees with Temporal (the workflow's result); no node's side effect, as the ledger
 * plugin (bench/chaos/plugins/chaos-ledger) records it, ran more often than its retries allow;
 * nothing says RUNNING that is not. Writes bench/results/chaos.json; exits 1 when a check fails.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { Client as PgClient } from 'pg';
import { formatPayloadKeys, generatePayloadKey, type PayloadKeyring } from '../src/config/payload-keys';
import { startDevServer, freePort, type DevServer } from '../src/temporal/dev-server';
import { FAILURE_CONVERTER_PATH, payloadDataConverter } from '../src/temporal/payload-codec';
import type { RunState } from '../workflows/contract';
import { managedChild } from './chaos/child';
import { startPgProxy } from './chaos/pg-proxy';
import { CHAOS_TEMPLATES } from './chaos/templates';
import { createScratchDatabase } from './support/api';

const RUNS = Number(process.env.CHAOS_RUNS ?? 100);
const KILLS = Number(process.env.CHAOS_KILLS ?? 20);
const SEED = Number(process.env.CHAOS_SEED ?? 7);
const PACE_MS = Number(process.env.CHAOS_PACE_MS ?? 2500);
const OUTAGE_MS = Number(process.env.CHAOS_OUTAGE_MS ?? 10_000);
const DEADLINE_MS = Number(process.env.CHAOS_DEADLINE_MS ?? 600_000);
const ADMIN_PASSWORD = 'chaos-admin-password';
const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

/** mulberry32: a small seeded generator, so a seed replays the same schedule. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
const say = (text: string) => console.log(`[${elapsed()}] ${text}`);

interface StartedRun {
  id: string;
  workflowId: string;
  template: number;
}

interface LedgerEntry {
  runId: string;
  nodeId: string;
  attempt: number;
  pid: number;
  at: string;
}

async function main(): Promise<void> {
  const random = seeded(SEED);
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-chaos-'));
  const ledgerFile = join(dir, 'ledger.jsonl');
  writeFileSync(ledgerFile, '');
  say(`work dir ${dir}; ${RUNS} runs, ${KILLS} kills, seed ${SEED}`);

  // One bundle for every worker start: restarts cost seconds, not a re-bundle.
  const bundlePath = join(dir, 'workflow-bundle.js');
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    failureConverterPath: FAILURE_CONVERTER_PATH,
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} },
  });
  writeFileSync(bundlePath, code);

  const temporalPort = await freePort();
  const temporalDb = join(dir, 'temporal.sqlite');
  const startTemporal = () => startDevServer({ port: temporalPort, headless: true, dbFile: temporalDb });
  let temporal: DevServer = await startTemporal();
  say(`Temporal dev server at ${temporal.address} (db ${temporalDb})`);

  const database = await createScratchDatabase();
  const realUrl = new URL(database.url);
  const proxy = await startPgProxy({ host: realUrl.hostname, port: Number(realUrl.port || 5432) });
  const proxiedUrl = new URL(database.url);
  proxiedUrl.port = String(proxy.port);
  say(`PostgreSQL ${realUrl.pathname.slice(1)} through a proxy on port ${proxy.port}`);

  const keyring: PayloadKeyring = { keys: [generatePayloadKey('chaos')], source: 'explicit' };
  const apiPort = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    DATABASE_URL: proxiedUrl.toString(),
    TEMPORAL_ADDRESS: temporal.address,
    PORT: String(apiPort),
    SWITCHYARD_DATA_DIR: join(dir, 'data'),
    SWITCHYARD_PAYLOAD_KEYS: formatPayloadKeys(keyring.keys),
    SWITCHYARD_SECRETS_KEYS: `s1:${randomBytes(32).toString('base64')}`,
    SWITCHYARD_ADMIN_PASSWORD: ADMIN_PASSWORD,
    SWITCHYARD_CALLBACK_KEY: randomBytes(32).toString('base64url'),
    JWT_SECRET: randomBytes(48).toString('base64url'),
    SWITCHYARD_PLUGIN_DIRS: join(__dirname, 'chaos', 'plugins'),
    SWITCHYARD_WORKFLOW_BUNDLE: bundlePath,
    RECONCILE_INTERVAL: '5',
    LOG_LEVEL: 'warn',
    CHAOS_LEDGER_FILE: ledgerFile,
    CHAOS_SEED: String(SEED),
  };
  mkdirSync(join(dir, 'data'), { recursive: true });
  const api = managedChild({
    name: 'api',
    args: ['start', '--no-worker'],
    env,
    readyLine: /Switchyard is up/,
    logFile: join(dir, 'api.log'),
    autoRestart: true,
    restartDelayMs: 2000,
  });
  const worker = managedChild({
    name: 'worker',
    args: ['worker'],
    env,
    readyLine: /Worker serving task queue/,
    logFile: join(dir, 'worker.log'),
    autoRestart: true,
    restartDelayMs: 2000,
  });
  await api.start();
  await worker.start();
  say(`API on port ${apiPort} and a worker are up`);

  const baseUrl = `http://127.0.0.1:${apiPort}`;
  const gql = async (query: string, variables: Record<string, unknown>, token?: string): Promise<any> => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const response = await fetch(`${baseUrl}/graphql`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query, variables }),
    });
    return response.json();
  };
  const login = await gql('mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }', {
    u: 'admin',
    p: ADMIN_PASSWORD,
  });
  const token = login.data.login.token as string;
  const project = await gql('mutation { createProject(input: { name: "chaos" }) { id } }', {}, token);
  const templateIds: string[] = [];
  for (const template of CHAOS_TEMPLATES) {
    const created = await gql(
      'mutation($input: CreateTemplateInput!) { createTemplate(input: $input) { id } }',
      { input: { projectId: project.data.createProject.id, definition: template.definition } },
      token,
    );
    if (!created.data?.createTemplate) throw new Error(`createTemplate: ${JSON.stringify(created.errors)}`);
    templateIds.push(created.data.createTemplate.id as string);
  }

  // The chaos schedule: KILLS kills and the three restarts/outage, in a seeded order and at seeded gaps.
  const events: string[] = [...Array.from({ length: KILLS }, () => 'kill'), 'temporal', 'api', 'postgres'];
  for (let i = events.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [events[i], events[j]] = [events[j], events[i]];
  }
  const chaosLog: Array<{ event: string; at: string; detail?: string }> = [];
  let kills = 0;
  let startErrors = 0;
  const startErrorReasons = new Map<string, number>();
  const runs: StartedRun[] = [];

  const starting = (async () => {
    for (let i = 0; i < RUNS; i++) {
      const template = i % templateIds.length;
      const deadline = Date.now() + 120_000;
      for (;;) {
        try {
          const result = await gql(
            'mutation($input: StartRunInput!) { startRun(input: $input) { id temporalWorkflowId } }',
            { input: { templateId: templateIds[template] } },
            token,
          );
          if (!result.data?.startRun) throw new Error(JSON.stringify(result.errors));
          runs.push({ id: result.data.startRun.id, workflowId: result.data.startRun.temporalWorkflowId, template });
          break;
        } catch (err) {
          startErrors += 1;
          const reason = (err as Error).message.slice(0, 300);
          startErrorReasons.set(reason, (startErrorReasons.get(reason) ?? 0) + 1);
          if (Date.now() > deadline) throw new Error(`run ${i} could not start: ${(err as Error).message}`);
          await sleep(1000);
        }
      }
      await sleep(PACE_MS);
    }
    say(`${runs.length} runs started (${startErrors} start attempts failed and were retried)`);
  })();

  const chaos = (async () => {
    // Spread the events over the time the starts take, less what the events themselves take
    // (a kill and restart ~5 s, the Temporal restart ~10 s, the outage).
    const busyMs = KILLS * 5000 + 10_000 + 5000 + OUTAGE_MS;
    const gapMs = Math.max(1000, (RUNS * PACE_MS - busyMs) / (events.length + 1));
    for (const event of events) {
      await sleep(gapMs * (0.5 + random()));
      const at = elapsed();
      if (event === 'kill') {
        while (!worker.isReady()) await sleep(200);
        await sleep(random() * 1500);
        await worker.stop('SIGKILL');
        kills += 1;
        say(`kill ${kills}/${KILLS}: worker SIGKILLed`);
        chaosLog.push({ event: 'worker-sigkill', at });
        await sleep(500 + random() * 1500);
        await worker.start().catch((err: Error) => say(`worker restart: ${err.message}`));
      } else if (event === 'temporal') {
        say('restarting the Temporal dev server');
        await temporal.stop();
        await sleep(2000);
        temporal = await startTemporal();
        say('Temporal dev server back');
        chaosLog.push({ event: 'temporal-restart', at });
      } else if (event === 'api') {
        say('restarting the API');
        await api.stop('SIGTERM');
        await api.start();
        say('API back');
        chaosLog.push({ event: 'api-restart', at });
      } else {
        say(`PostgreSQL unavailable for ${OUTAGE_MS / 1000} s`);
        await proxy.outage(OUTAGE_MS);
        say(`PostgreSQL back (${proxy.refused()} connections refused)`);
        chaosLog.push({ event: 'postgres-outage', at, detail: `${OUTAGE_MS} ms, ${proxy.refused()} refused` });
      }
    }
  })();

  await Promise.all([starting, chaos]);
  say('chaos over; waiting for every run to finish');
  while (!worker.isReady() || !api.isReady()) await sleep(500);

  const pg = new PgClient({ connectionString: database.url });
  await pg.connect();
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection, namespace: 'default', dataConverter: payloadDataConverter(keyring) });
  const settleDeadline = Date.now() + DEADLINE_MS;
  const closed = new Map<string, string>();
  for (;;) {
    for (const run of runs) {
      if (closed.has(run.workflowId)) continue;
      const description = await client.workflow.getHandle(run.workflowId).describe();
      if (description.status.name !== 'RUNNING') closed.set(run.workflowId, description.status.name);
    }
    const rows = await pg.query<{ status: string }>('SELECT status FROM runs WHERE parent_run_id IS NULL');
    const liveRows = rows.rows.filter((r) => !TERMINAL.has(r.status)).length;
    if (closed.size === runs.length && liveRows === 0) break;
    if (Date.now() > settleDeadline) {
      say(`deadline: ${runs.length - closed.size} workflows open, ${liveRows} rows not terminal`);
      break;
    }
    await sleep(3000);
  }
  const settledAt = elapsed();
  say(`settled (${closed.size}/${runs.length} workflows closed)`);

  // Checks.
  const problems: string[] = [];
  const byStatus: Record<string, number> = {};
  let nodeMismatches = 0;
  let runMismatches = 0;
  let phantomRunning = 0;
  const ledger: LedgerEntry[] = readFileSync(ledgerFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as LedgerEntry);
  const executions = new Map<string, LedgerEntry[]>();
  for (const entry of ledger) {
    const key = `${entry.runId}/${entry.nodeId}`;
    executions.set(key, [...(executions.get(key) ?? []), entry]);
  }
  let ledgerViolations = 0;
  let repeatedAttempts = 0;
  let maxExecutions = 0;
  let executionsAboveOne = 0;
  let attemptsWithoutExecution = 0;
  for (const run of runs) {
    const template = CHAOS_TEMPLATES[run.template];
    const name = template.definition.name;
    const row = (await pg.query('SELECT id, status FROM runs WHERE workflow_id = $1', [run.workflowId])).rows[0] as
      { id: string; status: string } | undefined;
    const nodeRows = new Map(
      (
        await pg.query<{ node_id: string; status: string; attempts: number }>(
          'SELECT node_id, status, attempts FROM node_runs WHERE run_id = $1',
          [run.id],
        )
      ).rows.map((r) => [r.node_id, r]),
    );
    const temporalStatus = closed.get(run.workflowId) ?? 'RUNNING';
    byStatus[row?.status ?? 'MISSING'] = (byStatus[row?.status ?? 'MISSING'] ?? 0) + 1;
    if (!row) {
      problems.push(`${name} ${run.id}: no runs row`);
      continue;
    }
    if (temporalStatus !== 'RUNNING' && !TERMINAL.has(row.status)) {
      phantomRunning += 1;
      problems.push(`${name} ${run.id}: database says ${row.status}, Temporal says ${temporalStatus}`);
    }
    let state: RunState | undefined;
    try {
      state =
        temporalStatus === 'COMPLETED'
          ? await client.workflow.getHandle<() => Promise<RunState>>(run.workflowId).result()
          : undefined;
    } catch (err) {
      problems.push(`${name} ${run.id}: result: ${(err as Error).message}`);
    }
    if (!state) {
      runMismatches += 1;
      problems.push(`${name} ${run.id}: Temporal ${temporalStatus}, no result to compare`);
      continue;
    }
    if (state.status !== template.expectedRunStatus)
      problems.push(`${name} ${run.id}: Temporal says ${state.status}, template implies ${template.expectedRunStatus}`);
    if (row.status !== state.status) {
      runMismatches += 1;
      problems.push(`${name} ${run.id}: database ${row.status}, Temporal ${state.status}`);
    }
    for (const [nodeId, expected] of Object.entries(template.expectedNodes)) {
      const node = state.nodes[nodeId];
      const nodeRow = nodeRows.get(nodeId);
      if (node?.status !== expected)
        problems.push(`${name} ${run.id} ${nodeId}: Temporal ${node?.status}, expected ${expected}`);
      if (!nodeRow || nodeRow.status !== node?.status || nodeRow.attempts !== node?.attempts) {
        nodeMismatches += 1;
        problems.push(
          `${name} ${run.id} ${nodeId}: database ${nodeRow?.status}/${nodeRow?.attempts} attempts, ` +
            `Temporal ${node?.status}/${node?.attempts} attempts`,
        );
      }
    }
    for (const [nodeId, allowed] of Object.entries(template.maxAttempts)) {
      const entries = executions.get(`${run.id}/${nodeId}`) ?? [];
      maxExecutions = Math.max(maxExecutions, entries.length);
      if (entries.length > 1) executionsAboveOne += 1;
      const attempts = entries.map((e) => e.attempt);
      const distinct = new Set(attempts).size;
      repeatedAttempts += attempts.length - distinct;
      if (entries.length > allowed || Math.max(0, ...attempts) > allowed) {
        ledgerViolations += 1;
        problems.push(
          `${name} ${run.id} ${nodeId}: ${entries.length} executions (attempts ${attempts.join(',')}), ${allowed} allowed`,
        );
      }
      const temporalAttempts = state.nodes[nodeId]?.attempts ?? 0;
      if (Math.max(0, ...attempts) > temporalAttempts) {
        ledgerViolations += 1;
        problems.push(
          `${name} ${run.id} ${nodeId}: ledger saw attempt ${Math.max(...attempts)}, Temporal ${temporalAttempts}`,
        );
      }
      if (Math.max(0, ...attempts) < temporalAttempts)
        attemptsWithoutExecution += temporalAttempts - Math.max(0, ...attempts);
      const expected = template.expectedNodes[nodeId];
      if (expected === 'SUCCEEDED' && entries.length === 0) {
        ledgerViolations += 1;
        problems.push(`${name} ${run.id} ${nodeId}: succeeded without a ledger entry`);
      }
      if (expected === 'SKIPPED' && entries.length > 0) {
        ledgerViolations += 1;
        problems.push(`${name} ${run.id} ${nodeId}: skipped but executed ${entries.length} times`);
      }
    }
  }
  const known = new Set(runs.map((r) => r.id));
  const strayLedger = ledger.filter((e) => !known.has(e.runId)).length;
  if (strayLedger > 0) problems.push(`${strayLedger} ledger entries of runs the harness did not start`);
  // A start that failed for the harness but left a run behind would be a run nobody asked for.
  const rowCount = Number(
    (await pg.query<{ n: string }>('SELECT count(*) AS n FROM runs WHERE parent_run_id IS NULL')).rows[0].n,
  );
  if (rowCount !== runs.length) problems.push(`${rowCount} runs rows for ${runs.length} runs started`);
  // Rows the harness did not start (none expected) and anything still live.
  const strays = await pg.query<{ id: string; status: string }>(
    "SELECT id, status FROM runs WHERE status IN ('PENDING','RUNNING','WAITING','PAUSED')",
  );
  for (const stray of strays.rows) {
    if (!runs.some((r) => r.id === stray.id))
      problems.push(`run ${stray.id}: ${stray.status}, not started by the harness`);
  }

  const result = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, loadavg: loadavg().map((l) => Number(l.toFixed(2))) },
    settings: { runs: RUNS, kills: KILLS, seed: SEED, paceMs: PACE_MS, outageMs: OUTAGE_MS, reconcileIntervalS: 5 },
    templates: CHAOS_TEMPLATES.map((t) => t.definition.name),
    durationSeconds: Math.round((Date.now() - started) / 1000),
    settledAt,
    runsStarted: runs.length,
    startAttemptsFailed: startErrors,
    startFailures: Object.fromEntries(startErrorReasons),
    runRows: rowCount,
    runsByStatus: byStatus,
    workflowsClosed: closed.size,
    chaos: {
      workerKills: kills,
      workerStarts: worker.starts(),
      workerUnexpectedExits: worker.unexpectedExits(),
      apiUnexpectedExits: api.unexpectedExits(),
      apiStarts: api.starts(),
      temporalRestarts: chaosLog.filter((e) => e.event === 'temporal-restart').length,
      postgresOutages: chaosLog.filter((e) => e.event === 'postgres-outage').length,
      events: chaosLog,
    },
    checks: {
      runMismatches,
      nodeMismatches,
      phantomRunning,
      ledgerExecutions: ledger.length,
      ledgerViolations,
      repeatedAttempts,
      nodesExecutedMoreThanOnce: executionsAboveOne,
      maxExecutionsPerNode: maxExecutions,
      attemptsWithoutExecution,
    },
    problems: problems.slice(0, 200),
    passed: problems.length === 0 && runs.length === RUNS,
  };
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  writeFileSync(join(__dirname, 'results', 'chaos.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify({ ...result, problems: problems.slice(0, 20) }, null, 2));

  await pg.end();
  await connection.close();
  await worker.stop('SIGTERM');
  await api.stop('SIGTERM');
  await temporal.stop();
  await proxy.close();
  if (!process.env.CHAOS_KEEP) await database.drop();
  say(result.passed ? 'PASSED' : `FAILED: ${problems.length} problems (logs in ${dir})`);
  process.exit(result.passed ? 0 : 1);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
