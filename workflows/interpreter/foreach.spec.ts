import type { InterpreterInput } from '../contract';
import type { Definition } from '../definition/types';
import { foreachFailure, instanceIdFor } from './foreach';
import { RunMachine } from './run-machine';

const T = '2026-01-01T00:00:00.000Z';

function machine(definition: Definition, inputs = {}): RunMachine {
  const input: InterpreterInput = {
    plan: { definition, activities: {} },
    inputs,
    run: { id: 'r1', startedBy: 'spec', startedAt: T },
  };
  return new RunMachine(input);
}

const looping = (extra: Partial<Definition['nodes'][number]> = {}): Definition => ({
  name: 'loop',
  inputs: { hosts: { type: 'array' } },
  nodes: [
    {
      id: 'deploy',
      type: 'builtin.noop',
      with: { host: '${item}', n: '${index}', label: '${item}#${index}', env: '${inputs.env}' },
      foreach: { items: '${inputs.hosts}', concurrency: 2 },
      onFailure: 'manual',
      ...extra,
    },
  ],
});

describe('foreach in the run machine', () => {
  it('resolves one input per item, with item and index in scope of with', () => {
    const m = machine(looping(), { hosts: ['a', 'b', 'c'], env: 'dev' });
    const launch = m.launchNext(T)!;
    expect(launch.input).toEqual([
      { host: 'a', n: 0, label: 'a#0', env: 'dev' },
      { host: 'b', n: 1, label: 'b#1', env: 'dev' },
      { host: 'c', n: 2, label: 'c#2', env: 'dev' },
    ]);
    expect(launch.foreach).toEqual({ concurrency: 2, reuse: [undefined, undefined, undefined] });
    expect(m.nodes.deploy.input).toEqual(launch.input);
  });

  it('fails the node with ForeachTooManyItems past maxItems, and ForeachItemsNotAList for a non-list', () => {
    const many = machine(looping({ foreach: { items: '${inputs.hosts}', maxItems: 2 } }), { hosts: [1, 2, 3] });
    expect(many.launchNext(T)).toBeUndefined();
    expect(many.nodes.deploy.error).toEqual({ type: 'ForeachTooManyItems', message: '3 items, maxItems is 2' });
    const defaultCap = machine(looping({ foreach: { items: '${inputs.hosts}' } }), {
      hosts: Array.from({ length: 1200 }, (_, i) => i),
    });
    defaultCap.launchNext(T);
    expect(defaultCap.nodes.deploy.error?.message).toBe('1200 items, maxItems is 1000');
    const notList = machine(looping(), { hosts: { a: 1 } });
    notList.launchNext(T);
    expect(notList.nodes.deploy.error).toEqual({
      type: 'ForeachItemsNotAList',
      message: 'foreach.items gave object, not a list',
    });
  });

  it('on a retry, reuses the outputs of items that succeeded with the same input', () => {
    const m = machine(looping(), { hosts: ['a', 'b', 'c'], env: 'dev' });
    const first = m.launchNext(T)!;
    m.foreachItemSucceeded('deploy', 0, { ok: 'a' });
    m.foreachItemSucceeded('deploy', 2, { ok: 'c' });
    m.failNode('deploy', { type: 'ForeachItemsFailed', message: 'item 1' }, T, 3);
    expect(first.execution).toBe(1);
    m.retry({ nodeId: 'deploy' });
    const second = m.launchNext(T)!;
    expect(second.execution).toBe(2);
    expect(second.foreach!.reuse).toEqual([{ ok: 'a' }, undefined, { ok: 'c' }]);
    // New inputs for the node: nothing is reused.
    m.failNode('deploy', { type: 'ForeachItemsFailed', message: 'item 1' }, T, 1);
    m.retry({ nodeId: 'deploy', with: { env: 'prod' } });
    expect(m.launchNext(T)!.foreach!.reuse).toEqual([undefined, undefined, undefined]);
  });

  it('shows item progress and callback URLs in the node state', () => {
    const m = machine(looping(), { hosts: ['a'], env: 'dev' });
    m.launchNext(T);
    m.reportItems('deploy', { total: 1, succeeded: 0, failed: 0, running: 1 });
    m.recordCallback({ nodeId: 'deploy[0]', url: 'https://x/callbacks/t', expiresAt: T });
    expect(m.nodes.deploy.items).toEqual({ total: 1, succeeded: 0, failed: 0, running: 1 });
    expect(m.nodes.deploy.itemCallbacks).toEqual({
      'deploy[0]': { nodeId: 'deploy[0]', url: 'https://x/callbacks/t', expiresAt: T },
    });
    expect(m.takeChanges().map((n) => n.id)).toContain('deploy');
  });
});

describe(foreachFailure.name, () => {
  it('names the failed indexes (the first 20) and the first error', () => {
    const failures = new Map(
      Array.from({ length: 25 }, (_, i) => [24 - i, { type: 'Boom', message: `item ${24 - i}` }] as const),
    );
    expect(foreachFailure(50, failures)).toEqual({
      type: 'ForeachItemsFailed',
      message:
        '25 of 50 items failed (items 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19 and 5 more); item 0: Boom: item 0',
    });
    expect(instanceIdFor('deploy', 3)).toBe('deploy[3]');
  });
});
