/**
 * `switchyard start`: the whole platform in one process. Embeds what is not configured
 * (PostgreSQL when DATABASE_URL is unset, the Temporal dev server with its Web UI when
 * TEMPORAL_ADDRESS is unset), then the API and a worker. Stops in reverse order, the worker
 * draining first so no work is lost.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import { ensureSecretsKeys, loadConfig, type SwitchyardConfig } from '../config/config';
import { MetricsService } from '../common/metrics/metrics.service';
import { bootstrapApi } from '../main';
import { configuredPlugins } from '../plugins-catalog/configured-plugins';
import { PluginCatalogService } from '../plugins-catalog/plugin-catalog.service';
import { startDevServer } from '../temporal/dev-server';
import { databaseSecretResolver } from '../secrets/secret-store';
import { startWorkerProcess, type WorkerProcess } from '../worker';
import { startEmbeddedPostgres } from './embedded-postgres';

export interface StartOptions {
  /** Host a worker in the same process (default true). */
  worker?: boolean;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  /** Dev-server ports (default 7233 / 8233, or free ones when those are taken). */
  temporalPort?: number;
  temporalUiPort?: number;
}

export interface RunningPlatform {
  apiUrl: string;
  temporalAddress: string;
  temporalUiUrl?: string;
  /** Where the embedded databases keep their data, when embedded. */
  embedded: { postgresDir?: string; temporalDbFile?: string };
  app: NestExpressApplication;
  worker?: WorkerProcess;
  stop(): Promise<void>;
}

async function portOrFree(preferred: number | undefined): Promise<number | undefined> {
  if (!preferred) return undefined;
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(undefined));
    probe.listen(preferred, '127.0.0.1', () => probe.close(() => resolve(preferred)));
  });
}

export async function startPlatform(options: StartOptions = {}): Promise<RunningPlatform> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const config: SwitchyardConfig = ensureSecretsKeys(loadConfig(options.env ?? process.env));
  mkdirSync(config.dataDir, { recursive: true });
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.splice(0)) {
      try {
        await stop();
      } catch (err) {
        log(`while stopping: ${(err as Error).message}`);
      }
    }
  };
  try {
    const embedded: RunningPlatform['embedded'] = {};
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      const pg = await startEmbeddedPostgres(config.dataDir, log);
      stops.unshift(() => pg.stop());
      databaseUrl = pg.url;
      embedded.postgresDir = pg.dataDir;
    }

    let temporalAddress = config.temporal.address;
    let temporalUiUrl = (options.env ?? process.env).TEMPORAL_UI_URL;
    if (!temporalAddress) {
      embedded.temporalDbFile = join(config.dataDir, 'temporal.sqlite');
      log('Starting the Temporal dev server...');
      const dev = await startDevServer({
        port: await portOrFree(options.temporalPort ?? 7233),
        uiPort: await portOrFree(options.temporalUiPort ?? 8233),
        dbFile: embedded.temporalDbFile,
        namespace: config.temporal.namespace,
        log,
      });
      stops.unshift(() => dev.stop());
      temporalAddress = dev.address;
      temporalUiUrl ??= dev.uiUrl;
    }

    const full = {
      ...config,
      databaseUrl,
      temporal: { ...config.temporal, address: temporalAddress, ...(temporalUiUrl ? { uiUrl: temporalUiUrl } : {}) },
    };
    const app = await bootstrapApi(full, { shutdownHooks: false });
    stops.unshift(() => app.close());
    // Custom plugins (SWITCHYARD_PLUGIN_DIRS) join the catalog the API validates against and the worker runs.
    const plugins = await configuredPlugins(options.env ?? process.env, log);
    const catalog = app.get(PluginCatalogService);
    if (plugins.custom.length > 0) catalog.register(plugins.custom);
    const apiUrl = (await app.getUrl()).replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');

    let worker: WorkerProcess | undefined;
    if (options.worker !== false) {
      worker = await startWorkerProcess({
        address: temporalAddress,
        namespace: config.temporal.namespace,
        taskQueue: config.temporal.taskQueue,
        registry: plugins.registry,
        dataSource: app.get(DataSource),
        secrets: databaseSecretResolver(app.get(DataSource), config.secrets?.keys ?? []),
        metricsRegistry: app.get(MetricsService).registry,
        log,
      });
      // The worker drains before the API and the databases go away.
      stops.unshift(() => worker!.shutdown());
    }

    log('');
    log(`Switchyard is up.`);
    log(`  Admin UI     ${apiUrl}/`);
    log(`  GraphQL      ${apiUrl}/graphql`);
    log(`  Temporal     ${temporalAddress}${temporalUiUrl ? `   (Web UI ${temporalUiUrl})` : ''}`);
    if (embedded.postgresDir) log(`  PostgreSQL   embedded, data in ${embedded.postgresDir}`);
    if (embedded.temporalDbFile) log(`  Temporal DB  ${embedded.temporalDbFile}`);
    return {
      apiUrl,
      temporalAddress,
      ...(temporalUiUrl ? { temporalUiUrl } : {}),
      embedded,
      app,
      worker,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
