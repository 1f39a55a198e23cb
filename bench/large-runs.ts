/**
 * `npm run bench:large`: single runs of 1,000- and 10,000-node definitions end to end (a chain, a
 * wide fan-out/fan-in, and a layered random DAG with a fixed seed) on one real dev server and one
 * worker, with `builtin.noop` nodes. Reports each run's time, how many workflow executions it took
 * (continue-as-new), the 10k/1k ratio per shape (linear growth: 10), and the bench process's peak
 * RSS (worker and client share it) during each run.
 *
 * For comparison, bamboo-engine publishes 19.33 s (1,000 nodes) and 347.5 s (10,000 nodes) on a
 * 6-core laptop: a ratio of 18.
 *
 * Env: BENCH_LARGE_SIZES (default "1000,10000"), BENCH_LARGE_SHAPES (default "chain,fanout,layered"),
 * BENCH_EAGER=0 (leave eager activity dispatch off).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createBuiltinRegistry } from '../plugins';
import { INTERPRETER_WORKFLOW_TYPE, type InterpreterInput, type RunState } from '../workflows/contract';
import { compilePlan } from '../workflows/definition/compile';
import type { Definition } from '../workflows/definition/types';
import { validateDefinition } from '../workflows/definition/validate';
import { load1m, machineFacts } from './support/machine';
import { chain, fanout, layeredRandom } from './support/shapes';
import { benchWorker, eagerActivityArgs, startBenchTemporal } from './support/temporal';

const TASK_QUEUE = 'bench-large';
const SIZES = (process.env.BENCH_LARGE_SIZES ?? '1000,10000').split(',').map(Number);
const SHAPES = (process.env.BENCH_LARGE_SHAPES ?? 'chain,fanout,layered').split(',');
const registry = createBuiltinRegistry();

/** Each shape with `n` nodes in all. */
const SHAPE_BUILDERS: Record<string, (n: number) => Definition> = {
  chain,
  fanout: (n) => fanout(n - 2),
  layered: (n) => layeredRandom(n),
};

interface Row {
  shape: string;
  /** The machine's 1-minute load average when the run ended. */
  load1m: number;
  nodes: number;
  edges: number;
  ms: number;
  status: string;
  executions: number;
  planBytes: number;
  peakRssMiB: number;
  rssBeforeMiB: number;
}

async function main(): Promise<void> {
  const temporal = await startBenchTemporal(eagerActivityArgs());
  const env = temporal.env;
  if (!env) throw new Error('bench:large starts its own dev server: unset TEMPORAL_ADDRESS');
  const rows: Row[] = [];
  try {
    const worker = await benchWorker(env, {
      taskQueue: TASK_QUEUE,
      workflowsPath: require.resolve('../workflows'),
      registry,
    });
    await worker.runUntil(async () => {
      const client = env.client;
      const executionsOf = async (workflowId: string, firstRunId: string): Promise<number> => {
        let runId: string | undefined = firstRunId;
        let count = 0;
        while (runId) {
          count += 1;
          const { events } = await client.workflow.getHandle(workflowId, runId).fetchHistory();
          const next: string | null | undefined =
            events?.[events.length - 1]?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
          runId = next ?? undefined;
        }
        return count;
      };
      const runOnce = async (shape: string, definition: Definition): Promise<Row> => {
        const { definition: valid, problems } = validateDefinition(definition, registry);
        if (!valid) throw new Error(`invalid bench definition: ${JSON.stringify(problems.slice(0, 3))}`);
        const id = randomUUID();
        const input: InterpreterInput = {
          plan: compilePlan(valid, registry),
          inputs: {},
          run: { id, startedBy: 'bench', startedAt: new Date().toISOString() },
        };
        global.gc?.();
        const rssBefore = process.memoryUsage().rss;
        let peak = rssBefore;
        const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 250);
        const started = performance.now();
        const handle = await client.workflow.start(INTERPRETER_WORKFLOW_TYPE, {
          taskQueue: TASK_QUEUE,
          workflowId: `large-${shape}-${definition.nodes.length}-${id.slice(0, 8)}`,
          args: [input],
        });
        const state = (await handle.result()) as RunState;
        const ms = performance.now() - started;
        clearInterval(sampler);
        const row: Row = {
          shape,
          load1m: load1m(),
          nodes: definition.nodes.length,
          edges: definition.edges?.length ?? 0,
          ms: Math.round(ms),
          status: state.status,
          executions: await executionsOf(handle.workflowId, handle.firstExecutionRunId),
          planBytes: JSON.stringify(input.plan).length,
          peakRssMiB: Math.round(peak / 2 ** 20),
          rssBeforeMiB: Math.round(rssBefore / 2 ** 20),
        };
        console.log(
          `${shape.padEnd(8)} ${String(row.nodes).padStart(6)} nodes  ${String((row.ms / 1000).toFixed(1)).padStart(7)} s  ` +
            `${row.status}  ${row.executions} executions  plan ${Math.round(row.planBytes / 1024)} KiB  peak RSS ${row.peakRssMiB} MiB  load ${row.load1m}`,
        );
        return row;
      };

      await runOnce('warmup', chain(20));
      // Per shape: small, large, small again. The machine's load drifts over a 10-minute run, so the
      // ratio divides the large run by the mean of the small runs on either side of it.
      const small = Math.min(...SIZES);
      for (const shape of SHAPES) {
        for (const n of SIZES.length > 1 ? [...SIZES, small] : SIZES) {
          rows.push(await runOnce(shape, SHAPE_BUILDERS[shape](n)));
          writeReport(rows);
        }
      }
    });
  } finally {
    await temporal.close();
  }
  console.log('written: bench/results/large-runs.json');
}

/** Writes the results so far (after every run: a 10,000-node chain takes many minutes). */
function writeReport(rows: Row[]): void {
  const ratios = SHAPES.map((shape) => {
    const smalls = rows.filter((r) => r.shape === shape && r.nodes === Math.min(...SIZES));
    const large = rows.find((r) => r.shape === shape && r.nodes === Math.max(...SIZES));
    const smallMs = smalls.reduce((sum, r) => sum + r.ms, 0) / (smalls.length || 1);
    return {
      shape,
      smallRunsMs: smalls.map((r) => r.ms),
      ratio: smalls.length > 0 && large && SIZES.length > 1 ? Number((large.ms / smallMs).toFixed(2)) : null,
    };
  });
  if (rows.length === (SIZES.length + 1) * SHAPES.length) {
    for (const { shape, ratio } of ratios) console.log(`ratio ${shape}: ${ratio}`);
  }
  const report = {
    at: new Date().toISOString(),
    machine: machineFacts(),
    note: 'One dev server (SQLite, one history shard) and one worker in the bench process; peak RSS is that process.',
    target: '10k/1k ratio <= 11 (linear growth)',
    bambooEngine: { nodes1000Seconds: 19.33, nodes10000Seconds: 347.5, ratio: 17.98, machine: '6-core laptop' },
    runs: rows,
    ratios,
  };
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'large-runs.json'), JSON.stringify(report, null, 2) + '\n');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
