import { randomUUID } from 'node:crypto';
import type { Worker } from '@temporalio/worker';
import { createBuiltinRegistry } from '../../plugins';
import type { interpreter } from '../../workflows';
import { INTERPRETER_WORKFLOW_TYPE, type ProgressReport } from '../../workflows/contract';
import { compilePlan } from '../../workflows/definition/compile';
import type { Definition } from '../../workflows/definition/types';
import { testTemporal, testWorkflowBundle, uniqueTaskQueue } from '../../test/support/temporal';
import { createSwitchyardWorker, switchyardWorkflowBundle } from './worker-host';

const registry = createBuiltinRegistry();

const definition: Definition = {
  name: 'worker-host',
  inputs: { who: { type: 'string', default: 'world' } },
  nodes: [
    { id: 'greet', type: 'builtin.noop', with: { greeting: 'hello ${inputs.who}' } },
    { id: 'shout', type: 'shell.exec', with: { command: 'echo "${nodes.greet.output.greeting}" | tr a-z A-Z' } },
  ],
  edges: [{ from: 'greet', to: 'shout' }],
  outputs: { greeting: '${nodes.greet.output.greeting}' },
};

/** Starts one run of `definition` on `taskQueue` and waits for its result while `worker` runs. */
async function runOn(worker: Worker, taskQueue: string) {
  const { client } = await testTemporal();
  const id = randomUUID();
  return worker.runUntil(
    client.workflow.execute<typeof interpreter>(INTERPRETER_WORKFLOW_TYPE, {
      taskQueue,
      workflowId: `worker-host-${id.slice(0, 8)}`,
      args: [
        {
          plan: compilePlan(definition, registry),
          inputs: { who: 'switchyard' },
          run: { id, startedBy: 'jest', startedAt: new Date().toISOString() },
        },
      ],
    }),
  );
}

describe(createSwitchyardWorker.name, () => {
  it('serves the interpreter and the plugin activities on its task queue, reporting progress', async () => {
    const { nativeConnection } = await testTemporal();
    const taskQueue = uniqueTaskQueue('worker-host');
    const reports: ProgressReport[] = [];
    const worker = await createSwitchyardWorker({
      connection: nativeConnection,
      taskQueue,
      registry,
      workflowBundle: testWorkflowBundle(),
      onProgress: (report) => reports.push(report),
    });
    expect(worker.options.taskQueue).toBe(taskQueue);

    const state = await runOn(worker, taskQueue);

    expect(state.status).toBe('SUCCEEDED');
    expect(state.outputs).toEqual({ greeting: 'hello switchyard' });
    expect(state.nodes.shout.status).toBe('SUCCEEDED');
    expect(JSON.stringify(state.nodes.shout.output)).toContain('HELLO SWITCHYARD');
    expect(reports.length).toBeGreaterThan(0);
    expect(reports.at(-1)?.run.status).toBe('SUCCEEDED');
  });

  it('bundles workflows/ itself, once per process, when no bundle is given', async () => {
    const first = switchyardWorkflowBundle();
    expect(switchyardWorkflowBundle()).toBe(first);
    const { code } = await first;
    expect(code).toContain(INTERPRETER_WORKFLOW_TYPE);

    const { nativeConnection } = await testTemporal();
    const taskQueue = uniqueTaskQueue('worker-host-bundle');
    const worker = await createSwitchyardWorker({ connection: nativeConnection, taskQueue, registry });
    const state = await runOn(worker, taskQueue);
    expect(state.status).toBe('SUCCEEDED');
  });
});
