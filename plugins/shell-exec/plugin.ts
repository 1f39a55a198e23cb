import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import {
  CappedOutput,
  PluginError,
  cancellationError,
  definePlugin,
  durationToMs,
  keepHeartbeating,
  type Plugin,
} from '../sdk';
import {
  shellExecExamples,
  shellExecInputSchema,
  shellExecOutputSchema,
  type ShellExecInput,
  type ShellExecOutput,
} from './schema';

/** Tunables of {@link createShellExecPlugin}; the defaults are what `shell.exec` uses. */
export interface ShellExecOptions {
  /** Between heartbeats while the command runs (default 5 s). */
  heartbeatIntervalMs?: number;
  /** Between SIGTERM and SIGKILL to the process group when the node is cancelled or times out (default 5 s). */
  killGraceMs?: number;
  /** Kept of each of stdout and stderr (default 1 MiB). */
  maxOutputBytes?: number;
  /**
   * The programs this worker may run, when it restricts `shell.exec` (a worker setting; unset means
   * anything). A bare name (`kubectl`) allows that name looked up on `PATH`; a path
   * (`/usr/local/bin/deploy`) allows exactly that path. `argv[0]`, or the first word of `command`,
   * must be listed; `command` may then use no shell operators or expansions (`;`, `&`, `|`, `<`,
   * `>`, `$`, backquotes, parentheses, backslashes, newlines; single-quoted text excepted), and
   * `env` may not set `PATH`, `IFS`, `LD_*` and the like, so a node cannot chain, smuggle or
   * redirect to another program. Refusals are `CommandNotAllowed`, never retried.
   */
  allowedCommands?: readonly string[];
}

/** The `PluginError` type of a command this worker's `allowedCommands` does not allow. */
export const COMMAND_NOT_ALLOWED = 'CommandNotAllowed';

const MESSAGE_TAIL_CHARS = 500;
const HEARTBEAT_TAIL_CHARS = 200;

/**
 * Builds the `shell.exec` plugin. The process runs in a process group of its own; cancellation and
 * timeout end the whole group (SIGTERM, then SIGKILL after the grace period), background children included.
 *
 * @example new PluginRegistry([createShellExecPlugin({ killGraceMs: 10_000 })])
 */
