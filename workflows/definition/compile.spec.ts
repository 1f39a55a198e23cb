import fc from 'fast-check';
import type { PluginCatalog, PluginDescriptor } from '../../plugins/sdk/plugin';
import { activityPlanKey, activityPlanOf } from '../plan';
import { compileActivity, compilePlan, DEFAULT_START_TO_CLOSE_MS } from './compile';
import type { Definition } from './types';

const PLUGINS: PluginDescriptor[] = [
  {
    type: 'http.request',
    version: '1.0.0',
    title: 'HTTP request',
    inputSchema: { type: 'object' },
    defaults: {
      retry: {
        maximumAttempts: 5,
        initialInterval: '2s',
        backoffCoefficient: 3,
        nonRetryableErrorTypes: ['BadRequest'],
      },
      timeout: { startToClose: '1m', heartbeat: '20s' },
    },
  },
  {
    type: 'http.request',
    version: '2.0.0',
    title: 'HTTP request v2',
    inputSchema: { type: 'object' },
    defaults: { timeout: { scheduleToClose: '1h' } },
  },
  { type: 'shell.exec', version: '1.0.0', title: 'Shell', inputSchema: { type: 'object' }, taskQueue: 'shell-hosts' },
];

const catalog: PluginCatalog = {
  find: (type, version) => PLUGINS.find((p) => p.type === type && (version === undefined || p.version === version)),
  list: () => PLUGINS,
};

function definitionOf(...nodes: Definition['nodes']): Definition {
  return { name: 'x', nodes };
}

