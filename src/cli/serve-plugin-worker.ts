import { NativeConnection, Worker } from '@temporalio/worker';
import { join } from 'node:path';
import { createPluginActivities } from '../../activities/plugin-activities';
import { loadPluginsFromFolders, PluginRegistry } from '../../plugins';
import { dataDirFrom } from '../config/config';
import { loadPayloadKeys, PAYLOAD_KEYS_FILE, PAYLOAD_KEYS_VARIABLE } from '../config/payload-keys';
import { payloadDataConverter } from '../temporal/payload-codec';
import type { CliContext } from './context';
import { EXIT } from './exit-codes';
import { line } from './io';
import { registerPlugins, RegistrationError } from './register-plugins';
import { installCliRuntime } from './runtime';
import { DEFAULT_TEMPORAL_ADDRESS } from './temporal-session';

export interface PluginWorkerOptions {
  taskQueue?: string;
  /** Folders or npm packages (`--plugin-dir`), added to SWITCHYARD_PLUGIN_DIRS. */
  pluginDirs?: string[];
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter(Boolean);
}

/**
 * `switchyard worker --plugins-only`: serves only the activities of the custom plugins it loads
 * (`--plugin-dir`, SWITCHYARD_PLUGIN_DIRS) on their own task queue, no workflows. At start it
 * registers them with the API (`registerPlugins` at SWITCHYARD_API_URL with SWITCHYARD_API_TOKEN),
 * so the catalog knows them and their nodes are routed to this queue. The queue is `--task-queue`,
 * else the one the plugins declare. Returns the exit code.
 */
export async function servePluginWorker(ctx: CliContext, options: PluginWorkerOptions): Promise<number> {
  const { io } = ctx;
  const log = (text: string) => io.err(line(text));
  const address = io.env.TEMPORAL_ADDRESS?.trim() || DEFAULT_TEMPORAL_ADDRESS;
  const namespace = io.env.TEMPORAL_NAMESPACE?.trim() || 'default';
  const apiUrl = io.env.SWITCHYARD_API_URL?.trim();
  const token = io.env.SWITCHYARD_API_TOKEN?.trim();

  const sources = [...list(io.env.SWITCHYARD_PLUGIN_DIRS), ...(options.pluginDirs ?? [])];
  if (sources.length === 0) {
    log('error: --plugins-only needs plugins: --plugin-dir DIR or SWITCHYARD_PLUGIN_DIRS');
    return EXIT.INVALID;
  }
  if (!apiUrl || !token) {
    log('error: --plugins-only registers its plugins with the API: set SWITCHYARD_API_URL and SWITCHYARD_API_TOKEN');
    return EXIT.INVALID;
  }
  // Activity inputs and outputs are encrypted with the platform's keys: this worker needs the same ones.
  const dataDir = dataDirFrom(io.env);
  const payloadKeys = loadPayloadKeys(io.env, dataDir, { create: false });
  if (!payloadKeys) {
    log(
      `error: ${PAYLOAD_KEYS_VARIABLE} is unset and ${join(dataDir, PAYLOAD_KEYS_FILE)} does not exist: ` +
        `give this plugin worker the payload keys of the platform (the API's ${PAYLOAD_KEYS_VARIABLE})`,
    );
    return EXIT.INVALID;
  }
  const loaded = await loadPluginsFromFolders(sources);
  for (const error of loaded.errors) log(`plugin ${error.source} not loaded: ${error.message}`);
  if (loaded.plugins.length === 0) {
    log('error: no plugin loaded; nothing to serve');
    return EXIT.INVALID;
  }
  const declared = [...new Set(loaded.plugins.map((plugin) => plugin.taskQueue).filter(Boolean))] as string[];
  const taskQueue = options.taskQueue ?? (declared.length === 1 ? declared[0] : undefined);
  if (!taskQueue) {
    log(
      declared.length > 1
        ? `error: the plugins declare several task queues (${declared.join(', ')}): choose one with --task-queue`
        : 'error: --plugins-only needs a task queue: --task-queue NAME (or a taskQueue declared by the plugins)',
    );
    return EXIT.INVALID;
  }
  const elsewhere = loaded.plugins.filter((plugin) => plugin.taskQueue && plugin.taskQueue !== taskQueue);
  for (const plugin of elsewhere) {
    log(
      `note: ${plugin.type}@${plugin.version} declares task queue ${plugin.taskQueue}; served and registered on ${taskQueue}`,
    );
  }
  const registry = new PluginRegistry(loaded.plugins.map((plugin) => ({ ...plugin, taskQueue })));
  installCliRuntime(io.env, 'INFO');

  let worker: Worker | undefined;
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) process.exit(EXIT.INTERRUPTED);
    log(`${signal}: draining the plugin worker (${signal} again to exit at once)...`);
    if (worker?.getState() === 'RUNNING') worker.shutdown();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let connection: NativeConnection | undefined;
  try {
    connection = await NativeConnection.connect({ address });
    worker = await Worker.create({
      connection,
      namespace,
      taskQueue,
      dataConverter: payloadDataConverter(payloadKeys),
      activities: createPluginActivities({ registry }),
    });
    const running = worker.run();
    const registered = await registerWithRetries({ apiUrl, token }, taskQueue, registry, log);
    log(`Registered ${registered.map((p) => `${p.type}@${p.version}`).join(', ')} with ${apiUrl}`);
    log(`Plugin worker (pid ${process.pid}) serving task queue ${taskQueue} on ${address} (namespace ${namespace})`);
    if (signals > 0 && worker.getState() === 'RUNNING') worker.shutdown();
    await running;
    log('Plugin worker stopped.');
    return EXIT.SUCCEEDED;
  } catch (err) {
    log(`error: ${message(err)}`);
    if (worker?.getState() === 'RUNNING') {
      worker.shutdown();
    }
    return err instanceof RegistrationError && !err.retryable ? EXIT.INVALID : EXIT.UNAVAILABLE;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await connection?.close().catch(() => {});
  }
}

/** The API may still be starting: unreachable or 5xx is retried for about half a minute. */
async function registerWithRetries(
  target: { apiUrl: string; token: string },
  taskQueue: string,
  registry: PluginRegistry,
  log: (text: string) => void,
) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await registerPlugins(target, taskQueue, registry.list());
    } catch (err) {
      if (!(err instanceof RegistrationError) || !err.retryable || attempt >= 10) throw err;
      log(`registration attempt ${attempt} failed (${err.message}); retrying`);
      await new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** attempt, 5000)));
    }
  }
}