export function createShellExecPlugin(options: ShellExecOptions = {}): Plugin<ShellExecInput, ShellExecOutput> {
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? 5_000;
  const killGraceMs = options.killGraceMs ?? 5_000;
  const maxOutputBytes = options.maxOutputBytes ?? 1024 * 1024;
  const allowed = options.allowedCommands ? [...options.allowedCommands] : undefined;
  if (allowed?.some((entry) => entry.trim() === '' || /\s/.test(entry))) {
    throw new Error('shell.exec allowedCommands: each entry must be a program name or path, without spaces');
  }
  const restriction = allowed
    ? ` On this worker it may run only: ${allowed.length > 0 ? allowed.join(', ') : 'nothing'}.`
    : '';

  return definePlugin<ShellExecInput, ShellExecOutput>({
    type: 'shell.exec',
    version: '1.0.0',
    title: 'Shell command',
    description:
      'Runs a command with /bin/sh -c, or a program with its arguments, on the worker. ' +
      `A non-zero exit fails the node; stdout and stderr are its output.${restriction}`,
    inputSchema: shellExecInputSchema,
    outputSchema: shellExecOutputSchema,
    defaults: { retry: { maximumAttempts: 1 }, timeout: { startToClose: '10m', heartbeat: '30s' } },
    examples: shellExecExamples,

    async execute(ctx, input) {
      const [file, args] = programOf(input);
      if (allowed) checkAllowed(input, allowed);
      const timeoutMs = input.timeout === undefined ? undefined : durationToMs(input.timeout);
      if (input.timeout !== undefined && !(timeoutMs !== undefined && timeoutMs > 0)) {
        throw invalidInput('timeout must be a duration like "5m" or a positive number of milliseconds');
      }
      if (input.cwd !== undefined) await checkDirectory(input.cwd);
      if (ctx.signal.aborted) throw cancellationError(ctx.signal);

      const child = spawn(file, args, {
        cwd: input.cwd,
        env: { ...process.env, ...input.env },
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const stdout = new CappedOutput(maxOutputBytes);
      const stderr = new CappedOutput(maxOutputBytes);
      child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));

      const started = Date.now();
      let stopping: 'cancelled' | 'timeout' | undefined;
      let killTimer: NodeJS.Timeout | undefined;
      let timeoutTimer: NodeJS.Timeout | undefined;
      let stopHeartbeat = (): void => undefined;
      const signalGroup = (signal: NodeJS.Signals): void => {
        if (child.pid === undefined) return;
        try {
          process.kill(-child.pid, signal);
        } catch {
          // ESRCH: the group is already gone.
        }
      };
      let sigkillSent = (): void => undefined;
      const sigkill = new Promise<void>((resolve) => (sigkillSent = resolve));
      const stop = (reason: 'cancelled' | 'timeout'): void => {
        if (stopping) return;
        stopping = reason;
        ctx.logger.info(`shell.exec ${reason}: ending process group`, { pid: child.pid, graceMs: killGraceMs });
        signalGroup('SIGTERM');
        killTimer = setTimeout(() => {
          signalGroup('SIGKILL');
          sigkillSent();
          // A process outside the group (setsid) may still hold the pipes: stop waiting for them.
          setTimeout(() => {
            child.stdout.destroy();
            child.stderr.destroy();
          }, 1_000).unref();
        }, killGraceMs);
      };
      const onAbort = (): void => stop('cancelled');
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      if (timeoutMs !== undefined) timeoutTimer = setTimeout(() => stop('timeout'), timeoutMs);

      if (child.pid !== undefined) {
        stopHeartbeat = keepHeartbeating(ctx, heartbeatIntervalMs, () => ({
          pid: child.pid,
          elapsedMs: Date.now() - started,
          stdoutTail: stdout.tail(HEARTBEAT_TAIL_CHARS),
          stderrTail: stderr.tail(HEARTBEAT_TAIL_CHARS),
        }));
      }

      try {
        const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
          child.once('error', (err) => {
            if (child.pid === undefined) reject(spawnError(file, err));
          });
          child.once('close', (code, signal) => resolve({ code, signal }));
        });
        if (stopping) {
          // The leader is gone; wait for the SIGKILL only while other members of its group live on.
          if (groupAlive(child.pid!)) await sigkill;
          if (stopping === 'cancelled') throw cancellationError(ctx.signal);
          throw new PluginError('ShellTimeout', `Command timed out after ${timeoutMs}ms and was killed`, {
            retryable: true,
            details: { timeoutMs: timeoutMs ?? null, stdoutTail: stdout.tail(2000), stderrTail: stderr.tail(2000) },
          });
        }
        if (exit.code !== 0) {
          const how =
            exit.code === null ? `was killed by ${exit.signal ?? 'a signal'}` : `exited with code ${exit.code}`;
          const tail = stderr.tail(MESSAGE_TAIL_CHARS).trim();
          throw new PluginError('ShellExitError', `Command ${how}${tail ? `; stderr: ${tail}` : ''}`, {
            retryable: true,
            details: {
              exitCode: exit.code,
              signal: exit.signal,
              stdoutTail: stdout.tail(2000),
              stderrTail: stderr.tail(2000),
            },
          });
        }
        return {
          exitCode: 0,
          stdout: stdout.text(),
          stderr: stderr.text(),
          truncated: stdout.truncated || stderr.truncated,
        };
      } finally {
        stopHeartbeat();
        clearTimeout(timeoutTimer);
        clearTimeout(killTimer);
        ctx.signal.removeEventListener('abort', onAbort);
      }
    },
  });
}

/** `shell.exec` v1.0.0 with the default tunables. */
export const shellExec = createShellExecPlugin();

function invalidInput(message: string): PluginError {
  return new PluginError('InvalidInput', message, { retryable: false });
}

