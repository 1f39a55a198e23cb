/**
 * `npm run bench`: the whole benchmark set in sequence, each as a child process through its own
 * npm script (see bench/benches.ts), then bench/results/SUMMARY.md and the README table.
 *
 *   npm run bench                      every bench, full size
 *   npm run bench -- validate listing  only these (names: npm run bench -- --list)
 *   BENCH_QUICK=1 npm run bench        smaller sizes and fewer repetitions; its results go to
 *                                      bench/results/quick/ (with its own SUMMARY.md) and the
 *                                      published figures and the README stay as they are
 *
 * A bench that fails does not stop the others; the exit code is 1 when any failed.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { load1m } from './support/machine';
import { BENCHES, RUN_LOG_FILE, type Bench, type RunLog } from './benches';
import { writeSummary } from './summary';

const RESULTS = join(__dirname, 'results');
const QUICK_RESULTS = join(RESULTS, 'quick');
const README = join(__dirname, '..', 'README.md');

/** The benches the arguments name, in the set's order; throws on an unknown name. */
export function pick(args: string[]): Bench[] {
  const unknown = args.filter((arg) => !BENCHES.some((bench) => bench.name === arg));
  if (unknown.length) {
    throw new Error(`unknown bench ${unknown.join(', ')}; known: ${BENCHES.map((bench) => bench.name).join(', ')}`);
  }
  return args.length ? BENCHES.filter((bench) => args.includes(bench.name)) : BENCHES;
}

function readLog(dir: string): RunLog {
  const path = join(dir, RUN_LOG_FILE);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as RunLog) : {};
}

/** Runs one bench; in quick mode its result moves to quick/ and the published file is put back. */
function run(bench: Bench, quick: boolean): number {
  const resultPath = join(RESULTS, `${bench.result}.json`);
  const published = quick && existsSync(resultPath) ? readFileSync(resultPath) : undefined;
  const env = { ...process.env, ...(quick ? bench.quick : {}) };
  const result = spawnSync('npm', ['run', '--silent', bench.script], { stdio: 'inherit', env });
  if (quick && existsSync(resultPath)) {
    copyFileSync(resultPath, join(QUICK_RESULTS, `${bench.result}.json`));
    if (published) writeFileSync(resultPath, published);
    else rmSync(resultPath);
  }
  if (result.error) console.error(`${bench.script}: ${result.error.message}`);
  return result.status ?? 1;
}

function main(): number {
  const args = process.argv.slice(2);
  if (args.includes('--list')) {
    for (const bench of BENCHES)
      console.log(`${bench.name.padEnd(10)} npm run ${bench.script.padEnd(16)} -> bench/results/${bench.result}.json`);
    return 0;
  }
  const chosen = pick(args);
  const quick = process.env.BENCH_QUICK === '1';
  const dir = quick ? QUICK_RESULTS : RESULTS;
  mkdirSync(dir, { recursive: true });
  const failed: string[] = [];
  for (const bench of chosen) {
    console.log(`\n==> ${bench.name}: npm run ${bench.script}${quick ? ' (quick)' : ''}   load ${load1m()}`);
    const loadBefore = load1m();
    const started = Date.now();
    const exitCode = run(bench, quick);
    const log = readLog(dir);
    log[bench.result] = {
      script: bench.script,
      exitCode,
      seconds: Math.round((Date.now() - started) / 1000),
      at: new Date().toISOString(),
      quick,
      loadBefore,
      loadAfter: load1m(),
    };
    writeFileSync(join(dir, RUN_LOG_FILE), JSON.stringify(log, null, 2) + '\n');
    if (exitCode !== 0) failed.push(`${bench.name} (exit ${exitCode})`);
  }
  const summaries = writeSummary(dir, quick ? undefined : README);
  const findings = summaries.flatMap((summary) => summary.findings);
  console.log(
    `\n${quick ? 'bench/results/quick' : 'bench/results'}/SUMMARY.md${quick ? '' : ' and the README table'}: ` +
      `${findings.filter((f) => f.met).length} targets met, ${findings.filter((f) => f.met === false).length} missed` +
      (failed.length ? `; failed: ${failed.join(', ')}` : ''),
  );
  return failed.length ? 1 : 0;
}

if (require.main === module) {
  try {
    process.exitCode = main();
  } catch (err) {
    console.error((err as Error).message);
    process.exitCode = 2;
  }
}
