import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { SWITCHYARD_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { ensureTemporalCli } from './cli-binary';

export interface DevServerOptions {
  /** Frontend (gRPC) port; a free one when absent. */
  port?: number;
  /** Web UI port; a free one when absent. Ignored when `headless`. */
  uiPort?: number;
  /** No Web UI. */
  headless?: boolean;
  /** SQLite file that keeps history across restarts; in memory when absent. */
  dbFile?: string;
  /**
   * The remote codec the Web UI decodes payloads with (`--ui-codec-endpoint`), e.g. the API's
   * `http://localhost:3000/codec`. Ignored when `headless`.
   */
  uiCodecEndpoint?: string;
  /** Namespace to create besides `default`, and the one checked for readiness. */
  namespace?: string;
  /** Progress lines (building the CLI, the server's own output); nothing when absent. */
  log?: (line: string) => void;
  /** How long to wait for the frontend to answer (default 60 s). */
  readyTimeoutMs?: number;
}

/** A running `temporal server start-dev` child process. */
export interface DevServer {
  /** `127.0.0.1:<port>`, what TEMPORAL_ADDRESS would hold. */
  address: string;
  /** The Web UI, when not headless. */
  uiUrl?: string;
  namespace: string;
  /** Stops the server (SIGTERM, then SIGKILL after a grace period); safe to call twice. */
  stop(): Promise<void>;
}

/** Thrown when the dev server exits early or does not answer in time; carries its stderr. */
export class DevServerStartError extends Error {
  constructor(message: string, stderr: string) {
    super(stderr.trim() ? `${message}\n--- temporal stderr ---\n${stderr.trim()}` : message);
    this.name = 'DevServerStartError';
  }
}

/** A port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** `--search-attribute Name=Type` for every attribute a run carries. */
export function searchAttributeArgs(): string[] {
  return SWITCHYARD_SEARCH_ATTRIBUTES.flatMap((key) => [
    '--search-attribute',
    `${key.name}=${TypedSearchAttributes.toMetadataType(key.type)}`,
  ]);
}

const TAIL_LIMIT = 8000;

/**
 * Starts the pinned Temporal CLI's dev server on 127.0.0.1 and resolves once its frontend answers.
 * The child process is killed by `stop()` and, as a last resort, when this process exits.
 *
 * @example
 * const server = await startDevServer({ headless: true });
 * const connection = await NativeConnection.connect({ address: server.address });
 * // ...
 * await server.stop();
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const log = options.log ?? (() => {});
  const executable = await ensureTemporalCli(log);
  const namespace = options.namespace ?? 'default';
  const port = options.port ?? (await freePort());
  const uiPort = options.headless ? undefined : (options.uiPort ?? (await freePort()));
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port)];
  if (uiPort !== undefined) args.push('--ui-port', String(uiPort));
  if (options.headless) args.push('--headless');
  else if (options.uiCodecEndpoint) args.push('--ui-codec-endpoint', options.uiCodecEndpoint);
  if (options.dbFile) args.push('--db-filename', options.dbFile);
  args.push('--namespace', namespace, '--log-level', 'error', ...searchAttributeArgs());

  const address = `127.0.0.1:${port}`;
  log(`Starting Temporal dev server on ${address}${uiPort !== undefined ? ` (UI on port ${uiPort})` : ''}...`);
  // Its own process group: a Ctrl-C in the terminal reaches us (to cancel runs cleanly), not the server.
  const child = spawn(executable, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-TAIL_LIMIT);
  });
  child.stdout.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    stdout = (stdout + text).slice(-TAIL_LIMIT);
    for (const line of text.split('\n')) if (line.trim()) log(line);
  });
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve();
    });
  });
  child.once('error', (err) => {
    stderr += `\n${err.message}`;
  });
  const killOnExit = () => {
    if (!exit) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  const stop = async () => {
    process.removeListener('exit', killOnExit);
    await terminate(child, exited, () => exit !== undefined);
  };

  try {
    await waitUntilReady(address, namespace, options.readyTimeoutMs ?? 60_000, () => exit);
  } catch (err) {
    await stop();
    const reason = err instanceof Error ? err.message : String(err);
    throw new DevServerStartError(
      `Temporal dev server at ${address} did not start: ${reason}`,
      stderr || stdout || '(no output)',
    );
  }
  log(`Temporal dev server ready at ${address}`);
  return { address, uiUrl: uiPort !== undefined ? `http://127.0.0.1:${uiPort}` : undefined, namespace, stop };
}

async function waitUntilReady(
  address: string,
  namespace: string,
  timeoutMs: number,
  exitStatus: () => { code: number | null; signal: NodeJS.Signals | null } | undefined,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no answer';
  for (;;) {
    const exit = exitStatus();
    if (exit) throw new Error(`the process exited (code ${exit.code}, signal ${exit.signal})`);
    if (Date.now() > deadline) throw new Error(`no answer within ${timeoutMs} ms (last error: ${lastError})`);
    // lazy + ensureConnected rather than connect(): a failed connect() would leave its channel open.
    const connection = Connection.lazy({ address, connectTimeout: 2000 });
    try {
      await connection.ensureConnected();
      // The namespace is registered a moment after the frontend starts listening.
      await connection.withDeadline(Date.now() + 2000, () =>
        connection.workflowService.describeNamespace({ namespace }),
      );
      return;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    } finally {
      await connection.close().catch(() => {});
    }
    await sleep(200);
  }
}

async function terminate(child: ChildProcess, exited: Promise<void>, hasExited: () => boolean): Promise<void> {
  if (hasExited()) return;
  child.kill('SIGTERM');
  const graceful = await Promise.race([
    exited.then(() => true),
    sleep(10_000, undefined, { ref: false }).then(() => false),
  ]);
  if (!graceful && !hasExited()) {
    child.kill('SIGKILL');
    await exited;
  }
}