function programOf(input: ShellExecInput): [string, string[]] {
  const hasCommand = input.command !== undefined;
  const hasArgv = input.argv !== undefined;
  if (hasCommand === hasArgv) throw invalidInput('give exactly one of command and argv');
  if (hasCommand) return ['/bin/sh', ['-c', input.command as string]];
  const argv = input.argv as string[];
  if (argv.length === 0 || argv[0].length === 0) throw invalidInput('argv must start with a program');
  return [argv[0], argv.slice(1)];
}

/**
 * Throws `CommandNotAllowed` unless the program `input` would run is in `allowed` (see
 * {@link ShellExecOptions.allowedCommands}). Never quotes the command: it may hold secrets.
 */
export function checkAllowed(input: ShellExecInput, allowed: readonly string[]): void {
  const program = input.argv ? input.argv[0] : firstWordOf(input.command ?? '');
  if (!allowed.includes(program)) {
    throw notAllowed(
      `shell.exec on this worker may run only ${allowed.length > 0 ? allowed.join(', ') : 'nothing'}; ` +
        `${JSON.stringify(program)} is not allowed`,
    );
  }
  // These would change which program a listed name resolves to, or make the shell run code of its own.
  const risky = Object.keys(input.env ?? {}).filter((name) => RISKY_ENV.test(name));
  if (risky.length > 0) {
    throw notAllowed(`env may not set ${risky.join(', ')} on a worker that restricts its commands`);
  }
}

const RISKY_ENV = /^(PATH|IFS|ENV|BASH_ENV|SHELLOPTS|BASHOPTS|PS4|LD_.*|DYLD_.*)$/;

function notAllowed(message: string): PluginError {
  return new PluginError(COMMAND_NOT_ALLOWED, message, { retryable: false });
}

/** What chains, redirects, substitutes or escapes in `sh`: outside quotes, and (the first three) inside double quotes. */
const UNQUOTED_OPERATORS = new Set([';', '&', '|', '<', '>', '$', '`', '(', ')', '\\', '\n', '\r']);
const DOUBLE_QUOTED_OPERATORS = new Set(['$', '`', '\\']);

/**
 * The program a `/bin/sh -c` command line starts, when the line is a plain command: a plain first
 * word, then arguments, with no shell operators or expansions (single-quoted text is literal).
 */
function firstWordOf(command: string): string {
  let quote: "'" | '"' | undefined;
  for (const char of command) {
    if (quote === "'") {
      if (char === "'") quote = undefined;
      continue;
    }
    if (quote === '"') {
      if (char === '"') quote = undefined;
      else if (DOUBLE_QUOTED_OPERATORS.has(char)) throw operatorRefused(char);
      continue;
    }
    if (UNQUOTED_OPERATORS.has(char)) throw operatorRefused(char);
    if (char === "'" || char === '"') quote = char;
  }
  if (quote) throw notAllowed('command has an unterminated quote');
  const first = command.trim().split(/[ \t]+/)[0] ?? '';
  if (!/^[A-Za-z0-9_./+-]+$/.test(first)) {
    throw notAllowed(
      'the first word of command must be a plain program name or path (no quotes, globs or assignments)',
    );
  }
  return first;
}

function operatorRefused(char: string): PluginError {
  const shown = char === '\n' ? 'a newline' : char === '\r' ? 'a carriage return' : `"${char}"`;
  return notAllowed(
    `command contains ${shown}, which shell.exec does not allow on a worker that restricts its commands ` +
      '(give argv, or one command without shell operators or expansions)',
  );
}

async function checkDirectory(cwd: string): Promise<void> {
  const info = await stat(cwd).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new PluginError('InvalidInput', `cwd ${cwd} is not a directory on this worker`, { retryable: false });
  }
}

/**
 * Whether any process of group `pgid` is still running. Zombies do not count: where PID 1 does not
 * reap orphans (some containers), killed children linger as zombies that `kill(-pgid, 0)` still finds.
 */
function groupAlive(pgid: number): boolean {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return probeGroup(pgid);
  }
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so split after the last ')'.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') return true;
  }
  return false;
}

function probeGroup(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function spawnError(file: string, err: Error): PluginError {
  const code = (err as NodeJS.ErrnoException).code;
  return new PluginError('ShellSpawnError', `Could not start ${file}: ${code ?? err.message}`, {
    retryable: false,
    details: code ? { code } : null,
  });
}
