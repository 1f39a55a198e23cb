/**
 * A platform process of the chaos harness (the CLI's sources, `src/cli/main.ts <args>`): started, killed and
 * restarted on demand; its output goes to a log file; `ready` once a line matches `readyLine`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';

export interface ManagedChild {
  name: string;
  /** Starts it (when not running) and resolves once it printed its ready line. */
  start(): Promise<void>;
  /** Sends `signal` and resolves once it exited. */
  stop(signal: NodeJS.Signals): Promise<void>;
  running(): boolean;
  isReady(): boolean;
  /** Starts so far, and exits nobody asked for. */
  starts(): number;
  unexpectedExits(): number;
}

// The sources of this checkout, never a dist/ that an earlier `npm run build` may have left stale.
const CLI = join(__dirname, '..', '..', 'src', 'cli', 'main.ts');

export function managedChild(options: {
  name: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  readyLine: RegExp;
  logFile: string;
  /** Restart it when it exits unasked (after `restartDelayMs`). */
  autoRestart?: boolean;
  restartDelayMs?: number;
  timeoutMs?: number;
}): ManagedChild {
  let child: ChildProcess | undefined;
  let ready = false;
  let starts = 0;
  let unexpected = 0;
  let stopping = false;
  const log: WriteStream = createWriteStream(options.logFile, { flags: 'a' });

  const start = (): Promise<void> => {
    if (child) return Promise.resolve();
    starts += 1;
    ready = false;
    stopping = false;
    log.write(`\n=== start #${starts} at ${new Date().toISOString()}\n`);
    const proc = spawn(process.execPath, ['-r', '@swc-node/register', CLI, ...options.args], {
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    // Never outlive the harness, even when it dies without stopping us.
    const killOnExit = () => proc.kill('SIGKILL');
    process.once('exit', killOnExit);
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${options.name} not ready within ${options.timeoutMs ?? 120_000} ms`)),
        options.timeoutMs ?? 120_000,
      );
      let buffer = '';
      const onData = (chunk: Buffer) => {
        log.write(chunk);
        if (ready) return;
        buffer = (buffer + chunk.toString()).slice(-4000);
        if (options.readyLine.test(buffer)) {
          ready = true;
          clearTimeout(timer);
          resolve();
        }
      };
      proc.stdout.on('data', onData);
      proc.stderr.on('data', onData);
      proc.once('exit', (code, signal) => {
        log.write(`=== exit code ${code} signal ${signal} at ${new Date().toISOString()}\n`);
        process.removeListener('exit', killOnExit);
        if (child === proc) child = undefined;
        ready = false;
        clearTimeout(timer);
        if (!stopping) {
          unexpected += 1;
          reject(new Error(`${options.name} exited (code ${code}, signal ${signal})`));
          if (options.autoRestart) {
            setTimeout(() => {
              if (!child && !stopping) void start().catch(() => {});
            }, options.restartDelayMs ?? 1000);
          }
        }
      });
    });
  };

  return {
    name: options.name,
    start,
    async stop(signal) {
      const proc = child;
      // Also when it is down: a pending automatic restart must not bring it back.
      stopping = true;
      if (!proc) return;
      const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      proc.kill(signal);
      await exited;
    },
    running: () => child !== undefined,
    isReady: () => ready,
    starts: () => starts,
    unexpectedExits: () => unexpected,
  };
}
