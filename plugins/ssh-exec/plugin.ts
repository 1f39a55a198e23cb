import {
  Client,
  utils as sshUtils,
  type AnyAuthMethod,
  type ClientChannel,
  type ConnectConfig,
  type ParsedKey,
  type ServerHostKeyAlgorithm,
} from 'ssh2';
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
  decideHostKey,
  knownHostName,
  parseKnownHosts,
  preferredAlgorithms,
  type HostKeyDecision,
  type KnownHostEntry,
} from './known-hosts';
import {
  sshExecExamples,
  sshExecInputSchema,
  sshExecOutputSchema,
  type SshExecInput,
  type SshExecOutput,
  type SshHostError,
  type SshHostResult,
  type SshHostSpec,
} from './schema';

/** Tunables of {@link createSshExecPlugin}; the defaults are what `ssh.exec` uses. */
export interface SshExecOptions {
  /** Between heartbeats while hosts run (default 5 s). */
  heartbeatIntervalMs?: number;
  /** Kept of each of stdout and stderr per host (default 256 KiB), within the 1 MiB budget of all hosts. */
  maxOutputBytes?: number;
}

/** All hosts' stdout and stderr together stay under this, so the output fits a Temporal payload. */
const OUTPUT_BUDGET_BYTES = 1024 * 1024;
const DEFAULT_CONNECT_TIMEOUT_MS = 20_000;
const MESSAGE_TAIL_CHARS = 300;
const MAX_FAILURES_IN_MESSAGE = 5;
/** Secrets shorter than this are not scrubbed from outputs: masking every `ab` would garble them. */
const MIN_SCRUBBED_SECRET = 4;

/** Host errors that retrying cannot fix. */
const PERMANENT_HOST_ERRORS = new Set([
  'SshHostKeyUnknown',
  'SshHostKeyMismatch',
  'SshHostKeyRevoked',
  'SshAuthFailed',
  'Cancelled',
]);

interface Target {
  host: string;
  port: number;
  user: string;
}

/** What every host's connection shares. */
interface Job {
  remoteCommand: string;
  stdin?: string;
  pty: boolean;
  /** Parsed once per node: decrypting a key with bcrypt rounds takes a second or two. */
  auth: { key?: ParsedKey; password?: string };
  knownHosts: KnownHostEntry[];
  acceptNew: boolean;
  connectTimeoutMs: number;
  timeoutMs?: number;
  outputCap: number;
  signal: AbortSignal;
  scrub: (text: string) => string;
}

/**
 * Builds the `ssh.exec` plugin: runs a command or a script on a list of hosts over SSH (ssh2),
 * `concurrency` hosts at a time, and returns one result per host in input order.
 *
 * Host keys are checked against `knownHosts`; unknown hosts are refused unless
 * `hostKeyPolicy: accept-new`. Credentials (`privateKey`, `passphrase`, `password`) never appear
 * in logs, heartbeats, errors or outputs. Cancellation signals the remote commands (TERM) and
 * closes every connection.
 *
 * @example
 * { id: restart, type: ssh.exec, with: {
 *     hosts: ["deploy@web-1:22", "deploy@web-2:22"], command: "sudo systemctl restart web",
 *     privateKey: "${secrets.DEPLOY_KEY}", knownHosts: ["web-1 ssh-ed25519 AAAA...", "web-2 ssh-ed25519 AAAA..."] } }
 */
