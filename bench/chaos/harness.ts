/**
 * The chaos harness (issue #7 section 3): `settings.runs` runs of four mixed templates started
 * through GraphQL at a steady pace while a seeded scheduler SIGKILLs the worker `settings.kills`
 * times and restarts it, restarts the Temporal dev server once (same port and database file),
 * restarts the API once, and makes PostgreSQL unavailable once (through a TCP proxy the platform
 * connects through). The API and the worker are child processes (`switchyard start --no-worker`,
 * `switchyard worker`, from this checkout's sources); everything it starts is its own (a free
 * port for Temporal and the API, a scratch database, a temporary directory), so it runs beside
 * other test suites. Once the runs settle, {@link verifyChaos} judges what it observed.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { Client as PgClient } from 'pg';
import { formatPayloadKeys, generatePayloadKey, type PayloadKeyring } from '../../src/config/payload-keys';
import { startDevServer, freePort, type DevServer } from '../../src/temporal/dev-server';
import { FAILURE_CONVERTER_PATH, payloadDataConverter } from '../../src/temporal/payload-codec';
import type { RunState } from '../../workflows/contract';
import { createScratchDatabase } from '../support/scratch-database';
import { managedChild, type ManagedChild } from './child';
import { startPgProxy, type PgProxy } from './pg-proxy';
import { chaosSchedule, seeded } from './schedule';
import type { ChaosSettings } from './settings';
import { CHAOS_TEMPLATES } from './templates';
import { verifyChaos, type ChaosChecks, type LedgerEntry, type ObservedRun } from './verify';

const ADMIN_PASSWORD = 'chaos-admin-password';
const RECONCILE_INTERVAL_S = 5;
const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

export interface ChaosOptions {
  /** Progress lines; console.log when absent. */
  log?: (line: string) => void;
  /** A workflow bundle built like the worker's (the Jest global setup's); bundled here when absent. */
  workflowBundlePath?: string;
  /** An admin URL of the PostgreSQL server to create the scratch database on (BENCH_PG_URL's by default). */
  adminDatabaseUrl?: string;
  /** Keep the scratch database for a post-mortem. */
  keepDatabase?: boolean;
}

export interface ChaosResult {
  date: string;
  machine: { cpus: number; loadavgAtStart: number[]; loadavg: number[] };
  settings: ChaosSettings & { reconcileIntervalS: number };
  templates: string[];
  durationSeconds: number;
  settledAt: string;
  runsStarted: number;
  startAttemptsFailed: number;
  startFailures: Record<string, number>;
  runRows: number;
  runsByStatus: Record<string, number>;
  /** What the templates imply for the runs started. */
  expectedRunsByStatus: Record<string, number>;
  workflowsClosed: number;
  chaos: {
    workerKills: number;
    workerStarts: number;
    workerUnexpectedExits: number;
    apiUnexpectedExits: number;
    apiStarts: number;
    temporalRestarts: number;
    postgresOutages: number;
    connectionsRefused: number;
    events: Array<{ event: string; at: string; detail?: string }>;
  };
  checks: ChaosChecks;
  problems: string[];
  workDir: string;
  passed: boolean;
}

/** Polls `condition` every 200 ms; throws naming `what` after `timeoutMs`. */
async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`chaos: ${what} not within ${timeoutMs} ms`);
    await sleep(200);
  }
}

interface StartedRun {
  id: string;
  workflowId: string;
  template: number;
}

