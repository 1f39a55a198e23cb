import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { pluginCommand } from './commands/plugin-new.command';
import { runCommand } from './commands/run.command';
import { startCommand } from './commands/start.command';
import { validateCommand } from './commands/validate.command';
import { workerCommand } from './commands/worker.command';
import type { CliContext } from './context';
import { EXIT } from './exit-codes';

/** Our package.json's version, found from here both in the sources and in dist/. */
function packageVersion(): string {
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === 'switchyard') return manifest.version ?? '0.0.0';
    } catch {
      // not here; look one folder up
    }
  }
  return '0.0.0';
}

/** The `switchyard` command line. Each command lives in its own file under commands/. */
export function createProgram(ctx: CliContext): Command {
  const program = new Command('switchyard')
    .description('Switchyard: durable DAG workflows for operations teams, on Temporal')
    .version(packageVersion())
    .showHelpAfterError()
    .configureOutput({ writeOut: (text) => ctx.io.out(text), writeErr: (text) => ctx.io.err(text) })
    .exitOverride();
  program.addCommand(validateCommand(ctx));
  program.addCommand(runCommand(ctx));
  program.addCommand(startCommand(ctx));
  program.addCommand(workerCommand(ctx));
  program.addCommand(pluginCommand(ctx));
  for (const command of program.commands) command.exitOverride().showHelpAfterError();
  return program;
}

/** Runs the CLI on `argv` (as `process.argv`) and returns the exit code. */
export async function runCli(ctx: CliContext, argv: readonly string[]): Promise<number> {
  try {
    await createProgram(ctx).parseAsync([...argv]);
    return ctx.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0; a usage error (unknown option, missing FILE) is an invalid invocation.
      return err.exitCode === 0 ? EXIT.SUCCEEDED : EXIT.INVALID;
    }
    throw err;
  }
}
