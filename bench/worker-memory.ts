/**
 * `npm run bench:memory`: worker memory per cached run. One worker (the interpreter and the
 * built-in plugins, sticky cache large enough for every run) holds BENCH_MEMORY_RUNS runs
 * (default 300) waiting at an approval after a few plugin nodes, so each stays in the worker's
 * workflow cache. Memory is sampled (after a forced GC, `node --expose-gc`) with no run, then at
 * every step of BENCH_MEMORY_STEP runs; the per-run figure is the slope of RSS (and of the
 * main-thread V8 heap, which excludes the workflow thread) over the runs. Definitions of 10 and
 * 50 nodes show how the plan's size weighs. Writes bench/results/worker-memory.json.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { createPluginActivities } from '../activities/plugin-activities';
import { createBuiltinRegistry } from '../plugins';
import { INTERPRETER_WORKFLOW_TYPE, type InterpreterInput } from '../workflows/contract';
import { compilePlan } from '../workflows/definition/compile';
import type { Definition } from '../workflows/definition/types';
import { validateDefinition } from '../workflows/definition/validate';
import { machineFacts } from './support/machine';
import { startBenchTemporal } from './support/temporal';

const RUNS = Number(process.env.BENCH_MEMORY_RUNS ?? 300);
const STEP = Number(process.env.BENCH_MEMORY_STEP ?? 50);
const registry = createBuiltinRegistry();

/** `nodes - 1` no-op plugin nodes in a chain, then an approval nobody decides. */
function waiting(nodes: number): Definition {
  const chainNodes = Array.from({ length: nodes - 1 }, (_, i) => ({
    id: `n${i}`,
    type: 'builtin.noop',
    with: { step: i, note: `step ${i} of ${nodes}` },
  }));
  const all = [...chainNodes, { id: 'gate', type: 'approval', with: { message: 'hold' } }];
  return {
    name: `waiting-${nodes}`,
    nodes: all,
    edges: all.slice(1).map((node, i) => ({ from: all[i].id, to: node.id })),
  };
}

function sample(): { rssMiB: number; heapUsedMiB: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const usage = process.memoryUsage();
  return { rssMiB: usage.rss / 2 ** 20, heapUsedMiB: usage.heapUsed / 2 ** 20 };
}

/** Least-squares slope of y over x. */
function slope(points: Array<[number, number]>): number {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const num = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const den = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

interface MemoryRow {
  nodes: number;
  runs: number;
  rssKiBPerRun: number;
  mainThreadHeapKiBPerRun: number;
  points: Array<{ runs: number; rssMiB: number; heapUsedMiB: number }>;
}

async function measure(address: string, workflowBundle: { code: string }, nodes: number): Promise<MemoryRow> {
  const taskQueue = `bench-memory-${nodes}-${Date.now()}`;
  const native = await NativeConnection.connect({ address });
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  const worker = await Worker.create({
    connection: native,
    taskQueue,
    workflowBundle,
    activities: createPluginActivities({ registry }),
    maxCachedWorkflows: RUNS + 50,
    sinks: { progress: { report: { fn: () => undefined } } },
  });
  const running = worker.run();
  const plan = compilePlan(validateDefinition(waiting(nodes), registry).definition!, registry);
  const handles: string[] = [];
  const startWaiting = async (count: number) => {
    const ids = await Promise.all(
      Array.from({ length: count }, async () => {
        const id = randomUUID();
        const input: InterpreterInput = {
          plan,
          inputs: {},
          run: { id, startedBy: 'bench', startedAt: new Date().toISOString() },
        };
        const handle = await client.workflow.start(INTERPRETER_WORKFLOW_TYPE, {
          taskQueue,
          workflowId: `mem-${id}`,
          args: [input],
        });
        return handle.workflowId;
      }),
    );
    handles.push(...ids);
    // Wait until every new run waits at the gate (its whole chain ran and is cached).
    for (const id of ids) {
      for (;;) {
        const state = await client.workflow.getHandle(id).query<{ status: string }>('state');
        if (state.status === 'WAITING') break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  };
  try {
    // One run first, so the bundle, the isolate and the connections are in the baseline.
    await startWaiting(1);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const points: Array<{ runs: number; rssMiB: number; heapUsedMiB: number }> = [{ runs: 1, ...sample() }];
    while (handles.length < RUNS + 1) {
      await startWaiting(Math.min(STEP, RUNS + 1 - handles.length));
      await new Promise((resolve) => setTimeout(resolve, 500));
      points.push({ runs: handles.length, ...sample() });
      console.log(
        `${nodes}-node runs cached: ${handles.length}  rss ${points.at(-1)!.rssMiB.toFixed(1)} MiB  heap ${points.at(-1)!.heapUsedMiB.toFixed(1)} MiB`,
      );
    }
    const rssKiBPerRun = slope(points.map((p) => [p.runs, p.rssMiB * 1024]));
    const heapKiBPerRun = slope(points.map((p) => [p.runs, p.heapUsedMiB * 1024]));
    return {
      nodes,
      runs: handles.length,
      rssKiBPerRun: Math.round(rssKiBPerRun),
      mainThreadHeapKiBPerRun: Math.round(heapKiBPerRun),
      points: points.map((p) => ({
        runs: p.runs,
        rssMiB: Number(p.rssMiB.toFixed(1)),
        heapUsedMiB: Number(p.heapUsedMiB.toFixed(1)),
      })),
    };
  } finally {
    await Promise.all(
      handles.map((id) =>
        client.workflow
          .getHandle(id)
          .terminate('bench done')
          .catch(() => undefined),
      ),
    );
    worker.shutdown();
    await running;
    await connection.close();
    await native.close();
  }
}

async function main(): Promise<void> {
  if (!(globalThis as { gc?: unknown }).gc)
    console.warn('run with node --expose-gc (npm run bench:memory does) for steadier figures');
  const temporal = await startBenchTemporal();
  try {
    const workflowBundle = await bundleWorkflowCode({
      workflowsPath: require.resolve('../workflows'),
      logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} },
    });
    const rows = [];
    for (const nodes of [10, 50]) rows.push(await measure(temporal.address, workflowBundle, nodes));
    for (const row of rows) {
      console.log(
        `${row.nodes}-node runs: ${row.rssKiBPerRun} KiB RSS per cached run (main-thread heap ${row.mainThreadHeapKiBPerRun} KiB)`,
      );
    }
    const report = {
      at: new Date().toISOString(),
      machine: machineFacts(),
      what: 'worker memory per run held in the workflow cache (waiting at an approval)',
      rows,
    };
    const dir = join(__dirname, 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'worker-memory.json'), JSON.stringify(report, null, 2) + '\n');
    console.log('written: bench/results/worker-memory.json');
  } finally {
    await temporal.close();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
