#!/usr/bin/env node
/**
 * Builds the admin frontend into web/dist when it is missing or older than its sources:
 * installs web/'s own dependencies (`npm ci` in web/) when they are missing or stale, then runs
 * the Vite build. The root package runs it after `npm run build` (so `npm ci` and `npm start`
 * produce a served frontend) and the browser tests run it before they start.
 *
 *   node web/scripts/ensure-build.mjs           build if needed; exit 1 when the build fails
 *   node web/scripts/ensure-build.mjs --soft    same, but a failure only prints why (exit 0)
 *   node web/scripts/ensure-build.mjs --force   build even when web/dist looks current
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(web, 'dist', 'index.html');
const modules = join(web, 'node_modules');
const installedLock = join(modules, '.package-lock.json');
const lockDir = join(web, '.build-lock');
const soft = process.argv.includes('--soft');
const force = process.argv.includes('--force');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function say(message) {
  process.stderr.write(`[web] ${message}\n`);
}

function newestMtime(path) {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

function mtime(path) {
  return existsSync(path) ? statSync(path).mtimeMs : 0;
}

function sourcesTime() {
  const inputs = [
    'src',
    'public',
    'index.html',
    'package.json',
    'package-lock.json',
    'vite.config.ts',
    'tsconfig.json',
  ];
  return Math.max(
    ...inputs
      .map((name) => join(web, name))
      .filter(existsSync)
      .map(newestMtime),
  );
}

function run(args) {
  const result = spawnSync(npm, args, { cwd: web, stdio: ['ignore', 'inherit', 'inherit'], env: process.env });
  if (result.error) throw new Error(`could not run npm ${args.join(' ')}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`npm ${args.join(' ')} exited with ${result.status}`);
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** One build at a time (parallel test workers, a build started by hand). */
function withLock(work) {
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      if (Date.now() - mtime(lockDir) > 10 * 60_000) rmSync(lockDir, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`${lockDir} is held by another build`);
      else sleep(500);
    }
  }
  try {
    return work();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

function needsInstall() {
  return !existsSync(installedLock) || mtime(join(web, 'package-lock.json')) > mtime(installedLock);
}

function needsBuild() {
  return force || needsInstall() || !existsSync(dist) || sourcesTime() > mtime(dist);
}

try {
  if (!needsBuild()) {
    process.exit(0);
  }
  withLock(() => {
    if (!needsBuild()) return;
    if (needsInstall()) {
      say('installing the frontend dependencies (npm ci in web/)…');
      run(
        existsSync(join(web, 'package-lock.json'))
          ? ['ci', '--no-audit', '--no-fund']
          : ['install', '--no-audit', '--no-fund'],
      );
    }
    say('building the admin frontend (vite build)…');
    run(['run', 'build']);
    say(`built ${dist}`);
  });
} catch (error) {
  say('');
  say(`ERROR: the admin frontend could not be built: ${error.message}`);
  say('The API and the worker still work; `/` serves the previous build, if any, or says the frontend is not built.');
  say('Fix the error above, then run: npm run build:web');
  process.exit(soft ? 0 : 1);
}
