/**
 * Operations where a person takes part in a run (issue 4, interpreter side): approvals with
 * deadlines, forced failures, breakpoints, skipping a failed gateway down a chosen edge, and
 * reuse of earlier outputs. Real dev server, real worker.
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import {
  approveNodeUpdate,
  clearBreakpointUpdate,
  forceFailNodeUpdate,
  pauseAtNodeUpdate,
  rejectNodeUpdate,
  resumeSignal,
  retryNodeUpdate,
  skipNodeUpdate,
  type RunState,
} from '../workflows/contract';
import type { Definition } from '../workflows/definition/types';
import { finalState, recordHistory, startInterpreter, waitForState } from './support/runs';
import { createTestActivities } from './support/test-activities';
import { testTemporal, uniqueTaskQueue, withWorker } from './support/temporal';

let client: Client;

beforeAll(async () => {
  client = (await testTemporal()).client;
});

/** Starts `definition` on a fresh worker and hands the handle to `steer` while the worker runs. */
async function steer<T>(
  definition: Definition,
  fn: (handle: WorkflowHandle, ledger: ReturnType<typeof createTestActivities>) => Promise<T>,
  reuse?: Record<string, never>,
): Promise<T> {
  const taskQueue = uniqueTaskQueue('ops');
  const test = createTestActivities();
  return withWorker({ taskQueue, activities: test.activities }, async () => {
    const handle = await startInterpreter(client, taskQueue, definition, {}, { reuse });
    return fn(handle, test);
  });
}

const approvalFlow = (approval: Record<string, unknown>, onFailure: 'fail' | 'skip' = 'fail'): Definition => ({
  name: 'approval',
  nodes: [
    { id: 'gate', type: 'approval', name: 'Approve the prod deploy', with: approval as never, onFailure },
    { id: 'deploy', type: 'builtin.noop', with: { ticket: '${nodes.gate.output.values.ticket}' } },
  ],
  edges: [{ from: 'gate', to: 'deploy' }],
});

describe('approvals', () => {
  it('waits for an allowed approver; refuses other roles and the starter; passes form values on', async () => {
    await steer(
      approvalFlow({ message: 'Ship it?', approvers: { roles: ['owner'], users: ['erin'] }, forbidStarter: true }),
      async (handle) => {
        const waiting = await waitForState(handle, (s) => s.status === 'WAITING');
        expect(waiting.nodes.gate).toMatchObject({ status: 'WAITING', waitingFor: 'approval' });
        expect(waiting.waitingOn).toEqual([
          {
            kind: 'approval',
            nodeId: 'gate',
            message: 'approval gate waits for a decision by user erin or role owner',
          },
        ]);
        await expect(
          handle.executeUpdate(approveNodeUpdate, {
            args: [{ nodeId: 'gate', by: 'olga', roles: ['operator', 'viewer'] }],
          }),
        ).rejects.toMatchObject({
          cause: { message: 'olga may not decide approval "gate": it needs user erin or role owner' },
        });
        await expect(
          handle.executeUpdate(approveNodeUpdate, { args: [{ nodeId: 'gate', by: 'jest', roles: ['owner'] }] }),
        ).rejects.toMatchObject({ cause: { message: 'jest started this run and may not decide approval "gate"' } });
        const decided = await handle.executeUpdate(approveNodeUpdate, {
          args: [{ nodeId: 'gate', by: 'owen', roles: ['owner'], comment: 'go', values: { ticket: 'CHG-42' } }],
        });
        expect(decided.approval).toMatchObject({ decision: 'approve', decidedBy: 'owen', comment: 'go' });
        const state = await finalState(handle);
        expect(state.status).toBe('SUCCEEDED');
        expect(state.nodes.gate.output).toMatchObject({
          decision: 'approve',
          by: 'owen',
          values: { ticket: 'CHG-42' },
        });
        expect(state.nodes.deploy.input).toEqual({ ticket: 'CHG-42' });
        await expect(
          handle.executeUpdate(rejectNodeUpdate, { args: [{ nodeId: 'gate', by: 'owen' }] }),
        ).rejects.toThrow();
        await recordHistory(handle, 'approval-approved');
      },
    );
  });

  it('fails the node on rejection, so its onFailure applies', async () => {
    const state = await steer(approvalFlow({}, 'fail'), async (handle) => {
      await waitForState(handle, (s) => s.status === 'WAITING');
      await handle.executeUpdate(rejectNodeUpdate, { args: [{ nodeId: 'gate', by: 'rita', comment: 'not today' }] });
      return finalState(handle);
    });
    expect(state.status).toBe('FAILED');
    expect(state.nodes.gate.error).toEqual({ type: 'Rejected', message: 'rejected by rita: not today' });
    expect(state.nodes.deploy.status).toBe('CANCELLED');
  });

  it('applies the default decision at the deadline', async () => {
    const approved = await steer(approvalFlow({ deadline: '1s', defaultDecision: 'approve' }), (handle) =>
      finalState(handle),
    );
    expect(approved.status).toBe('FAILED'); // the default approval has no form values for `deploy`
    expect(approved.nodes.gate).toMatchObject({
      status: 'SUCCEEDED',
      approval: { decision: 'approve', decidedBy: 'deadline' },
    });
    expect(approved.nodes.deploy.error?.type).toBe('ExpressionError');

    const rejected = await steer(approvalFlow({ deadline: '500ms' }, 'skip'), async (handle) => {
      const state = await finalState(handle);
      await recordHistory(handle, 'approval-deadline');
      return state;
    });
    expect(rejected.nodes.gate).toMatchObject({
      status: 'SKIPPED',
      skipReason: 'on-failure',
      error: { type: 'Rejected' },
    });
    expect(rejected.nodes.gate.approval).toMatchObject({ decision: 'reject', decidedBy: 'deadline' });
  });
});

