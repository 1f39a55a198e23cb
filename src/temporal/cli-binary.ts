import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The one place the Temporal CLI version is pinned (CLI v1.5.1 = Server 1.29.1 + UI 2.42.1). */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';

/** Thrown when no Temporal CLI can be found or built; the message says how to get one. */
export class TemporalCliMissingError extends Error {
  constructor(detail: string) {
    super(
      `Temporal CLI not found: ${detail}\n` +
        `Install it with Go: GOBIN=${cliCacheDir()} go install ${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}\n` +
        `or set TEMPORAL_CLI_PATH to an existing 'temporal' binary, or put one on PATH.`,
    );
    this.name = 'TemporalCliMissingError';
  }
}

/** Per-user cache outside the repository, one folder per pinned version. */
export function cliCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'switchyard', 'temporal-cli', TEMPORAL_CLI_VERSION);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function fromPath(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, 'temporal'))) return join(dir, 'temporal');
  }
  return undefined;
}

/** Finds the CLI without building: `TEMPORAL_CLI_PATH`, then PATH, then the cache. */
export function findTemporalCli(): string | undefined {
  const explicit = process.env.TEMPORAL_CLI_PATH;
  if (explicit) {
    if (!isExecutable(explicit)) throw new TemporalCliMissingError(`TEMPORAL_CLI_PATH=${explicit} is not executable`);
    return explicit;
  }
  const cached = join(cliCacheDir(), 'temporal');
  return fromPath() ?? (isExecutable(cached) ? cached : undefined);
}

function hasGo(): boolean {
  return spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Finds the CLI, building it once with `go install` into the cache when it is missing.
 * The first build takes minutes; progress goes to `log` (stderr by default).
 */
export async function ensureTemporalCli(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)) {
  const found = findTemporalCli();
  if (found) return found;
  if (!hasGo()) throw new TemporalCliMissingError('no binary in TEMPORAL_CLI_PATH, PATH or the cache, and no Go');
  const dir = cliCacheDir();
  mkdirSync(dir, { recursive: true });
  log(`Building Temporal CLI ${TEMPORAL_CLI_VERSION} into ${dir} (first time only, takes a few minutes)...`);
  const started = Date.now();
  const child = spawn('go', ['install', '-v', `${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`], {
    env: { ...process.env, GOBIN: dir, GOTOOLCHAIN: process.env.GOTOOLCHAIN ?? 'local' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let packages = 0;
  let tail = '';
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      tail = (tail + '\n' + line).slice(-4000);
      packages++;
      if (packages % 100 === 0) log(`  ... ${packages} packages compiled (${Math.round((Date.now() - started) / 1000)}s)`);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const built = join(dir, 'temporal');
  if (code !== 0 || !isExecutable(built)) {
    throw new TemporalCliMissingError(`go install exited with ${code}:${tail}`);
  }
  log(`Temporal CLI ready at ${built} (${Math.round((Date.now() - started) / 1000)}s)`);
  return built;
}
