import type * as TemporalWorker from '@temporalio/worker';

type LogLevel = TemporalWorker.LogLevel;

const LEVELS: readonly LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];

let installed = false;

/**
 * Installs the Temporal SDK runtime for a CLI process, once: the SDK's logs go to stderr at
 * `SWITCHYARD_LOG_LEVEL` (default `fallback`), and the SDK does not handle SIGINT/SIGTERM itself:
 * each command decides what a signal means (cancel the run, drain the worker).
 */
export function installCliRuntime(env: NodeJS.ProcessEnv, fallback: LogLevel): void {
  if (installed) return;
  installed = true;
  const wanted = env.SWITCHYARD_LOG_LEVEL?.toUpperCase() as LogLevel | undefined;
  const level = wanted && LEVELS.includes(wanted) ? wanted : fallback;
  // Loaded here, not at the top: `validate` and `--help` should not pay for the SDK.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { DefaultLogger, Runtime } = require('@temporalio/worker') as typeof TemporalWorker;
  Runtime.install({
    logger: new DefaultLogger(level, ({ level: at, message, meta }) => {
      const details = meta && Object.keys(meta).length > 0 ? ` ${JSON.stringify(meta)}` : '';
      process.stderr.write(`[${at}] ${message}${details}\n`);
    }),
    // The native core's own logs (retries, late activity completions) go through the same logger and level.
    telemetryOptions: { logging: { filter: { core: level, other: 'ERROR' }, forward: {} } },
    shutdownSignals: [],
  });
}

/**
 * A workflow bundle built ahead of time (`SWITCHYARD_WORKFLOW_BUNDLE`, a file written from
 * `bundleWorkflowCode`), which saves the few seconds of bundling at every start.
 */
export function prebuiltBundle(env: NodeJS.ProcessEnv): { codePath: string } | undefined {
  const codePath = env.SWITCHYARD_WORKFLOW_BUNDLE?.trim();
  return codePath ? { codePath } : undefined;
}
