#!/usr/bin/env node
'use strict';
/**
 * Adds to package-lock.json the optional, platform-specific packages that the registry these
 * machines reach does not serve (e.g. @swc/core-darwin-arm64 answers 404 here), so npm could not
 * record them. Without their entries `npm ci` refuses the lockfile as out of sync, on every
 * machine. Each entry gets the exact version its parent pins and the os/cpu/libc its name says,
 * so npm skips it on other platforms without fetching. Run after `npm install`:
 *   node tools/complete-lockfile.js          (fixes)
 *   node tools/complete-lockfile.js --check  (exit 1 when entries are missing)
 */
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const OS = ['darwin', 'linux', 'win32', 'freebsd', 'android', 'openharmony', 'sunos', 'aix', 'netbsd', 'openbsd'];
const CPU = ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 's390x', 'riscv64', 'loong64', 'mips64el', 'wasm32'];

const path = join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(readFileSync(path, 'utf8'));
const packages = lock.packages;
let added = 0;
for (const [location, entry] of Object.entries(packages)) {
  for (const [name, spec] of Object.entries(entry.optionalDependencies ?? {})) {
    const base = location ? `${location}/node_modules/${name}` : `node_modules/${name}`;
    if (packages[base] || packages[`node_modules/${name}`]) continue;
    if (!/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(spec)) continue; // only exact pins are platform binaries
    const tokens = name.split('/').pop().split('-');
    const os = OS.find((o) => tokens.includes(o));
    const cpu = CPU.find((c) => tokens.includes(c)) ?? (tokens.includes('arm') ? 'arm' : undefined);
    if (!os) continue;
    const libc = tokens.some((t) => t.startsWith('musl')) ? 'musl' : os === 'linux' ? 'glibc' : undefined;
    packages[`node_modules/${name}`] = {
      version: spec,
      optional: true,
      os: [os],
      ...(cpu ? { cpu: [cpu] } : {}),
      ...(libc ? { libc: [libc] } : {}),
    };
    added++;
  }
}
if (process.argv.includes('--check')) {
  console.log(added ? `complete-lockfile: ${added} entries missing; run node tools/complete-lockfile.js` : 'complete-lockfile: complete');
  process.exit(added ? 1 : 0);
}
lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
writeFileSync(path, JSON.stringify(lock, null, 2) + '\n');
console.log(`complete-lockfile: ${added} optional platform entries added`);
