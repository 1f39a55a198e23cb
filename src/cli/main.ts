#!/usr/bin/env node
/** The `switchyard` executable: runs the command line and exits with its code. */
import type { CliContext } from './context';
import { EXIT } from './exit-codes';
import { processIo } from './io';
import { runCli } from './program';

const ctx: CliContext = { io: processIo(), exitCode: EXIT.SUCCEEDED };

runCli(ctx, process.argv).then(
  (code) => exit(code),
  (err: unknown) => {
    process.stderr.write(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    exit(EXIT.UNAVAILABLE);
  },
);

/** Exits once stdout and stderr are flushed: the SDK's native runtime would otherwise keep the process alive. */
function exit(code: number): void {
  let pending = 2;
  const done = () => {
    pending -= 1;
    if (pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}
