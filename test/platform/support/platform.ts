import { MetricsService } from '../../../src/common/metrics/metrics.service';
import type { SwitchyardConfig } from '../../../src/config/config';
import { uniqueTaskQueue } from '../../support/temporal';
import { startTestApp, type TestApp } from './app';
import { startTestWorker, type TestWorker, type TestWorkerOptions } from './worker';

/** The API and a worker on one task queue of the shared dev server. */
export interface TestPlatform {
  api: TestApp;
  worker: TestWorker;
  taskQueue: string;
  /** Stops the worker, then the API (and drops its database). */
  close(): Promise<void>;
}

/** The worker's options besides its database and task queue; a function when they need the API. */
export type PlatformWorkerOptions = Omit<TestWorkerOptions, 'databaseUrl' | 'taskQueue'>;

/**
 * Starts the real API (`startTestApp`) on a fresh task queue named after `queue`, then a real
 * worker (`startTestWorker`) on that queue and the API's database. With `sharedMetrics` the
 * worker's recorder counts into the API's metrics registry, as in `switchyard start`.
 *
 * @example
 * platform = await startPlatform({ queue: 'runs-e2e', sharedMetrics: true });
 * afterAll(() => platform?.close());
 */
export async function startPlatform(options: {
  queue: string;
  logLevel?: SwitchyardConfig['logLevel'];
  sharedMetrics?: boolean;
  worker?: PlatformWorkerOptions | ((api: TestApp) => PlatformWorkerOptions);
}): Promise<TestPlatform> {
  const taskQueue = uniqueTaskQueue(options.queue);
  const api = await startTestApp({
    config: {
      temporal: { address: process.env.SWITCHYARD_TEST_TEMPORAL_ADDRESS, namespace: 'default', taskQueue },
      logLevel: options.logLevel ?? 'warn',
    },
  });
  let worker: TestWorker;
  try {
    const extra = typeof options.worker === 'function' ? options.worker(api) : (options.worker ?? {});
    worker = await startTestWorker({
      databaseUrl: api.db.url,
      taskQueue,
      ...(options.sharedMetrics ? { recorder: { registry: api.app.get(MetricsService).registry } } : {}),
      ...extra,
    });
  } catch (error) {
    await api.close();
    throw error;
  }
  return {
    api,
    worker,
    taskQueue,
    close: async () => {
      await worker.stop();
      await api.close();
    },
  };
}
