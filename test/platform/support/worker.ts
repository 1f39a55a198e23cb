import { Worker } from '@temporalio/worker';
import type { InjectedSinks } from '@temporalio/worker';
import { createCallbackActivities } from '../../../activities/callback-activities';
import { createAwaitCallbackActivities } from '../../../activities/await-callback';
import { createPluginActivities } from '../../../activities/plugin-activities';
import type { PluginLogger } from '../../../plugins/sdk';
import type { SecretsKey } from '../../../src/config/config';
import { databaseSecretResolver } from '../../../src/secrets/secret-store';
import { createBuiltinRegistry } from '../../../plugins';
import { createDataSource } from '../../../src/database/data-source';
import {
  createProgressSinks,
  type ProgressRecorder,
  type ProgressRecorderOptions,
} from '../../../src/runs/progress-recorder';
import { createScheduledRunRegistrar, type ScheduledRunRegistrar } from '../../../src/runs/scheduled-run-registrar';
import type { ProgressSinks } from '../../../workflows/contract';
import { testDataConverter, testPlatformClient } from '../../support/payload-keys';
import { testTemporal, testWorkflowBundle } from '../../support/temporal';
import { createTestActivities } from '../../support/test-activities';

/** A worker running in the test process against the shared dev server. */
export interface TestWorker {
  worker: Worker;
  /** The progress recorder, unless the worker was started with `recorder: false`. */
  recorder?: ProgressRecorder;
  /** The ledger of the test activities (`test.*`). */
  test: ReturnType<typeof createTestActivities>;
  /** Drains the worker, flushes and closes the recorder and its database connection. */
  stop(): Promise<void>;
}

/** What `startTestWorker` takes. */
export interface TestWorkerOptions {
  databaseUrl: string;
  taskQueue: string;
  recorder?: false | ProgressRecorderOptions;
  /** Resolve `${secrets.NAME}` from the database with these keys (the API's `config.secrets.keys`). */
  secretsKeys?: SecretsKey[];
  /** Where plugins' log lines go (Temporal's runtime logger when absent). */
  logger?: PluginLogger;
  /** Hosts `switchyard.awaitCallback` (callback nodes) with this key and API base URL. */
  callbacks?: { key: string | Buffer; baseUrl: string };
  /** Put the run registrar in front of the recorder, as `src/worker.ts` does (scheduled and child runs get rows). */
  registrar?: boolean;
}

/**
 * Starts a real worker on `taskQueue`: the interpreter, the built-in plugins as activities
 * (`createPluginActivities(createBuiltinRegistry())`), the run-end callback, plus the test activities, and the progress
 * recorder writing to `databaseUrl` — wired exactly as a production worker wires it. With
 * `recorder: false` the worker's progress sink drops every report (a recorder that cannot write),
 * which is what the reconciler must repair.
 */
export async function startTestWorker(options: TestWorkerOptions): Promise<TestWorker> {
  const env = await testTemporal();
  const test = createTestActivities();
  const dataSource =
    options.recorder === false && !options.secretsKeys
      ? undefined
      : await createDataSource(options.databaseUrl).initialize();
  const recorder =
    dataSource && options.recorder !== false ? createProgressSinks(dataSource, options.recorder || {}) : undefined;
  const secrets =
    dataSource && options.secretsKeys ? databaseSecretResolver(dataSource, options.secretsKeys) : undefined;
  const dropReports: InjectedSinks<ProgressSinks> = { progress: { report: { fn: () => undefined } } };
  let registrar: ScheduledRunRegistrar | undefined;
  if (recorder && dataSource && options.registrar) {
    registrar = createScheduledRunRegistrar(dataSource, (report) => recorder.report(report));
  }
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: options.taskQueue,
    workflowBundle: testWorkflowBundle(),
    // The API's client encrypts with the test keys (testConfig): the worker reads with the same ring.
    dataConverter: testDataConverter(),
    activities: {
      ...test.activities,
      ...createPluginActivities({
        registry: createBuiltinRegistry(),
        ...(secrets ? { secrets } : {}),
        ...(options.logger ? { logger: options.logger } : {}),
      }),
      ...createCallbackActivities(),
      ...(options.callbacks
        ? createAwaitCallbackActivities({ ...options.callbacks, client: await testPlatformClient() })
        : {}),
    },
    sinks: registrar?.sinks ?? recorder?.sinks ?? dropReports,
  });
  const running = worker.run();
  let stopped: Promise<void> | undefined;
  return {
    worker,
    recorder,
    test,
    stop: () =>
      (stopped ??= (async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
        await registrar?.close();
        await recorder?.close();
        await dataSource?.destroy();
      })()),
  };
}