describe(compilePlan.name, () => {
  it('uses the plugin defaults, in milliseconds, with its task queue', () => {
    const plan = compilePlan(
      definitionOf({ id: 'a', type: 'http.request' }, { id: 'b', type: 'shell.exec', with: { command: 'true' } }),
      catalog,
    );
    expect({ a: activityPlanOf(plan, 'a'), b: activityPlanOf(plan, 'b') }).toEqual({
      a: {
        type: 'http.request',
        startToCloseTimeoutMs: 60_000,
        heartbeatTimeoutMs: 20_000,
        retry: {
          maximumAttempts: 5,
          initialIntervalMs: 2_000,
          backoffCoefficient: 3,
          nonRetryableErrorTypes: ['BadRequest'],
        },
      },
      b: { type: 'shell.exec', taskQueue: 'shell-hosts', startToCloseTimeoutMs: DEFAULT_START_TO_CLOSE_MS, retry: {} },
    });
  });

  it("merges the node's retry and timeout over the plugin's, field by field", () => {
    const plan = compilePlan(
      definitionOf({
        id: 'a',
        type: 'http.request',
        retry: { maximumAttempts: 1, maximumInterval: '1m30s' },
        timeout: { scheduleToClose: '5m', scheduleToStart: '250ms' },
      }),
      catalog,
    );
    expect(activityPlanOf(plan, 'a')).toEqual({
      type: 'http.request',
      startToCloseTimeoutMs: 60_000,
      scheduleToCloseTimeoutMs: 300_000,
      scheduleToStartTimeoutMs: 250,
      heartbeatTimeoutMs: 20_000,
      retry: {
        maximumAttempts: 1,
        initialIntervalMs: 2_000,
        backoffCoefficient: 3,
        maximumIntervalMs: 90_000,
        nonRetryableErrorTypes: ['BadRequest'],
      },
    });
  });

  it('lets a node replace the list of non-retryable error types', () => {
    const plan = compilePlan(
      definitionOf({ id: 'a', type: 'http.request', retry: { nonRetryableErrorTypes: [] } }),
      catalog,
    );
    expect(activityPlanOf(plan, 'a')?.retry.nonRetryableErrorTypes).toEqual([]);
  });

  it('sets startToClose only when neither startToClose nor scheduleToClose results', () => {
    const v2 = compilePlan(definitionOf({ id: 'a', type: 'http.request', version: '2.0.0' }), catalog);
    expect(activityPlanOf(v2, 'a')?.startToCloseTimeoutMs).toBeUndefined();
    expect(activityPlanOf(v2, 'a')?.scheduleToCloseTimeoutMs).toBe(3_600_000);
    const own = compilePlan(definitionOf({ id: 'a', type: 'shell.exec', timeout: { startToClose: '2h' } }), catalog);
    expect(activityPlanOf(own, 'a')?.startToCloseTimeoutMs).toBe(7_200_000);
  });

  it('plans no activity for gateways and built-in nodes', () => {
    const definition: Definition = {
      name: 'x',
      nodes: [
        { id: 'g', type: 'gateway.exclusive' },
        { id: 't', type: 'timer.sleep', with: { duration: '1s' } },
        { id: 'v', type: 'vars.set', with: { a: 1 } },
        { id: 'p', type: 'approval' },
        { id: 's', type: 'subflow' },
        { id: 'h', type: 'http.request' },
      ],
    };
    const plan = compilePlan(definition, catalog);
    expect(Object.keys(plan.activityOf ?? {})).toEqual(['h']);
    expect(plan.definition).toBe(definition);
  });

  it('does not share arrays with the definition or the catalog', () => {
    const definition = definitionOf({ id: 'a', type: 'http.request' });
    activityPlanOf(compilePlan(definition, catalog), 'a')?.retry.nonRetryableErrorTypes?.push('Mutated');
    expect(PLUGINS[0].defaults?.retry?.nonRetryableErrorTypes).toEqual(['BadRequest']);
  });

  it('shares one activity plan between nodes with the same options (a 10,000-node plan stays small)', () => {
    const nodes = Array.from({ length: 10_000 }, (_, i) => ({ id: `n${i}`, type: 'http.request' }));
    nodes[7] = { ...nodes[7], retry: { maximumAttempts: 9 } } as (typeof nodes)[number];
    const plan = compilePlan({ name: 'wide', nodes }, catalog);
    expect(plan.activities).toBeUndefined();
    expect(plan.activityPlans).toHaveLength(2);
    expect(activityPlanOf(plan, 'n7')?.retry.maximumAttempts).toBe(9);
    expect(activityPlanOf(plan, 'n8')?.retry.maximumAttempts).toBe(5);
    expect(JSON.stringify(plan).length).toBeLessThan(1_000_000);
  });

  it('names the node of a plugin the catalog lacks', () => {
    expect(() => compilePlan(definitionOf({ id: 'a', type: 'nope.plugin' }), catalog)).toThrow(
      'unknown plugin nope.plugin for node a',
    );
  });

  it('gives every node the plan it gets alone, and no two plans alike, whatever options nodes repeat', () => {
    const maybe = <T>(values: T[]) => fc.option(fc.constantFrom(...values), { nil: undefined });
    const retry = fc.record(
      {
        maximumAttempts: maybe([0, 3, 5]),
        initialInterval: maybe(['1s', '1000ms', '2s']),
        backoffCoefficient: maybe([1, 2]),
        maximumInterval: maybe(['30s', '1m']),
        nonRetryableErrorTypes: maybe([['A'], ['A', 'B'], ['A\u0000B'], []]),
      },
      { requiredKeys: [] },
    );
    const timeout = fc.record(
      { startToClose: maybe(['30s', '1m', '60s']), scheduleToClose: maybe(['1h']), heartbeat: maybe(['20s']) },
      { requiredKeys: [] },
    );
    const node = fc.record(
      {
        type: fc.constantFrom('http.request', 'shell.exec'),
        version: maybe(['1.0.0', '2.0.0']),
        retry: fc.option(retry, { nil: undefined }),
        timeout: fc.option(timeout, { nil: undefined }),
      },
      { requiredKeys: ['type'] },
    );
    fc.assert(
      fc.property(fc.array(node, { minLength: 1, maxLength: 30 }), (drawn) => {
        const nodes = drawn
          .filter((n) => !(n.type === 'shell.exec' && n.version === '2.0.0'))
          .map((n, i) => ({ ...n, id: `n${i}` }));
        const plan = compilePlan(definitionOf(...nodes), catalog);
        for (const n of nodes) expect(activityPlanOf(plan, n.id)).toEqual(compileActivity(n, catalog));
        const keys = (plan.activityPlans ?? []).map(activityPlanKey);
        expect(new Set(keys).size).toBe(keys.length);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 200) },
    );
  });
});
