/**
 * `npm run bench:baseline`: the interpreter against hand-written Temporal workflows doing the same
 * no-op activities, on one real dev server and one worker, in one run (these machines are noisy:
 * only the ratio measured side by side means something).
 *
 * A third variant runs the interpreter with the platform's progress recorder writing into a
 * scratch PostgreSQL database, on a worker of its own: the target (issue #7) is that variant
 * against the baseline, ratio <= 1.10.
 *
 * Each scenario warms every variant up once, then runs the variants in rotation (ABC, BCA, CAB...)
 * so drift on a loaded machine hits all alike. Per run it records the wall time, the process CPU
 * time (worker, activities and client share this process) and, from the run's history, the
 * number of workflow tasks and how long the worker held them: that separates worker CPU in
 * workflow activations from queueing on the server.
 *
 * Env: BENCH_REPS (default 7; fan-out runs twice as many, they are short), BENCH_NODES (default
 * 200), BENCH_QUICK=1 (50 nodes, 3 reps), BENCH_ONLY (scenario name part), BENCH_EAGER=0 (leave
 * eager activity dispatch off), BENCH_PG_URL (an admin URL to create the scratch database;
 * default postgres://postgres@127.0.0.1:5432/test; BENCH_PG_URL=off skips the recorder variant).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { createBuiltinRegistry } from '../plugins';
import { createProgressSinks } from '../src/runs/progress-recorder';
import { INTERPRETER_WORKFLOW_TYPE, type InterpreterInput } from '../workflows/contract';
import { compilePlan } from '../workflows/definition/compile';
import type { Definition } from '../workflows/definition/types';
import { validateDefinition } from '../workflows/definition/validate';
import { activityOptions } from '../workflows/interpreter/node-executors';
import { activityPlanOf } from '../workflows/plan';
import { createBenchDatabase, type BenchDatabase } from './progress-db';
import { load1m, machineFacts } from './support/machine';
import { historyStats, type HistoryStats } from './support/history-stats';
import { chain, fanout } from './support/shapes';
import { median, spreadOf } from './support/stats';
import { benchWorker, eagerActivityArgs, startBenchTemporal } from './support/temporal';

const QUICK = process.env.BENCH_QUICK === '1';
const REPS = Number(process.env.BENCH_REPS ?? (QUICK ? 3 : 7));
const NODES = Number(process.env.BENCH_NODES ?? (QUICK ? 50 : 200));
const TARGET_RATIO = 1.1;
const TASK_QUEUE = 'bench';
const registry = createBuiltinRegistry();
/** Eager activity dispatch (off by default in Server 1.29.1): both workflows benefit alike. */

const round = (value: number, digits = 3): number => Number(value.toFixed(digits));

interface Sample extends HistoryStats {
  ms: number;
  cpuMs: number;
}

type VariantName = 'interpreter' | 'baseline' | 'withProgressRecorder';

/** One variant's repetitions, summarised. */
function summarise(samples: Sample[]): Record<string, unknown> {
  const pick = (key: keyof Sample): number[] => samples.map((sample) => sample[key]);
  return {
    ms: spreadOf(pick('ms')),
    cpuMs: spreadOf(pick('cpuMs')),
    workflowTasks: spreadOf(pick('workflowTasks')),
    workflowTaskWorkerMs: spreadOf(pick('workflowTaskWorkerMs')),
    workflowTaskQueueMs: spreadOf(pick('workflowTaskQueueMs')),
    events: spreadOf(pick('events')),
    runsMs: pick('ms').map(Math.round),
  };
}

/** Ratio of medians, and the median of the per-repetition ratios (each pair ran back to back). */
function ratios(of: Sample[], base: Sample[]): { ratio: number; pairedRatio: number; cpuRatio: number } {
  const ms = (samples: Sample[]): number[] => samples.map((sample) => sample.ms);
  const cpu = (samples: Sample[]): number[] => samples.map((sample) => sample.cpuMs);
  return {
    ratio: round(median(ms(of)) / median(ms(base))),
    pairedRatio: round(median(of.map((sample, i) => sample.ms / base[i].ms))),
    cpuRatio: round(median(cpu(of)) / median(cpu(base))),
  };
}