/** Runs the harness with `settings`; resolves with the verdict (it throws only when it cannot run). */
export async function runChaos(settings: ChaosSettings, options: ChaosOptions = {}): Promise<ChaosResult> {
  const started = Date.now();
  const loadavgAtStart = loadavg().map((l) => Number(l.toFixed(2)));
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
  const print = options.log ?? ((line: string) => console.log(line));
  const say = (text: string) => print(`[${elapsed()}] ${text}`);
  const random = seeded(settings.seed);
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-chaos-'));
  const ledgerFile = join(dir, 'ledger.jsonl');
  writeFileSync(ledgerFile, '');
  say(`${settings.name} form in ${dir}: ${settings.runs} runs, ${settings.kills} kills, seed ${settings.seed}`);

  const cleanups: Array<() => Promise<unknown>> = [];
  try {
    const bundlePath = options.workflowBundlePath ?? (await bundle(join(dir, 'workflow-bundle.js')));

    const temporalPort = await freePort();
    const temporalDb = join(dir, 'temporal.sqlite');
    const startTemporal = () =>
      startDevServer({
        port: temporalPort,
        headless: true,
        dbFile: temporalDb,
        readyTimeoutMs: settings.readyTimeoutMs,
      });
    // The same port: should something else have taken it in the meantime, try again a few times.
    const restartTemporal = async (): Promise<DevServer> => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await startTemporal();
        } catch (err) {
          if (attempt >= 3) throw err;
          say(`Temporal restart attempt ${attempt}: ${(err as Error).message.split('\n')[0]}`);
          await sleep(2000);
        }
      }
    };
    let temporal: DevServer = await startTemporal();
    cleanups.push(() => temporal.stop());
    say(`Temporal dev server at ${temporal.address} (db ${temporalDb})`);

    const database = await createScratchDatabase(options.adminDatabaseUrl);
    if (!options.keepDatabase) cleanups.push(() => database.drop());
    const realUrl = new URL(database.url);
    const proxy: PgProxy = await startPgProxy({ host: realUrl.hostname, port: Number(realUrl.port || 5432) });
    cleanups.push(() => proxy.close());
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
      SWITCHYARD_PLUGIN_DIRS: join(__dirname, 'plugins'),
      SWITCHYARD_WORKFLOW_BUNDLE: bundlePath,
      RECONCILE_INTERVAL: String(RECONCILE_INTERVAL_S),
      LOG_LEVEL: 'warn',
      CHAOS_LEDGER_FILE: ledgerFile,
      CHAOS_SEED: String(settings.seed),
    };
    mkdirSync(join(dir, 'data'), { recursive: true });
    const child = (name: string, args: string[], readyLine: RegExp): ManagedChild => {
      const managed = managedChild({
        name,
        args,
        env,
        readyLine,
        logFile: join(dir, `${name}.log`),
        autoRestart: true,
        restartDelayMs: 2000,
        timeoutMs: settings.readyTimeoutMs,
      });
      cleanups.push(() => managed.stop('SIGKILL'));
      return managed;
    };
    const api = child('api', ['start', '--no-worker'], /Switchyard is up/);
    const worker = child('worker', ['worker'], /Worker serving task queue/);
    await Promise.all([api.start(), worker.start()]);
    say(`API on port ${apiPort} and a worker are up`);

    const gql = graphqlClient(`http://127.0.0.1:${apiPort}/graphql`);
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

    const events = chaosSchedule(settings.kills, random);
    const chaosLog: ChaosResult['chaos']['events'] = [];
    let kills = 0;
    let startErrors = 0;
    const startErrorReasons = new Map<string, number>();
    const runs: StartedRun[] = [];

    const starting = (async () => {
      for (let i = 0; i < settings.runs; i++) {
        const template = i % templateIds.length;
        const deadline = Date.now() + settings.readyTimeoutMs;
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
        await sleep(settings.paceMs);
      }
      say(`${runs.length} runs started (${startErrors} start attempts failed and were retried)`);
    })();

    const chaos = (async () => {
      // Spread the events over the time the starts take, less what the events themselves take
      // (a kill and restart ~5 s, the Temporal restart ~10 s, the API restart ~5 s, the outage).
      const busyMs = settings.kills * 5000 + 10_000 + 5000 + settings.outageMs;
      const gapMs = Math.max(1000, (settings.runs * settings.paceMs - busyMs) / (events.length + 1));
      for (const event of events) {
        await sleep(gapMs * (0.5 + random()));
        const at = elapsed();
        if (event === 'kill') {
          await waitFor(() => worker.isReady(), settings.readyTimeoutMs, 'the worker ready before a kill');
          await sleep(random() * 1500);
          await worker.stop('SIGKILL');
          kills += 1;
          say(`kill ${kills}/${settings.kills}: worker SIGKILLed`);
          chaosLog.push({ event: 'worker-sigkill', at });
          await sleep(500 + random() * 1500);
          await worker.start().catch((err: Error) => say(`worker restart: ${err.message}`));
        } else if (event === 'temporal') {
          say('restarting the Temporal dev server');
          await temporal.stop();
          await sleep(2000);
          temporal = await restartTemporal();
          say('Temporal dev server back');
          chaosLog.push({ event: 'temporal-restart', at });
        } else if (event === 'api') {
          say('restarting the API');
          await api.stop('SIGTERM');
          await api.start();
          say('API back');
          chaosLog.push({ event: 'api-restart', at });
        } else {
          say(`PostgreSQL unavailable for ${settings.outageMs / 1000} s`);
          await proxy.outage(settings.outageMs);
          say(`PostgreSQL back (${proxy.refused()} connections refused)`);
          chaosLog.push({
            event: 'postgres-outage',
            at,
            detail: `${settings.outageMs} ms, ${proxy.refused()} refused`,
          });
        }
      }
    })();

    // Both to the end before anything is torn down (a chaos event must not outlive the cleanup).
    const outcomes = await Promise.allSettled([starting, chaos]);
    for (const outcome of outcomes) if (outcome.status === 'rejected') throw outcome.reason;
    say('chaos over; waiting for every run to finish');
    await waitFor(
      () => worker.isReady() && api.isReady(),
      settings.readyTimeoutMs,
      'the worker and the API ready after the chaos',
    );

    const pg = new PgClient({ connectionString: database.url });
    await pg.connect();
    cleanups.push(() => pg.end());
    const connection = await Connection.connect({ address: temporal.address });
    cleanups.push(() => connection.close());
    const client = new Client({ connection, namespace: 'default', dataConverter: payloadDataConverter(keyring) });

    const settleDeadline = Date.now() + settings.settleTimeoutMs;
    const closed = new Map<string, string>();
    for (;;) {
      try {
        for (const run of runs) {
          if (closed.has(run.workflowId)) continue;
          const description = await client.workflow.getHandle(run.workflowId).describe();
          if (description.status.name !== 'RUNNING') closed.set(run.workflowId, description.status.name);
        }
      } catch (err) {
        say(`describe: ${(err as Error).message} (retrying)`);
      }
      const rows = await pg.query<{ status: string }>('SELECT status FROM runs WHERE parent_run_id IS NULL');
      const liveRows = rows.rows.filter((r) => !TERMINAL.has(r.status)).length;
      if (closed.size === runs.length && liveRows === 0) break;
      if (Date.now() > settleDeadline) {
        say(`deadline: ${runs.length - closed.size} workflows open, ${liveRows} rows not terminal`);
        break;
      }
      await sleep(2000);
    }
    const settledAt = elapsed();
    say(`settled (${closed.size}/${runs.length} workflows closed)`);

    const observed: ObservedRun[] = [];
    for (const run of runs) {
      const row = (
        await pg.query<{ status: string }>('SELECT status FROM runs WHERE workflow_id = $1', [run.workflowId])
      ).rows[0];
      const nodeRows = await pg.query<{ node_id: string; status: string; attempts: number }>(
        'SELECT node_id, status, attempts FROM node_runs WHERE run_id = $1',
        [run.id],
      );
      const temporalStatus = closed.get(run.workflowId) ?? 'RUNNING';
      let state: RunState | undefined;
      let resultError: string | undefined;
      if (temporalStatus === 'COMPLETED') {
        try {
          state = await client.workflow.getHandle<() => Promise<RunState>>(run.workflowId).result();
        } catch (err) {
          resultError = (err as Error).message;
        }
      }
      observed.push({
        ...run,
        row,
        nodeRows: Object.fromEntries(nodeRows.rows.map((r) => [r.node_id, r])),
        temporalStatus,
        state,
        resultError,
      });
    }
    const ledger = readFileSync(ledgerFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as LedgerEntry);
    const runRows = (
      await pg.query<{ id: string; status: string }>('SELECT id, status FROM runs WHERE parent_run_id IS NULL')
    ).rows;
    const verdict = verifyChaos({ runs: observed, ledger, runRows }, CHAOS_TEMPLATES);

    const expectedRunsByStatus: Record<string, number> = {};
    for (const run of runs) {
      const status = CHAOS_TEMPLATES[run.template].expectedRunStatus;
      expectedRunsByStatus[status] = (expectedRunsByStatus[status] ?? 0) + 1;
    }
    const result: ChaosResult = {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, loadavgAtStart, loadavg: loadavg().map((l) => Number(l.toFixed(2))) },
      settings: { ...settings, reconcileIntervalS: RECONCILE_INTERVAL_S },
      templates: CHAOS_TEMPLATES.map((t) => t.definition.name),
      durationSeconds: Math.round((Date.now() - started) / 1000),
      settledAt,
      runsStarted: runs.length,
      startAttemptsFailed: startErrors,
      startFailures: Object.fromEntries(startErrorReasons),
      runRows: runRows.length,
      runsByStatus: verdict.runsByStatus,
      expectedRunsByStatus,
      workflowsClosed: closed.size,
      chaos: {
        workerKills: kills,
        workerStarts: worker.starts(),
        workerUnexpectedExits: worker.unexpectedExits(),
        apiUnexpectedExits: api.unexpectedExits(),
        apiStarts: api.starts(),
        temporalRestarts: chaosLog.filter((e) => e.event === 'temporal-restart').length,
        postgresOutages: chaosLog.filter((e) => e.event === 'postgres-outage').length,
        connectionsRefused: proxy.refused(),
        events: chaosLog,
      },
      checks: verdict.checks,
      problems: verdict.problems.slice(0, 200),
      workDir: dir,
      passed: verdict.problems.length === 0 && runs.length === settings.runs,
    };
    say(result.passed ? 'PASSED' : `FAILED: ${verdict.problems.length} problems (logs in ${dir})`);
    return result;
  } finally {
    // Children first (they hold connections), then the servers they talk to, the database last.
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((err: Error) => say(`cleanup: ${err.message}`));
    }
  }
}

/** One bundle for every worker start: restarts cost seconds, not a re-bundle. */
async function bundle(path: string): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    failureConverterPath: FAILURE_CONVERTER_PATH,
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} },
  });
  writeFileSync(path, code);
  return path;
}

function graphqlClient(url: string) {
  return async (query: string, variables: Record<string, unknown>, token?: string): Promise<any> => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    return response.json();
  };
}