export function createSshExecPlugin(options: SshExecOptions = {}): Plugin<SshExecInput, SshExecOutput> {
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? 5_000;
  const maxOutputBytes = options.maxOutputBytes ?? 256 * 1024;

  return definePlugin<SshExecInput, SshExecOutput>({
    type: 'ssh.exec',
    version: '1.0.0',
    title: 'SSH command',
    description:
      'Runs a command or a script on a list of hosts over SSH, with a concurrency limit, host key checking ' +
      'and per-host results. The node fails when any host fails (or, with failOn: all, when every host fails).',
    inputSchema: sshExecInputSchema,
    outputSchema: sshExecOutputSchema,
    defaults: { retry: { maximumAttempts: 1 }, timeout: { startToClose: '30m', heartbeat: '1m' } },
    examples: sshExecExamples,

    async execute(ctx, input) {
      const targets = input.hosts.map((spec, index) => toTarget(spec, index, input));
      const job = prepareJob(input, targets.length, maxOutputBytes, ctx.signal);
      const concurrency = Math.min(input.concurrency ?? 5, targets.length);
      if (ctx.signal.aborted) throw cancellationError(ctx.signal);

      const results: SshHostResult[] = new Array<SshHostResult>(targets.length);
      const newHostKeys: Array<string | undefined> = new Array<string | undefined>(targets.length);
      const running: string[] = [];
      let done = 0;
      let next = 0;
      const stopHeartbeat = keepHeartbeating(ctx, heartbeatIntervalMs, () => ({
        hostsDone: done,
        hostsTotal: targets.length,
        running: [...running],
      }));
      ctx.logger.info('ssh.exec starting', { hosts: targets.length, concurrency });

      const lane = async (): Promise<void> => {
        while (next < targets.length && !ctx.signal.aborted) {
          const index = next;
          next += 1;
          const target = targets[index];
          const label = `${target.user}@${knownHostName(target.host, target.port)}`;
          running.push(label);
          const { result, newHostKey } = await runOnHost(target, job);
          running.splice(running.indexOf(label), 1);
          results[index] = result;
          newHostKeys[index] = newHostKey;
          done += 1;
          ctx.logger.debug('ssh.exec host done', {
            host: label,
            exitCode: result.exitCode,
            error: result.error?.type,
            ms: result.durationMs,
          });
        }
      };
      try {
        await Promise.all(Array.from({ length: concurrency }, lane));
      } finally {
        stopHeartbeat();
      }
      if (ctx.signal.aborted) throw cancellationError(ctx.signal);

      const failures = results.filter(hostFailed);
      const output: SshExecOutput = {
        results,
        succeeded: results.length - failures.length,
        failed: failures.length,
        newHostKeys: [...new Set(newHostKeys.filter((line): line is string => line !== undefined))],
      };
      const failOn = input.failOn ?? 'any';
      if (failures.length > 0 && (failOn === 'any' || failures.length === results.length)) {
        throw new PluginError(
          'SshExecFailed',
          `ssh.exec failed on ${failures.length} of ${results.length} host(s): ${summarize(failures)}`,
          {
            retryable: failures.some((result) => !PERMANENT_HOST_ERRORS.has(result.error?.type ?? '')),
            details: output,
          },
        );
      }
      return output;
    },
  });
}

/** `ssh.exec` v1.0.0 with the default tunables. */
export const sshExec = createSshExecPlugin();

function invalidInput(message: string): PluginError {
  return new PluginError('InvalidInput', message, { retryable: false });
}

function hostFailed(result: SshHostResult): boolean {
  return result.error !== undefined || result.exitCode !== 0;
}

/** The first few failures, in words; the rest are counted (every result is in the error's details). */
function summarize(failures: readonly SshHostResult[]): string {
  const shown = failures.slice(0, MAX_FAILURES_IN_MESSAGE).map(describeFailure).join('; ');
  const more = failures.length - MAX_FAILURES_IN_MESSAGE;
  return more > 0 ? `${shown}; and ${more} more` : shown;
}

function describeFailure(result: SshHostResult): string {
  const name = `${result.host}:${result.port}`;
  if (result.error) return `${name} ${result.error.type}: ${result.error.message}`;
  const tail = result.stderr.trim().slice(-MESSAGE_TAIL_CHARS);
  return `${name} exited with code ${result.exitCode}${tail ? ` (stderr: ${tail})` : ''}`;
}

