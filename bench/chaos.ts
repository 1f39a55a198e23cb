/**
 * `npm run chaos` (issue #7 section 3): the chaos harness (bench/chaos/harness.ts) in its long form,
 * 100 runs of four mixed templates while it SIGKILLs the worker 20 times, restarts the Temporal
 * dev server and the API once each and cuts PostgreSQL for 10 s; writes bench/results/chaos.json.
 * `npm run chaos -- --short` (or CHAOS_SHORT=1) runs the short form CI runs inside `npm test`
 * (test/chaos.spec.ts) and writes bench/results/chaos-short.json. CHAOS_RUNS, CHAOS_KILLS,
 * CHAOS_SEED, CHAOS_PACE_MS, CHAOS_OUTAGE_MS, CHAOS_DEADLINE_MS override either form;
 * CHAOS_KEEP=1 keeps the scratch database. Exits 1 when a check fails.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runChaos } from './chaos/harness';
import { chaosSettings } from './chaos/settings';

async function main(): Promise<void> {
  const settings = chaosSettings(process.argv.slice(2), process.env);
  const result = await runChaos(settings, { keepDatabase: Boolean(process.env.CHAOS_KEEP) });
  const file = settings.name === 'short' ? 'chaos-short.json' : 'chaos.json';
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  writeFileSync(join(__dirname, 'results', file), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify({ ...result, problems: result.problems.slice(0, 20) }, null, 2));
  process.exit(result.passed ? 0 : 1);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
