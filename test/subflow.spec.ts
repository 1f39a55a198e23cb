/**
 * `subflow` nodes on a real Temporal dev server with a real worker: the child interpreter runs the
 * child template's plan, inputs mapped and checked, outputs returned; failures, manual failures
 * deep inside, pause and cancel cross the parent/child boundary.
 */
import type { Client } from '@temporalio/client';
import {
  cancelSignal,
  pauseSignal,
  resumeSignal,
  retryNodeUpdate,
  skipNodeUpdate,
  stateQuery,
  type ExecutionPlan,
  type SubflowPlan,
} from '../workflows/contract';
import type { Definition } from '../workflows/definition/types';
import { finalState, recordHistory, startInterpreter, testPlan, waitForState } from './support/runs';
import { createTestActivities } from './support/test-activities';
import { testTemporal, uniqueTaskQueue, withWorker } from './support/temporal';

let client: Client;

beforeAll(async () => {
  client = (await testTemporal()).client;
});

/** A plan whose subflow nodes run the given child plans. */
function planWith(definition: Definition, subflows: Record<string, SubflowPlan>): ExecutionPlan {
  return { ...testPlan(definition), subflows };
}

function sub(templateName: string, plan: ExecutionPlan, version = 1): SubflowPlan {
  return { templateId: `id-${templateName}`, templateName, version, plan };
}

const greeter: Definition = {
  name: 'greeter',
  inputs: { who: { type: 'string' }, times: { type: 'integer', default: 2 } },
  nodes: [{ id: 'say', type: 'builtin.noop', with: { text: 'hello ${inputs.who} x${string(inputs.times)}' } }],
  outputs: { greeting: '${nodes.say.output.text}', run: '${run.startedBy}' },
};