describe('node control', () => {
  it('forceFailNode fails a running node now; its onFailure applies and a retry runs it again', async () => {
    await steer(
      {
        name: 'force-fail',
        nodes: [
          { id: 'stuck', type: 'test.block', with: { ms: 60000 }, timeout: { heartbeat: '2s' }, onFailure: 'manual' },
          { id: 'after', type: 'builtin.noop' },
        ],
        edges: [{ from: 'stuck', to: 'after' }],
      },
      async (handle, ledger) => {
        await waitForState(handle, (s) => s.nodes.stuck.status === 'RUNNING');
        const forced = await handle.executeUpdate(forceFailNodeUpdate, {
          args: [{ nodeId: 'stuck', by: 'fay', reason: 'hung' }],
        });
        expect(forced).toMatchObject({
          status: 'FAILED',
          waitingFor: 'operator',
          error: { type: 'ForcedFailure', message: 'forced to fail by fay: hung' },
        });
        await waitForState(handle, () => ledger.cancelled.includes('stuck'));
        await handle.executeUpdate(retryNodeUpdate, { args: [{ nodeId: 'stuck', with: { ms: 10 } }] });
        const state = await finalState(handle);
        expect(state.status).toBe('SUCCEEDED');
        expect(state.nodes.stuck).toMatchObject({ status: 'SUCCEEDED', executions: 2 });
        await expect(handle.executeUpdate(forceFailNodeUpdate, { args: [{ nodeId: 'after' }] })).rejects.toMatchObject({
          name: 'WorkflowNotFoundError',
        }); // a closed run takes no more updates
        await recordHistory(handle, 'force-fail-and-retry');
      },
    );
  });

  it('pauseAtNode pauses the run before that node starts; clearBreakpoint removes one', async () => {
    await steer(
      {
        name: 'breakpoints',
        nodes: [
          { id: 'first', type: 'test.block', with: { ms: 800 }, timeout: { heartbeat: '5s' } },
          { id: 'second', type: 'builtin.noop' },
          { id: 'third', type: 'builtin.noop' },
        ],
        edges: [
          { from: 'first', to: 'second' },
          { from: 'second', to: 'third' },
        ],
      },
      async (handle, ledger) => {
        await waitForState(handle, (s) => s.nodes.first.status === 'RUNNING');
        const marked = await handle.executeUpdate(pauseAtNodeUpdate, { args: [{ nodeId: 'second', by: 'gil' }] });
        expect(marked.breakpoint).toBe(true);
        await handle.executeUpdate(pauseAtNodeUpdate, { args: [{ nodeId: 'third' }] });
        await handle.executeUpdate(clearBreakpointUpdate, { args: [{ nodeId: 'third' }] });
        await expect(handle.executeUpdate(pauseAtNodeUpdate, { args: [{ nodeId: 'first' }] })).rejects.toMatchObject({
          cause: { message: 'cannot pause at node "first": it is RUNNING, already started or done' },
        });
        const paused: RunState = await waitForState(handle, (s) => s.status === 'PAUSED');
        expect(paused.nodes.first.status).toBe('SUCCEEDED');
        expect(paused.nodes.second.status).toBe('PENDING');
        expect(paused.waitingOn).toEqual([
          {
            kind: 'breakpoint',
            nodeId: 'second',
            message: 'paused at the breakpoint before node second; resume to go on',
          },
        ]);
        expect(ledger.executions.map((e) => e.nodeId)).toEqual(['first']);
        await handle.signal(resumeSignal, { by: 'gil' });
        const state = await finalState(handle);
        expect(state.status).toBe('SUCCEEDED');
        expect(ledger.executions.map((e) => e.nodeId)).toEqual(['first', 'second', 'third']);
        await recordHistory(handle, 'breakpoint');
      },
    );
  });

  it('skips a failed exclusive gateway down the edge the operator names', async () => {
    await steer(
      {
        name: 'gateway-skip',
        nodes: [
          { id: 'route', type: 'gateway.exclusive', onFailure: 'manual' },
          { id: 'blue', type: 'builtin.noop' },
          { id: 'green', type: 'builtin.noop' },
        ],
        edges: [
          { from: 'route', to: 'blue', when: 'false' },
          { from: 'route', to: 'green', when: 'false' },
        ],
      },
      async (handle) => {
        const waiting = await waitForState(handle, (s) => s.status === 'WAITING');
        expect(waiting.nodes.route).toMatchObject({ status: 'FAILED', error: { type: 'RoutingError' } });
        expect(waiting.waitingOn[0]).toMatchObject({ kind: 'operator', nodeId: 'route' });
        await expect(
          handle.executeUpdate(skipNodeUpdate, { args: [{ nodeId: 'route', takeEdgeTo: 'red' }] }),
        ).rejects.toMatchObject({ cause: { message: 'cannot skip node "route": it has no edge to "red"' } });
        await handle.executeUpdate(skipNodeUpdate, { args: [{ nodeId: 'route', takeEdgeTo: 'green', by: 'hal' }] });
        const state = await finalState(handle);
        expect(state.status).toBe('SUCCEEDED');
        expect(state.nodes.green.status).toBe('SUCCEEDED');
        expect(state.nodes.blue).toMatchObject({ status: 'SKIPPED', skipReason: 'dead-path' });
        await recordHistory(handle, 'gateway-skip-edge');
      },
    );
  });

  it('reuses earlier outputs instead of executing those nodes', async () => {
    await steer(
      {
        name: 'rerun',
        nodes: [
          { id: 'build', type: 'builtin.noop', with: { artifact: 'fresh' } },
          { id: 'deploy', type: 'builtin.noop', with: { artifact: '${nodes.build.output.artifact}' } },
        ],
        edges: [{ from: 'build', to: 'deploy' }],
      },
      async (handle, ledger) => {
        const state = await finalState(handle);
        expect(state.nodes.build).toMatchObject({
          status: 'SUCCEEDED',
          reused: true,
          output: { artifact: 'from-run-1' },
        });
        expect(state.nodes.deploy.input).toEqual({ artifact: 'from-run-1' });
        expect(ledger.executions.map((e) => e.nodeId)).toEqual(['deploy']);
      },
      { build: { artifact: 'from-run-1' } as never },
    );
  });
});
