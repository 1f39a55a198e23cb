import { Command } from 'commander';
import type { CliContext } from '../context';
import { EXIT } from '../exit-codes';
import { line } from '../io';

/**
 * `switchyard start`: the platform (API + worker, with embedded Temporal and PostgreSQL when
 * TEMPORAL_ADDRESS / DATABASE_URL are unset); `npm start` runs it.
 *
 * PLATFORM HOOK: the platform engineer replaces this action with the real bootstrap (keep the
 * command name and description; `npm start` depends on them).
 */
export function startCommand(ctx: CliContext): Command {
  return new Command('start')
    .description('run the platform: API + worker (+ embedded Temporal and PostgreSQL when not configured)')
    .action(() => {
      ctx.io.err(line('switchyard start: not available yet (the platform bootstrap is still being built).'));
      ctx.exitCode = EXIT.FAILED;
    });
}
