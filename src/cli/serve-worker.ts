import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { environmentSecretResolver } from '../../activities/secret-resolver';
import {
  dataDirFrom,
  parseConfig,
  readOrCreateSecretsKeys,
  SECRETS_KEYS_FILE,
  type SecretsKey,
} from '../config/config';
import { loadPayloadKeys, PAYLOAD_KEYS_FILE, PAYLOAD_KEYS_VARIABLE } from '../config/payload-keys';
import type * as DataSourceModule from '../database/data-source';
import { callbackKeyOf } from '../config/config';
import { configuredPlugins } from '../plugins-catalog/configured-plugins';
import { databaseSecretResolver } from '../secrets/secret-store';
import { DEFAULT_TASK_QUEUE } from '../temporal/worker-host';
import { startWorkerProcess, type WorkerProcess } from '../worker';
import type { CliContext } from './context';
import { EXIT } from './exit-codes';
import { line } from './io';
import { installCliRuntime, prebuiltBundle } from './runtime';
import { DEFAULT_TEMPORAL_ADDRESS } from './temporal-session';

/**
 * The keys that decrypt project secrets: SWITCHYARD_SECRETS_KEYS, else the key file `switchyard start`
 * keeps in SWITCHYARD_DATA_DIR (never generated here: a worker's own key would decrypt nothing).
 */
function workerSecretsKeys(env: NodeJS.ProcessEnv): SecretsKey[] {
  const config = parseConfig(env);
  if (config.secrets) return config.secrets.keys;
  return existsSync(join(config.dataDir, SECRETS_KEYS_FILE)) ? readOrCreateSecretsKeys(config.dataDir).keys : [];
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** SWITCHYARD_PLUGIN_DIRS plus the `--plugin-dir` options. */
function withPluginDirs(env: NodeJS.ProcessEnv, dirs: string[] | undefined): NodeJS.ProcessEnv {
  if (!dirs || dirs.length === 0) return env;
  const all = [env.SWITCHYARD_PLUGIN_DIRS, ...dirs].filter((dir) => dir && dir.trim() !== '');
  return { ...env, SWITCHYARD_PLUGIN_DIRS: all.join(',') };
}

/**
 * Callback nodes on a worker apart from the API need the API's key (`SWITCHYARD_CALLBACK_KEY`, or
 * the `JWT_SECRET` it is derived from) and its public URL (`SWITCHYARD_PUBLIC_URL`).
 */
function callbackSettings(
  env: Readonly<Record<string, string | undefined>>,
  log: (text: string) => void,
): { callbacks?: { key: Buffer; baseUrl: string } } {
  const callbackKey = env.SWITCHYARD_CALLBACK_KEY?.trim() || undefined;
  const jwtSecret = env.JWT_SECRET?.trim() || undefined;
  const baseUrl = env.SWITCHYARD_PUBLIC_URL?.trim() || undefined;
  if ((!callbackKey && !jwtSecret) || !baseUrl) {
    log(
      'Callback nodes disabled on this worker: set SWITCHYARD_PUBLIC_URL and SWITCHYARD_CALLBACK_KEY (or JWT_SECRET)',
    );
    return {};
  }
  return { callbacks: { key: callbackKeyOf({ callbackKey, auth: { jwtSecret: jwtSecret ?? '' } }), baseUrl } };
}

/**
 * Serves the interpreter and the built-in plugins on a task queue of TEMPORAL_ADDRESS (default
 * localhost:7233) until SIGINT or SIGTERM, then drains the worker; returns the exit code.
 * The task queue is `--task-queue`, else TEMPORAL_TASK_QUEUE, else {@link DEFAULT_TASK_QUEUE}.
 * With DATABASE_URL, run progress is recorded into PostgreSQL as the platform's own worker does.
 */
export async function serveWorker(
  ctx: CliContext,
  options: { taskQueue?: string; pluginDir?: string[] },
): Promise<number> {
  const { io } = ctx;
  const log = (text: string) => io.err(line(text));
  const taskQueue = options.taskQueue ?? (io.env.TEMPORAL_TASK_QUEUE?.trim() || DEFAULT_TASK_QUEUE);
  const address = io.env.TEMPORAL_ADDRESS?.trim() || DEFAULT_TEMPORAL_ADDRESS;
  const namespace = io.env.TEMPORAL_NAMESPACE?.trim() || 'default';
  installCliRuntime(io.env, 'INFO');

  let workerProcess: WorkerProcess | undefined;
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      log(`${signal} again: exiting without draining.`);
      process.exit(EXIT.INTERRUPTED);
    }
    log(`${signal}: draining the worker (${signal} again to exit at once)...`);
    void workerProcess?.shutdown().catch(() => {});
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let dataSource: DataSource | undefined;
  try {
    // The platform's keys, never new ones: a worker with keys of its own would write payloads nobody else reads.
    const dataDir = dataDirFrom(io.env);
    const payloadKeys = loadPayloadKeys(io.env, dataDir, { create: false });
    if (!payloadKeys) {
      log(
        `error: ${PAYLOAD_KEYS_VARIABLE} is unset and ${join(dataDir, PAYLOAD_KEYS_FILE)} does not exist: ` +
          `give this worker the payload keys of the platform (the API's ${PAYLOAD_KEYS_VARIABLE})`,
      );
      return EXIT.INVALID;
    }
    const databaseUrl = io.env.DATABASE_URL?.trim();
    if (databaseUrl) {
      // TypeORM and the entities load only for workers that record progress.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { createDataSource } = require('../database/data-source') as typeof DataSourceModule;
      dataSource = createDataSource(databaseUrl);
      await dataSource.initialize();
      log('Recording run progress into PostgreSQL (DATABASE_URL)');
    }
    log('Bundling the workflow code...');
    workerProcess = await startWorkerProcess({
      address,
      namespace,
      taskQueue,
      registry: (await configuredPlugins(withPluginDirs(io.env, options.pluginDir), log)).registry,
      payloadKeys,
      dataSource,
      secrets: dataSource
        ? databaseSecretResolver(dataSource, workerSecretsKeys(io.env))
        : environmentSecretResolver(io.env),
      workflowBundle: prebuiltBundle(io.env),
      ...callbackSettings(io.env, log),
    });
    if (signals > 0) await workerProcess.shutdown();
    log(`Worker serving task queue ${taskQueue} on ${address} (namespace ${namespace})`);
    await workerProcess.done;
    log('Worker stopped.');
    return EXIT.SUCCEEDED;
  } catch (err) {
    log(`error: ${message(err)}`);
    return EXIT.UNAVAILABLE;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await dataSource?.destroy().catch(() => {});
  }
}
