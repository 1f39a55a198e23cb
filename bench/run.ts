/**
 * `npm run bench`: the interpreter against hand-written Temporal workflows doing the same
 * no-op activities, on one real dev server and one worker, in one run (these machines are
 * noisy: only the ratio measured side by side means something). Also times validate+compile.
 *
 * A third variant runs the interpreter with the platform's progress recorder writing into a
 * scratch PostgreSQL database (its cost is the recorder's cost), on a worker of its own.
 *
 * Env: BENCH_REPS (default 5), BENCH_NODES (default 200), BENCH_ONLY (scenario name part),
 * BENCH_EAGER=0 (leave eager activity dispatch off), BENCH_PG_URL (an admin URL to create the
 * scratch database; default postgres://postgres@127.0.0.1:5432/test; BENCH_PG_URL=off skips it).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Runtime, Worker } from '@temporalio/worker';
import { createPluginActivities } from '../activities/plugin-activities';
import { createBuiltinRegistry } from '../plugins';
import { ensureTemporalCli } from '../src/temporal/cli-binary';
import { INTERPRETER_WORKFLOW_TYPE, type InterpreterInput } from '../workflows/contract';
import { compilePlan } from '../workflows/definition/compile';
import type { Definition } from '../workflows/definition/types';
import { validateDefinition } from '../workflows/definition/validate';
import { activityOptions } from '../workflows/interpreter/node-executors';
import { activityPlanOf } from '../workflows/plan';
import { createProgressSinks } from '../src/runs/progress-recorder';
import { createBenchDatabase, type BenchDatabase } from './progress-db';

const REPS = Number(process.env.BENCH_REPS ?? 5);
const NODES = Number(process.env.BENCH_NODES ?? 200);
const TASK_QUEUE = 'bench';
const registry = createBuiltinRegistry();
/** Eager activity dispatch (off by default in Server 1.29.1): both workflows benefit alike. */
const EAGER_ARGS = ['--dynamic-config-value', 'system.enableActivityEagerExecution=true'];

function chain(n: number): Definition {
  const nodes = Array.from({ length: n }, (_, i) => ({ id: `n${i}`, type: 'builtin.noop' }));
  const edges = nodes.slice(1).map((node, i) => ({ from: nodes[i].id, to: node.id }));
  return { name: `chain-${n}`, nodes, edges };
}

function fanout(n: number): Definition {
  const middle = Array.from({ length: n }, (_, i) => ({ id: `n${i}`, type: 'builtin.noop' }));
  return {
    name: `fanout-${n}`,
    nodes: [{ id: 'start', type: 'builtin.noop' }, ...middle, { id: 'end', type: 'builtin.noop' }],
    edges: [...middle.map((m) => ({ from: 'start', to: m.id })), ...middle.map((m) => ({ from: m.id, to: 'end' }))],
  };
}

function layered(n: number, width: number): Definition {
  const nodes = Array.from({ length: n }, (_, i) => ({ id: `n${i}`, type: 'builtin.noop' }));
  const edges: Array<{ from: string; to: string }> = [];
  for (let i = width; i < n; i++) {
    edges.push({ from: `n${i - width}`, to: `n${i}` });
    if (i % width !== 0) edges.push({ from: `n${i - width - 1}`, to: `n${i}` });
  }
  return { name: `layered-${n}`, nodes, edges };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function timeCompile(definition: Definition, reps = 5): number {
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const started = performance.now();
    const { definition: valid, problems } = validateDefinition(definition, registry);
    if (!valid) throw new Error(`bench definition invalid: ${JSON.stringify(problems.slice(0, 3))}`);
    compilePlan(valid, registry);
    times.push(performance.now() - started);
  }
  return median(times);
}