describe('subflow nodes', () => {
  it('runs the child template as a child workflow: inputs mapped with defaults, outputs become the node output', async () => {
    const taskQueue = uniqueTaskQueue('subflow');
    const test = createTestActivities();
    const parent: Definition = {
      name: 'parent',
      inputs: { name: { type: 'string', default: 'ops' } },
      nodes: [
        {
          id: 'greet',
          type: 'subflow',
          name: 'Greet the team',
          with: { template: 'greeter', inputs: { who: '${inputs.name}' } },
        },
        { id: 'after', type: 'builtin.noop', with: { got: '${nodes.greet.output.greeting}' } },
      ],
      edges: [{ from: 'greet', to: 'after' }],
      outputs: { got: '${nodes.after.output.got}' },
    };
    await withWorker({ taskQueue, activities: test.activities }, async () => {
      const handle = await startInterpreter(
        client,
        taskQueue,
        parent,
        { name: 'ops' },
        {
          plan: planWith(parent, { greet: sub('greeter', testPlan(greeter), 4) }),
        },
      );
      const state = await finalState(handle);
      expect(state.error).toBeUndefined();
      expect(state.status).toBe('SUCCEEDED');
      expect(state.outputs).toEqual({ got: 'hello ops x2' });
      expect(state.nodes.greet.output).toEqual({ greeting: 'hello ops x2', run: 'jest' });
      const childId = `${handle.workflowId}/greet`;
      expect(state.nodes.greet.child).toMatchObject({
        workflowId: childId,
        templateName: 'greeter',
        version: 4,
        status: 'SUCCEEDED',
      });
      const child = await client.workflow.getHandle(childId).describe();
      expect(child.runId).toBe(state.nodes.greet.child?.runId);
      expect(child.parentExecution?.workflowId).toBe(handle.workflowId);
      expect(await child.staticSummary()).toBe('greeter v4: subflow Greet the team of parent');
      const childState = await client.workflow.getHandle(childId).query(stateQuery);
      expect(childState.runId).toBe(child.runId);
      await recordHistory(handle, 'subflow-outputs');
    });
  });

  it('foreach over a subflow: one child run per item (its own workflow id), outputs in item order', async () => {
    const taskQueue = uniqueTaskQueue('subflow-foreach');
    const test = createTestActivities();
    const parent: Definition = {
      name: 'greet-all',
      inputs: { team: { type: 'array', default: ['ana', 'bo', 'cy', 'di'] } },
      nodes: [
        {
          id: 'greet',
          type: 'subflow',
          foreach: { items: '${inputs.team}', concurrency: 2 },
          with: { template: 'greeter', inputs: { who: '${item}', times: '${index}' } },
        },
      ],
      outputs: { all: '${nodes.greet.output}' },
    };
    await withWorker({ taskQueue, activities: test.activities }, async () => {
      const handle = await startInterpreter(
        client,
        taskQueue,
        parent,
        { team: ['ana', 'bo', 'cy', 'di'] },
        { plan: planWith(parent, { greet: sub('greeter', testPlan(greeter)) }) },
      );
      const state = await finalState(handle);
      expect(state.error).toBeUndefined();
      expect(state.status).toBe('SUCCEEDED');
      expect((state.outputs?.all as Array<{ greeting: string }>).map((item) => item.greeting)).toEqual([
        'hello ana x0',
        'hello bo x1',
        'hello cy x2',
        'hello di x3',
      ]);
      expect(state.nodes.greet.items).toMatchObject({ total: 4, succeeded: 4, failed: 0 });
      for (let index = 0; index < 4; index += 1) {
        const child = await client.workflow.getHandle(`${handle.workflowId}/greet[${index}]`).describe();
        expect(child.status.name).toBe('COMPLETED');
        expect(child.parentExecution?.workflowId).toBe(handle.workflowId);
      }
      await recordHistory(handle, 'subflow-foreach');
    });
  });

  it('fails the node clearly when the mapped inputs break the child declarations', async () => {
    const taskQueue = uniqueTaskQueue('subflow-inputs');
    const test = createTestActivities();
    const parent: Definition = {
      name: 'bad-inputs',
      nodes: [{ id: 'greet', type: 'subflow', with: { template: 'greeter', inputs: { times: 'many' } } }],
    };
    await withWorker({ taskQueue, activities: test.activities }, async () => {
      const handle = await startInterpreter(
        client,
        taskQueue,
        parent,
        {},
        {
          plan: planWith(parent, { greet: sub('greeter', testPlan(greeter)) }),
        },
      );
      const state = await finalState(handle);
      expect(state.status).toBe('FAILED');
      expect(state.nodes.greet.error?.type).toBe('InvalidInput');
      expect(state.nodes.greet.error?.message).toContain('inputs for greeter v1 are invalid');
      expect(state.nodes.greet.error?.message).toContain('inputs.who: required input is missing');
      expect(state.nodes.greet.error?.message).toContain('inputs.times');
      expect(state.nodes.greet.child).toBeUndefined();
    });
  });

  it("fails the node with the child's error when the child run fails", async () => {
    const taskQueue = uniqueTaskQueue('subflow-fail');
    const test = createTestActivities();
    const child: Definition = {
      name: 'breaks',
      nodes: [
        { id: 'boom', type: 'test.fail', with: { errorType: 'Kaput', message: 'disk full', nonRetryable: true } },
      ],
    };
    const parent: Definition = {
      name: 'parent-of-failure',
      nodes: [
        { id: 'call', type: 'subflow', with: { template: 'breaks' }, onFailure: 'skip' },
        { id: 'after', type: 'builtin.noop' },
      ],
      edges: [{ from: 'call', to: 'after' }],
    };
    await withWorker({ taskQueue, activities: test.activities }, async () => {
      const handle = await startInterpreter(
        client,
        taskQueue,
        parent,
        {},
        {
          plan: planWith(parent, { call: sub('breaks', testPlan(child)) }),
        },
      );
      const state = await finalState(handle);
      expect(state.status).toBe('SUCCEEDED');
      expect(state.nodes.call).toMatchObject({
        status: 'SKIPPED',
        skipReason: 'on-failure',
        error: { type: 'Kaput', message: 'child run breaks v1 failed: node boom failed: disk full' },
        child: { status: 'FAILED' },
      });
      expect(state.nodes.after.status).toBe('SUCCEEDED');
    });
  });

  it('fails a subflow node whose plan has no child (a run started without the platform)', async () => {
    const taskQueue = uniqueTaskQueue('subflow-none');
    const test = createTestActivities();
    const parent: Definition = { name: 'no-plan', nodes: [{ id: 'call', type: 'subflow', with: { template: 'x' } }] };
    await withWorker({ taskQueue, activities: test.activities }, async () => {
      const state = await finalState(await startInterpreter(client, taskQueue, parent));
      expect(state.status).toBe('FAILED');
      expect(state.nodes.call.error?.type).toBe('SubflowUnavailable');
    });
  });

  it('three deep: a manual failure in the deepest child makes every ancestor WAITING; retried there, all succeed', async () => {
    const taskQueue = uniqueTaskQueue('subflow-deep');
    const test = createTestActivities();
    const leaf: Definition = {
      name: 'leaf',
      nodes: [
        { id: 'flaky', type: 'test.flaky', with: { failTimes: 1, value: 'v1' }, onFailure: 'manual' },
        { id: 'done', type: 'builtin.noop', with: { value: '${nodes.flaky.output.value}' } },
      ],
      edges: [{ from: 'flaky', to: 'done' }],
      outputs: { value: '${nodes.done.output.value}' },
    };
    const middle: Definition = {
      name: 'middle',
      nodes: [{ id: 'sub_b', type: 'subflow', with: { template: 'leaf' } }],
      outputs: { value: '${nodes.sub_b.output.value}' },
    };
    const top: Definition = {
      name: 'top',
      nodes: [{ id: 'sub_a', type: 'subflow', with: { template: 'middle' } }],
      outputs: { value: '${nodes.sub_a.output.value}' },
    };
    const middlePlan = planWith(middle, { sub_b: sub('leaf', testPlan(leaf)) });
    await withWorker({ taskQueue, activities: test.activities }, async () => {
      const handle = await startInterpreter(
        client,
        taskQueue,
        top,
        {},
        {
          plan: planWith(top, { sub_a: sub('middle', middlePlan) }),
        },
      );
      const waiting = await waitForState(handle, (s) => s.status === 'WAITING');
      expect(waiting.waitingOn).toEqual([expect.objectContaining({ kind: 'operator', nodeId: 'sub_a/sub_b/flaky' })]);
      expect(waiting.waitingOn[0].message).toMatch(/^subflow sub_a: subflow sub_b: node flaky failed/);
      expect(waiting.nodes.sub_a).toMatchObject({ status: 'RUNNING', child: { status: 'WAITING' } });

      const leafHandle = client.workflow.getHandle(`${handle.workflowId}/sub_a/sub_b`);
      await leafHandle.executeUpdate(retryNodeUpdate, {
        args: [{ nodeId: 'flaky', with: { failTimes: 0, value: 'v2' }, by: 'carol' }],
      });
      const state = await finalState(handle);
      expect(state.status).toBe('SUCCEEDED');
      expect(state.outputs).toEqual({ value: 'v2' });
      expect(state.waitingOn).toEqual([]);
      await recordHistory(handle, 'subflow-nested-retry');
      await recordHistory(client.workflow.getHandle(`${handle.workflowId}/sub_a`), 'subflow-nested-retry-middle');
      await recordHistory(leafHandle, 'subflow-nested-retry-leaf');
    });
  });

  it('skipping the failed node deep inside lets the whole tree finish', async () => {
    const taskQueue = uniqueTaskQueue('subflow-skip');
    const test = createTestActivities();
    const leaf: Definition = {
      name: 'leaf',
      nodes: [{ id: 'flaky', type: 'test.fail', onFailure: 'manual' }],
    };
    const top: Definition = { name: 'top-skip', nodes: [{ id: 'sub_a', type: 'subflow', with: { template: 'leaf' } }] };
    await withWorker({ taskQueue, activities: test.activities }, async () => {
      const handle = await startInterpreter(
        client,
        taskQueue,
        top,
        {},
        {
          plan: planWith(top, { sub_a: sub('leaf', testPlan(leaf)) }),
        },
      );
      await waitForState(handle, (s) => s.waitingOn.some((reason) => reason.nodeId === 'sub_a/flaky'));
      await client.workflow
        .getHandle(`${handle.workflowId}/sub_a`)
        .executeUpdate(skipNodeUpdate, { args: [{ nodeId: 'flaky' }] });
      const state = await finalState(handle);
      expect(state.status).toBe('SUCCEEDED');
      expect(state.nodes.sub_a.status).toBe('SUCCEEDED');
    });
  });

  it('pause and resume reach the running child; cancel of the parent cancels the child', async () => {
    const taskQueue = uniqueTaskQueue('subflow-steer');
    const test = createTestActivities();
    const child: Definition = {
      name: 'slow-child',
      nodes: [
        { id: 'first', type: 'test.block', with: { ms: 4000 }, timeout: { heartbeat: '2s' } },
        { id: 'second', type: 'test.block', timeout: { heartbeat: '2s' } },
      ],
      edges: [{ from: 'first', to: 'second' }],
    };
    const parent: Definition = {
      name: 'steered',
      nodes: [{ id: 'call', type: 'subflow', with: { template: 'slow-child' } }],
    };
    await withWorker({ taskQueue, activities: test.activities }, async () => {
      const handle = await startInterpreter(
        client,
        taskQueue,
        parent,
        {},
        {
          plan: planWith(parent, { call: sub('slow-child', testPlan(child)) }),
        },
      );
      const childHandle = client.workflow.getHandle(`${handle.workflowId}/call`);
      await waitForState(handle, (s) => s.nodes.call.child !== undefined);
      await waitForState(childHandle, (s) => s.nodes.first.status === 'RUNNING');
      await handle.signal(pauseSignal, { by: 'dave' });
      const paused = await waitForState(childHandle, (s) => s.status === 'PAUSED');
      expect(paused.paused?.by).toBe('dave');
      // While paused, the child starts nothing new after `first` ends.
      await waitForState(childHandle, (s) => s.nodes.first.status === 'SUCCEEDED');
      expect((await childHandle.query(stateQuery)).nodes.second.status).toBe('PENDING');

      await handle.signal(resumeSignal, { by: 'dave' });
      await waitForState(childHandle, (s) => s.nodes.second.status === 'RUNNING');

      await handle.signal(cancelSignal, { by: 'erin', reason: 'enough' });
      const state = await finalState(handle);
      expect(state.status).toBe('CANCELLED');
      expect(state.nodes.call.status).toBe('CANCELLED');
      const childState = await finalState(childHandle);
      expect(childState.status).toBe('CANCELLED');
      expect(childState.nodes.second.status).toBe('CANCELLED');
      expect(test.cancelled).toContain('second');
      expect((await childHandle.describe()).status.name).toBe('CANCELLED');
      await recordHistory(handle, 'subflow-paused-cancelled');
    });
  });

  it('a child cancelled on its own fails its subflow node, so onFailure applies and the parent goes on', async () => {
    const taskQueue = uniqueTaskQueue('subflow-child-cancel');
    const test = createTestActivities();
    const child: Definition = {
      name: 'cancel-me',
      nodes: [{ id: 'wait', type: 'test.block', timeout: { heartbeat: '2s' } }],
    };
    const parent: Definition = {
      name: 'survives',
      nodes: [
        { id: 'call', type: 'subflow', with: { template: 'cancel-me' }, onFailure: 'skip' },
        { id: 'after', type: 'builtin.noop' },
      ],
      edges: [{ from: 'call', to: 'after' }],
    };
    await withWorker({ taskQueue, activities: test.activities }, async () => {
      const handle = await startInterpreter(
        client,
        taskQueue,
        parent,
        {},
        {
          plan: planWith(parent, { call: sub('cancel-me', testPlan(child)) }),
        },
      );
      const childHandle = client.workflow.getHandle(`${handle.workflowId}/call`);
      await waitForState(handle, (s) => s.nodes.call.child !== undefined);
      await waitForState(childHandle, (s) => s.nodes.wait.status === 'RUNNING');
      await childHandle.signal(cancelSignal, { by: 'frank' });
      const state = await finalState(handle);
      expect(state.status).toBe('SUCCEEDED');
      expect(state.nodes.call).toMatchObject({
        status: 'SKIPPED',
        error: { type: 'ChildCancelled', message: 'child run cancel-me v1 was cancelled' },
        child: { status: 'CANCELLED' },
      });
      expect(state.nodes.after.status).toBe('SUCCEEDED');
    });
  });

  it('retrying a failed subflow node (onFailure manual) starts a new child under a new id', async () => {
    const taskQueue = uniqueTaskQueue('subflow-again');
    const test = createTestActivities();
    const child: Definition = { name: 'always-fails', nodes: [{ id: 'boom', type: 'test.fail' }] };
    const parent: Definition = {
      name: 'again',
      nodes: [{ id: 'call', type: 'subflow', with: { template: 'always-fails' }, onFailure: 'manual' }],
    };
    await withWorker({ taskQueue, activities: test.activities }, async () => {
      const handle = await startInterpreter(
        client,
        taskQueue,
        parent,
        {},
        {
          plan: planWith(parent, { call: sub('always-fails', testPlan(child)) }),
        },
      );
      const first = await waitForState(handle, (s) => s.status === 'WAITING');
      expect(first.nodes.call).toMatchObject({ status: 'FAILED', waitingFor: 'operator' });
      expect(first.nodes.call.child?.workflowId).toBe(`${handle.workflowId}/call`);
      await handle.executeUpdate(retryNodeUpdate, { args: [{ nodeId: 'call' }] });
      const second = await waitForState(handle, (s) => s.status === 'WAITING' && s.nodes.call.executions === 2);
      expect(second.nodes.call.child).toMatchObject({ workflowId: `${handle.workflowId}/call#2`, status: 'FAILED' });
      await handle.executeUpdate(skipNodeUpdate, { args: [{ nodeId: 'call' }] });
      expect((await finalState(handle)).status).toBe('SUCCEEDED');
    });
  });
});
