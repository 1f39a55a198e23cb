import { Command } from 'commander';
import type { CliContext } from '../context';
import { EXIT } from '../exit-codes';
import { line } from '../io';
import type * as Platform from '../../platform/start-platform';
import { installCliRuntime } from '../runtime';

/**
 * `switchyard start`: the platform (API + worker, with embedded Temporal and PostgreSQL when
 * TEMPORAL_ADDRESS / DATABASE_URL are unset); `npm start` runs it. SIGINT/SIGTERM stop it in
 * order: the worker drains, then the API, then the embedded servers.
 */
export function startCommand(ctx: CliContext): Command {
  return new Command('start')
    .description('run the platform: API + worker (+ embedded Temporal and PostgreSQL when not configured)')
    .option('--no-worker', 'serve the API only (workers run as `switchyard worker`)')
    .action(async (options: { worker: boolean }) => {
      installCliRuntime(ctx.io.env, 'WARN');
      // The platform pulls in NestJS and TypeORM: loaded only when this command runs.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { startPlatform } = require('../../platform/start-platform') as typeof Platform;
      let platform: Platform.RunningPlatform;
      try {
        platform = await startPlatform({
          worker: options.worker,
          env: ctx.io.env,
          log: (text) => ctx.io.err(line(text)),
        });
      } catch (err) {
        ctx.io.err(line(`error: ${err instanceof Error ? err.message : String(err)}`));
        ctx.exitCode = err instanceof Error && err.name === 'ConfigError' ? EXIT.INVALID : EXIT.UNAVAILABLE;
        return;
      }
      await new Promise<void>((resolve) => {
        let stopping = false;
        const onSignal = (signal: NodeJS.Signals) => {
          if (stopping) {
            ctx.io.err(line(`${signal} again: exiting at once.`));
            process.exit(EXIT.INTERRUPTED);
          }
          stopping = true;
          ctx.io.err(line(`${signal}: stopping (the worker drains first)...`));
          void platform.stop().then(resolve);
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
        void platform.worker?.done.catch((err: unknown) => {
          ctx.io.err(line(`worker crashed: ${err instanceof Error ? err.message : String(err)}`));
          ctx.exitCode = EXIT.FAILED;
          onSignal('SIGTERM');
        });
      });
      ctx.io.err(line('Switchyard stopped.'));
    });
}
