/**
 * The benchmark set `npm run bench` runs, in order: each is its own npm script and writes one
 * JSON file under bench/results/. `quick` is the extra environment of the quick mode
 * (BENCH_QUICK=1): smaller sizes and fewer repetitions, for a smoke run.
 */
export interface Bench {
  /** The name to pick it by: `npm run bench -- validate listing`. */
  name: string;
  script: string;
  /** Its result file under bench/results/, without `.json`. */
  result: string;
  quick: Record<string, string>;
}

export const BENCHES: Bench[] = [
  {
    name: 'validate',
    script: 'bench:validate',
    result: 'validate',
    quick: { BENCH_VALIDATE_SIZES: '100,1000', BENCH_VALIDATE_REPS: '3' },
  },
  { name: 'baseline', script: 'bench:baseline', result: 'interpreter-vs-baseline', quick: { BENCH_QUICK: '1' } },
  {
    name: 'api',
    script: 'bench:api',
    result: 'api-throughput',
    quick: { BENCH_API_RUNS: '10', BENCH_API_ROUNDS: '1' },
  },
  {
    name: 'listing',
    script: 'bench:listing',
    result: 'runs-listing',
    quick: { BENCH_LISTING_RUNS: '10000', BENCH_LISTING_REPS: '5' },
  },
  {
    name: 'memory',
    script: 'bench:memory',
    result: 'worker-memory',
    quick: { BENCH_MEMORY_RUNS: '40', BENCH_MEMORY_STEP: '20' },
  },
  { name: 'fuzz', script: 'fuzz:graphql', result: 'graphql-fuzz', quick: { FUZZ_REQUESTS: '500' } },
  {
    name: 'large',
    script: 'bench:large',
    result: 'large-runs',
    quick: { BENCH_LARGE_SIZES: '100,1000', BENCH_LARGE_SHAPES: 'chain,layered' },
  },
  { name: 'chaos', script: 'chaos', result: 'chaos', quick: { CHAOS_RUNS: '20', CHAOS_KILLS: '4' } },
];

/** What one bench's last run through `npm run bench` did (bench/results/run-log.json, by result name). */
export interface RunLogEntry {
  script: string;
  exitCode: number;
  seconds: number;
  at: string;
  quick: boolean;
  loadBefore: number;
  loadAfter: number;
}

export type RunLog = Record<string, RunLogEntry>;

export const RUN_LOG_FILE = 'run-log.json';
export const SUMMARY_FILE = 'SUMMARY.md';
