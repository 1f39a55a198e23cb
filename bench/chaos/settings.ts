/**
 * How much chaos: the long form (`npm run chaos`, issue #7 section 3) and the short form CI runs
 * inside `npm test` (test/chaos.spec.ts, or `npm run chaos -- --short`). CHAOS_* variables
 * override either.
 */
export interface ChaosSettings {
  name: 'long' | 'short';
  /** Runs started through GraphQL, cycling through the templates. */
  runs: number;
  /** Worker SIGKILLs (each followed by a restart). The Temporal and API restarts and the outage are always once. */
  kills: number;
  /** Seeds the order and timing of the chaos events. */
  seed: number;
  /** Pause between two run starts. */
  paceMs: number;
  /** How long PostgreSQL is unreachable. */
  outageMs: number;
  /** How long the runs may take to settle after the chaos. */
  settleTimeoutMs: number;
  /** How long a child process (API, worker) may take to print its ready line, and a run to start. */
  readyTimeoutMs: number;
}

export const LONG_CHAOS: ChaosSettings = {
  name: 'long',
  runs: 100,
  kills: 20,
  seed: 7,
  paceMs: 2500,
  outageMs: 10_000,
  settleTimeoutMs: 600_000,
  readyTimeoutMs: 120_000,
};

/** Sized for a loaded 2-core CI machine: about 2 minutes when quiet, generous waits when not. */
export const SHORT_CHAOS: ChaosSettings = {
  name: 'short',
  runs: 16,
  kills: 4,
  seed: 11,
  paceMs: 3000,
  outageMs: 4000,
  settleTimeoutMs: 240_000,
  readyTimeoutMs: 180_000,
};

/** `--short` (or CHAOS_SHORT=1) picks the short form; CHAOS_RUNS, CHAOS_KILLS, ... override fields. */
export function chaosSettings(argv: string[], env: NodeJS.ProcessEnv): ChaosSettings {
  const short = argv.includes('--short') || env.CHAOS_SHORT === '1';
  const base = short ? SHORT_CHAOS : LONG_CHAOS;
  const number = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got ${raw}`);
    return value;
  };
  return {
    name: base.name,
    runs: number('CHAOS_RUNS', base.runs),
    kills: number('CHAOS_KILLS', base.kills),
    seed: number('CHAOS_SEED', base.seed),
    paceMs: number('CHAOS_PACE_MS', base.paceMs),
    outageMs: number('CHAOS_OUTAGE_MS', base.outageMs),
    settleTimeoutMs: number('CHAOS_DEADLINE_MS', base.settleTimeoutMs),
    readyTimeoutMs: number('CHAOS_READY_TIMEOUT_MS', base.readyTimeoutMs),
  };
}