/** Reads a host spec: `{ host, port?, user? }` or `[user@]host[:port]`, falling back to the node's `user` and `port`. */
export function toTarget(spec: SshHostSpec, index: number, defaults: { user?: string; port?: number }): Target {
  let host: string;
  let port: number | undefined;
  let user: string | undefined;
  if (typeof spec === 'string') {
    const match = /^(?:([^@\s]+)@)?(\[[0-9A-Fa-f:.]+\]|[^@\s:[\]]+)(?::(\d{1,5}))?$/.exec(spec);
    if (!match) throw invalidInput(`hosts[${index}] must look like [user@]host[:port]`);
    user = match[1];
    host = match[2].startsWith('[') ? match[2].slice(1, -1) : match[2];
    port = match[3] === undefined ? undefined : Number(match[3]);
  } else {
    ({ host, port, user } = spec);
  }
  port ??= defaults.port ?? 22;
  user ??= defaults.user;
  if (!user) throw invalidInput(`hosts[${index}] names no user and the node sets no user`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw invalidInput(`hosts[${index}] has an invalid port`);
  return { host, port, user };
}

function prepareJob(input: SshExecInput, hostCount: number, maxOutputBytes: number, signal: AbortSignal): Job {
  const hasCommand = input.command !== undefined;
  if (hasCommand === (input.script !== undefined)) throw invalidInput('give exactly one of command and script');
  if (input.privateKey === undefined && input.password === undefined) {
    throw invalidInput('give a privateKey or a password');
  }
  let key: ParsedKey | undefined;
  if (input.privateKey !== undefined) {
    // Parsed once up front so a bad key fails the node before any connection, in words of our own:
    // a parser's message might quote the key.
    const parsed = sshUtils.parseKey(input.privateKey, input.passphrase);
    if (parsed instanceof Error) {
      throw invalidInput(
        input.passphrase === undefined
          ? 'privateKey is not a private key ssh.exec can read (OpenSSH or PEM), or it needs a passphrase'
          : 'privateKey is not a private key ssh.exec can read with this passphrase',
      );
    }
    if (!parsed.isPrivateKey()) throw invalidInput('privateKey holds a public key; give the private key');
    key = parsed;
  }
  let knownHosts: KnownHostEntry[];
  try {
    knownHosts = parseKnownHosts(input.knownHosts ?? []);
  } catch (err) {
    throw invalidInput((err as Error).message);
  }
  const connectTimeoutMs =
    input.connectTimeout === undefined ? DEFAULT_CONNECT_TIMEOUT_MS : durationToMs(input.connectTimeout);
  if (connectTimeoutMs === undefined || connectTimeoutMs <= 0) {
    throw invalidInput('connectTimeout must be a duration like "20s" or a positive number of milliseconds');
  }
  const timeoutMs = input.timeout === undefined ? undefined : durationToMs(input.timeout);
  if (input.timeout !== undefined && !(timeoutMs !== undefined && timeoutMs > 0)) {
    throw invalidInput('timeout must be a duration like "5m" or a positive number of milliseconds');
  }

  const exports = Object.entries(input.env ?? {})
    .map(([name, value]) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw invalidInput(`env name ${name} is not a shell variable name`);
      return `export ${name}=${shellQuote(value)}\n`;
    })
    .join('');
  const interpreter = input.interpreter ?? 'sh';
  if (!/^[A-Za-z0-9_./-]+$/.test(interpreter)) throw invalidInput('interpreter must be a program name or path');

  const secrets = [input.password, input.passphrase, input.privateKey].filter(
    (secret): secret is string => typeof secret === 'string' && secret.length >= MIN_SCRUBBED_SECRET,
  );
  return {
    remoteCommand: hasCommand ? `${exports}${input.command}` : `${interpreter} -s`,
    stdin: hasCommand ? undefined : `${exports}${input.script}`,
    pty: input.pty ?? false,
    auth: { key, password: input.password },
    knownHosts,
    acceptNew: input.hostKeyPolicy === 'accept-new',
    connectTimeoutMs,
    timeoutMs,
    outputCap: Math.min(maxOutputBytes, Math.max(1024, Math.floor(OUTPUT_BUDGET_BYTES / (2 * hostCount)))),
    signal,
    scrub: (text) => secrets.reduce((out, secret) => out.split(secret).join('***'), text),
  };
}

