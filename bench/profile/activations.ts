/**
 * `node --cpu-prof --cpu-prof-dir=DIR -r @swc-node/register bench/profile/activations.ts <interpreter|baseline>`:
 * runs PROFILE_RUNS (default 10) fan-out/fan-in runs of PROFILE_NODES (default 200) no-op nodes of
 * one variant on a worker in this process, so the workflow thread's CPU profile (one file per
 * thread in DIR) shows where activations spend their time. No progress recorder (a no-op sink).
 */
import { randomUUID } from 'node:crypto';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { createPluginActivities } from '../../activities/plugin-activities';
import { createBuiltinRegistry } from '../../plugins';
import { INTERPRETER_WORKFLOW_TYPE, type InterpreterInput } from '../../workflows/contract';
import { compilePlan } from '../../workflows/definition/compile';
import { validateDefinition } from '../../workflows/definition/validate';
import { activityOptions } from '../../workflows/interpreter/node-executors';
import { activityPlanOf } from '../../workflows/plan';
import { fanout } from '../support/shapes';
import { startBenchTemporal } from '../support/temporal';

const RUNS = Number(process.env.PROFILE_RUNS ?? 10);
const NODES = Number(process.env.PROFILE_NODES ?? 200);
const variant = process.argv[2] === 'baseline' ? 'baseline' : 'interpreter';
const registry = createBuiltinRegistry();

async function main(): Promise<void> {
  const temporal = await startBenchTemporal(['--dynamic-config-value', 'system.enableActivityEagerExecution=true']);
  const env = temporal.env!;
  try {
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'profile',
      workflowBundle: await bundleWorkflowCode({
        workflowsPath: require.resolve('../workflows'),
        logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} },
      }),
      activities: createPluginActivities({ registry }),
      maxConcurrentActivityTaskExecutions: 200,
      sinks: { progress: { report: { fn: () => undefined } } },
    });
    const plan = compilePlan(validateDefinition(fanout(NODES), registry).definition!, registry);
    const options = activityOptions({ id: 'n0', type: 'builtin.noop' }, activityPlanOf(plan, 'start')!, 1);
    await worker.runUntil(async () => {
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const id = randomUUID();
        const started = performance.now();
        if (variant === 'interpreter') {
          const input: InterpreterInput = {
            plan,
            inputs: {},
            run: { id, startedBy: 'bench', startedAt: new Date().toISOString() },
          };
          await env.client.workflow.execute(INTERPRETER_WORKFLOW_TYPE, {
            taskQueue: 'profile',
            workflowId: id,
            args: [input],
          });
        } else {
          await env.client.workflow.execute('baselineFanout', {
            taskQueue: 'profile',
            workflowId: id,
            args: [NODES, options],
          });
        }
        times.push(Math.round(performance.now() - started));
      }
      console.log(`${variant}: ${times.join(' ')} ms`);
    });
  } finally {
    await temporal.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