async function main(): Promise<void> {
  Runtime.install({
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error },
  });
  const executable = await ensureTemporalCli();
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: executable },
      extraArgs: ['--log-level', 'error', ...(process.env.BENCH_EAGER === '0' ? [] : EAGER_ARGS)],
    },
  });
  try {
    const workflowBundle = await bundleWorkflowCode({
      workflowsPath: require.resolve('./workflows'),
      logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} },
    });
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: TASK_QUEUE,
      workflowBundle,
      activities: createPluginActivities({ registry }),
      maxConcurrentActivityTaskExecutions: 200,
      sinks: { progress: { report: { fn: () => undefined } } },
    });
    const pgUrl = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
    let db: BenchDatabase | undefined;
    if (pgUrl !== 'off') {
      try {
        db = await createBenchDatabase(pgUrl);
      } catch (err) {
        console.warn(`no PostgreSQL for the recorder variant (${(err as Error).message}); skipping it`);
      }
    }
    const recorder = db
      ? createProgressSinks(db.dataSource, { flushMs: Number(process.env.BENCH_FLUSH_MS ?? 200) })
      : undefined;
    const recordingWorker = recorder
      ? await Worker.create({
          connection: env.nativeConnection,
          taskQueue: `${TASK_QUEUE}-pg`,
          workflowBundle,
          activities: createPluginActivities({ registry }),
          maxConcurrentActivityTaskExecutions: 200,
          sinks: recorder.sinks,
        })
      : undefined;
    const recordingRun = recordingWorker?.run();
    const results = await worker.runUntil(async () => {
      const client = env.client;
      const runInterpreter = async (definition: Definition, recorded = false): Promise<number> => {
        const plan = compilePlan(validateDefinition(definition, registry).definition!, registry);
        const id = randomUUID();
        const input: InterpreterInput = {
          plan,
          inputs: {},
          run: { id, startedBy: 'bench', startedAt: new Date().toISOString() },
        };
        if (recorded) await db!.insertRun(id, `i-${id}`);
        const started = performance.now();
        await client.workflow.execute(INTERPRETER_WORKFLOW_TYPE, {
          taskQueue: recorded ? `${TASK_QUEUE}-pg` : TASK_QUEUE,
          workflowId: `i-${id}`,
          args: [input],
        });
        return performance.now() - started;
      };
      const runBaseline = async (type: string, n: number): Promise<number> => {
        const plan = compilePlan(validateDefinition(chain(1), registry).definition!, registry);
        const options = activityOptions({ id: 'n0', type: 'builtin.noop' }, activityPlanOf(plan, 'n0')!, 1);
        const started = performance.now();
        await client.workflow.execute(type, {
          taskQueue: TASK_QUEUE,
          workflowId: `b-${randomUUID()}`,
          args: [n, options],
        });
        return performance.now() - started;
      };

      // Warm up every path (bundle load, connection, caches).
      await runInterpreter(chain(10));
      if (recorder) await runInterpreter(chain(10), true);
      await runBaseline('baselineChain', 10);

      const scenarios = [
        { name: `${NODES}-node chain`, definition: chain(NODES), baseline: 'baselineChain' },
        { name: `${NODES}-node fan-out/fan-in`, definition: fanout(NODES), baseline: 'baselineFanout' },
      ];
      const only = process.env.BENCH_ONLY;
      const rows = [];
      for (const scenario of scenarios.filter((s) => !only || s.name.includes(only))) {
        const interp: number[] = [];
        const recorded: number[] = [];
        const base: number[] = [];
        const variants: Array<() => Promise<void>> = [
          async () => void interp.push(await runInterpreter(scenario.definition)),
          async () => void base.push(await runBaseline(scenario.baseline, NODES)),
          ...(recorder ? [async () => void recorded.push(await runInterpreter(scenario.definition, true))] : []),
        ];
        for (let rep = 0; rep < REPS; rep++) {
          // Rotate which goes first, so drift on a noisy machine hits every variant alike.
          for (let i = 0; i < variants.length; i++) await variants[(rep + i) % variants.length]();
        }
        const row = {
          scenario: scenario.name,
          interpreterMs: Math.round(median(interp)),
          baselineMs: Math.round(median(base)),
          ratio: Number((median(interp) / median(base)).toFixed(3)),
          ...(recorded.length
            ? {
                withProgressRecorderMs: Math.round(median(recorded)),
                ratioWithProgressRecorder: Number((median(recorded) / median(base)).toFixed(3)),
                withProgressRecorderRunsMs: recorded.map(Math.round),
              }
            : {}),
          interpreterRunsMs: interp.map(Math.round),
          baselineRunsMs: base.map(Math.round),
        };
        rows.push(row);
        console.log(
          `${row.scenario.padEnd(26)} interpreter ${String(row.interpreterMs).padStart(6)} ms   baseline ${String(row.baselineMs).padStart(6)} ms   ratio ${row.ratio}` +
            (row.ratioWithProgressRecorder !== undefined
              ? `   with progress recorder ${row.withProgressRecorderMs} ms, ratio ${row.ratioWithProgressRecorder}`
              : ''),
        );
      }
      return rows;
    });

    recordingWorker?.shutdown();
    await recordingRun;
    await recorder?.close();
    const recorderStats = recorder?.stats;
    await db?.drop();

    const compile = [100, 1000, 10000].flatMap((n) =>
      [chain(n), fanout(n), layered(n, 50)].map((definition) => ({
        definition: definition.name,
        nodes: definition.nodes.length,
        validateAndCompileMs: Number(timeCompile(definition).toFixed(2)),
      })),
    );
    for (const row of compile) {
      console.log(`validate+compile ${row.definition.padEnd(16)} ${String(row.validateAndCompileMs).padStart(8)} ms`);
    }

    const report = {
      at: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30) },
      reps: REPS,
      target: 'interpreter / baseline <= 1.10',
      interpreterVsBaseline: results,
      progressRecorder: recorderStats ?? null,
      validateAndCompile: compile,
    };
    const dir = join(__dirname, 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'interpreter-vs-baseline.json'), JSON.stringify(report, null, 2) + '\n');
    console.log(`written: bench/results/interpreter-vs-baseline.json`);
  } finally {
    await env.teardown();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