/** `it's` → `'it'\''s'`: safe inside any POSIX shell command. */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Connects to one host, runs the job's command, and always resolves: problems become the result's `error`. */
function runOnHost(target: Target, job: Job): Promise<{ result: SshHostResult; newHostKey?: string }> {
  const name = knownHostName(target.host, target.port);
  const started = Date.now();
  const stdout = new CappedOutput(job.outputCap);
  const stderr = new CappedOutput(job.outputCap);
  const client = new Client();

  return new Promise((resolve) => {
    let settled = false;
    let channel: ClientChannel | undefined;
    let hostKey: HostKeyDecision | undefined;
    let exit: { code: number | null; signal?: string } | undefined;
    let timer: NodeJS.Timeout | undefined;

    const finish = (error?: SshHostError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      job.signal.removeEventListener('abort', onAbort);
      client.end();
      // A peer that never acknowledges the disconnect must not keep the socket (and the worker) busy.
      setTimeout(() => client.destroy(), 1_000).unref();
      const result: SshHostResult = {
        host: target.host,
        port: target.port,
        user: target.user,
        exitCode: error ? null : (exit?.code ?? null),
        stdout: job.scrub(stdout.text()),
        stderr: job.scrub(stderr.text()),
        truncated: stdout.truncated || stderr.truncated,
        durationMs: Date.now() - started,
      };
      if (error) result.error = { type: error.type, message: job.scrub(error.message) };
      resolve({ result, newHostKey: hostKey?.ok ? hostKey.newLine : undefined });
    };
    /** Ends the remote command: a TERM signal (needs privilege separation on the server), then the channel. */
    const stopRemote = (): void => {
      if (!channel) return;
      try {
        signalChannel(channel, 'TERM');
      } catch {
        // the channel is already closing
      }
      channel.close();
    };
    const onAbort = (): void => {
      stopRemote();
      finish({ type: 'Cancelled', message: 'the node was cancelled' });
    };
    job.signal.addEventListener('abort', onAbort, { once: true });

    client.on('ready', () => {
      client.exec(job.remoteCommand, { pty: job.pty }, (err, stream) => {
        if (err) return finish({ type: 'SshChannelError', message: `could not start the command: ${err.message}` });
        if (settled) return void stream.close();
        channel = stream;
        stream.on('data', (chunk: Buffer) => stdout.push(chunk));
        stream.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
        stream.on('exit', (code: number | null, signal?: string) => {
          exit = { code: typeof code === 'number' ? code : null, signal: signal ?? undefined };
        });
        stream.on('close', () => {
          if (exit?.code !== null && exit?.code !== undefined) return finish();
          finish({
            type: 'SshCommandKilled',
            message: exit?.signal
              ? `the command was killed by SIG${exit.signal}`
              : 'the command ended without an exit status',
          });
        });
        if (job.timeoutMs !== undefined) {
          timer = setTimeout(() => {
            stopRemote();
            finish({ type: 'SshTimeout', message: `the command timed out after ${job.timeoutMs}ms` });
          }, job.timeoutMs);
        }
        stream.end(job.stdin);
      });
    });
    client.on('error', (err: Error & { level?: string }) => finish(classifyClientError(err, hostKey)));
    client.on('close', () =>
      finish({ type: 'SshConnectionError', message: 'the connection closed before the command finished' }),
    );

    const preferred = preferredAlgorithms(job.knownHosts, name) as ServerHostKeyAlgorithm[];
    const config: ConnectConfig = {
      host: target.host,
      port: target.port,
      username: target.user,
      readyTimeout: job.connectTimeoutMs,
      authHandler: authMethods(target.user, job.auth),
      ...(preferred.length > 0
        ? { algorithms: { serverHostKey: { remove: preferred, prepend: preferred, append: [] } } }
        : {}),
      hostVerifier: (key: Buffer) => {
        hostKey = decideHostKey(job.knownHosts, name, key, job.acceptNew);
        return hostKey.ok;
      },
    };
    try {
      client.connect(config);
    } catch (err) {
      finish({ type: 'SshConnectionError', message: `could not connect: ${(err as Error).message}` });
    }
  });
}

/** What ssh2 tries, in order: the key, then the password. */
function authMethods(username: string, auth: Job['auth']): AnyAuthMethod[] {
  const methods: AnyAuthMethod[] = [];
  if (auth.key) methods.push({ type: 'publickey', username, key: auth.key });
  if (auth.password !== undefined) methods.push({ type: 'password', username, password: auth.password });
  return methods;
}

/** ssh2's error `level` says which stage failed. */
function classifyClientError(err: Error & { level?: string }, hostKey: HostKeyDecision | undefined): SshHostError {
  if (hostKey && !hostKey.ok) return { type: hostKey.type, message: hostKey.message };
  switch (err.level) {
    case 'client-authentication':
      return { type: 'SshAuthFailed', message: 'authentication failed (the key or password was refused)' };
    case 'client-timeout':
      return { type: 'SshTimeout', message: `no SSH handshake within the connect timeout: ${err.message}` };
    case 'client-socket':
    case 'client-dns':
      return { type: 'SshConnectionError', message: err.message };
    default:
      return { type: 'SshConnectionError', message: err.message };
  }
}

/** The parts of an ssh2 channel that {@link signalChannel} reaches into. */
interface ChannelInternals {
  outgoing?: { state?: string; id?: number };
  _client?: { _protocol?: { signal?: (id: number, name: string) => void } };
}

/**
 * Sends a `signal` channel request (RFC 4254 6.9). ssh2's `channel.signal()` stays silent once
 * stdin has been closed, which ssh.exec always does so that commands reading stdin do not hang;
 * the protocol allows the request regardless, so it is sent directly when the internals are there.
 */
function signalChannel(channel: ClientChannel, name: string): void {
  const internals = channel as unknown as ChannelInternals;
  const protocol = internals._client?._protocol;
  const id = internals.outgoing?.id;
  const state = internals.outgoing?.state;
  if ((state === 'open' || state === 'eof') && typeof id === 'number' && typeof protocol?.signal === 'function') {
    protocol.signal(id, name);
  } else {
    channel.signal(name);
  }
}