async function main(): Promise<void> {
  const loadAtStart = loadavg().map((value) => round(value, 2));
  const temporal = await startBenchTemporal(eagerActivityArgs());
  const env = temporal.env;
  if (!env) throw new Error('bench:baseline starts its own dev server: unset TEMPORAL_ADDRESS');
  try {
    const workflowsPath = require.resolve('./workflows');
    const worker = await benchWorker(env, { taskQueue: TASK_QUEUE, workflowsPath, registry });
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
      ? await benchWorker(env, { taskQueue: `${TASK_QUEUE}-pg`, workflowsPath, registry, sinks: recorder.sinks })
      : undefined;
    const recordingRun = recordingWorker?.run();
    const loads: number[] = [];
    const results = await worker.runUntil(async () => {
      const client: Client = env.client;
      const timed = async (workflowId: string, execute: () => Promise<unknown>): Promise<Sample> => {
        const cpuBefore = process.cpuUsage();
        const started = performance.now();
        await execute();
        const ms = performance.now() - started;
        const cpu = process.cpuUsage(cpuBefore);
        loads.push(load1m());
        return { ms, cpuMs: (cpu.user + cpu.system) / 1000, ...(await historyStats(client, workflowId)) };
      };
      const runInterpreter = async (definition: Definition, recorded = false): Promise<Sample> => {
        const plan = compilePlan(validateDefinition(definition, registry).definition!, registry);
        const id = randomUUID();
        const input: InterpreterInput = {
          plan,
          inputs: {},
          run: { id, startedBy: 'bench', startedAt: new Date().toISOString() },
        };
        if (recorded) await db!.insertRun(id, `i-${id}`);
        return timed(`i-${id}`, () =>
          client.workflow.execute(INTERPRETER_WORKFLOW_TYPE, {
            taskQueue: recorded ? `${TASK_QUEUE}-pg` : TASK_QUEUE,
            workflowId: `i-${id}`,
            args: [input],
          }),
        );
      };
      const runBaseline = async (type: string, n: number): Promise<Sample> => {
        const plan = compilePlan(validateDefinition(chain(1), registry).definition!, registry);
        const options = activityOptions({ id: 'n0', type: 'builtin.noop' }, activityPlanOf(plan, 'n0')!, 1);
        const workflowId = `b-${randomUUID()}`;
        return timed(workflowId, () =>
          client.workflow.execute(type, { taskQueue: TASK_QUEUE, workflowId, args: [n, options] }),
        );
      };

      const scenarios = [
        { name: `${NODES}-node chain`, definition: chain(NODES), baseline: 'baselineChain', reps: REPS },
        { name: `${NODES}-node fan-out/fan-in`, definition: fanout(NODES), baseline: 'baselineFanout', reps: 2 * REPS },
      ];
      const only = process.env.BENCH_ONLY;
      const rows = [];
      for (const scenario of scenarios.filter((s) => !only || s.name.includes(only))) {
        const samples: Record<VariantName, Sample[]> = { interpreter: [], baseline: [], withProgressRecorder: [] };
        const variants: Array<[VariantName, () => Promise<Sample>]> = [
          ['interpreter', () => runInterpreter(scenario.definition)],
          ['baseline', () => runBaseline(scenario.baseline, NODES)],
          ...(recorder
            ? [
                ['withProgressRecorder', () => runInterpreter(scenario.definition, true)] as [
                  VariantName,
                  () => Promise<Sample>,
                ],
              ]
            : []),
        ];
        // Warm-up: bundle load, connections, JIT, caches; not counted.
        for (const [, run] of variants) await run();
        for (let rep = 0; rep < scenario.reps; rep++) {
          for (let i = 0; i < variants.length; i++) {
            const [name, run] = variants[(rep + i) % variants.length];
            samples[name].push(await run());
          }
        }
        const recorded = samples.withProgressRecorder.length > 0;
        const row = {
          scenario: scenario.name,
          reps: scenario.reps,
          interpreter: { ...ratios(samples.interpreter, samples.baseline), ...summarise(samples.interpreter) },
          ...(recorded
            ? {
                withProgressRecorder: {
                  ...ratios(samples.withProgressRecorder, samples.baseline),
                  ...summarise(samples.withProgressRecorder),
                },
              }
            : {}),
          baseline: summarise(samples.baseline),
        };
        rows.push(row);
        const recorderText = recorded
          ? `   with progress recorder ${median(samples.withProgressRecorder.map((s) => s.ms)).toFixed(0)} ms, ratio ${row.withProgressRecorder!.ratio} (paired ${row.withProgressRecorder!.pairedRatio})`
          : '';
        console.log(
          `${row.scenario.padEnd(26)} interpreter ${median(samples.interpreter.map((s) => s.ms)).toFixed(0)} ms   ` +
            `baseline ${median(samples.baseline.map((s) => s.ms)).toFixed(0)} ms   ratio ${row.interpreter.ratio} ` +
            `(paired ${row.interpreter.pairedRatio}, cpu ${row.interpreter.cpuRatio})${recorderText}   load ${load1m()}`,
        );
      }
      return rows;
    });

    recordingWorker?.shutdown();
    await recordingRun;
    await recorder?.close();
    const recorderStats = recorder?.stats;
    await db?.drop();

    const targets = results.map((row) => {
      const measured = row.withProgressRecorder ?? row.interpreter;
      const variant = row.withProgressRecorder ? 'with progress recorder' : 'without progress recorder';
      return {
        name: `${row.scenario}: interpreter (${variant}) / hand-written`,
        figure: measured.ratio,
        limit: TARGET_RATIO,
        op: '<=',
        met: measured.ratio <= TARGET_RATIO,
      };
    });
    const report = {
      at: new Date().toISOString(),
      machine: machineFacts({
        loadAverageAtStart: loadAtStart,
        loadAverage1mDuring: loads.length ? spreadOf(loads, 2) : null,
      }),
      quick: QUICK,
      nodes: NODES,
      reps: REPS,
      target: `interpreter with progress recorder / hand-written baseline <= ${TARGET_RATIO}`,
      targetMet: targets.every((target) => target.met),
      targets,
      interpreterVsBaseline: results,
      progressRecorder: recorderStats ?? null,
    };
    const dir = join(__dirname, 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'interpreter-vs-baseline.json'), JSON.stringify(report, null, 2) + '\n');
    console.log(`written: bench/results/interpreter-vs-baseline.json`);
  } finally {
    await temporal.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
