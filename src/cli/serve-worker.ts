import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { environmentSecretResolver } from '../../activities/secret-resolver';
import { parseConfig, readOrCreateSecretsKeys, SECRETS_KEYS_FILE, type SecretsKey } from '../config/config';
import type * as DataSourceModule from '../database/data-source';
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
      dataSource,
      secrets: dataSource
        ? databaseSecretResolver(dataSource, workerSecretsKeys(io.env))
        : environmentSecretResolver(io.env),
      workflowBundle: prebuiltBundle(io.env),
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
