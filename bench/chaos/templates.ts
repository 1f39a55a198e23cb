/**
 * The chaos harness's templates: each one's definition (all plugin nodes are `chaos.ledger`), the
 * status each run must end in, and each node's final status and allowed attempts.
 */
import type { Definition } from '../../workflows/definition/types';

export interface ChaosTemplate {
  definition: Definition;
  expectedRunStatus: 'SUCCEEDED' | 'FAILED';
  /** Final status of every node. */
  expectedNodes: Record<string, string>;
  /** maximumAttempts of each plugin node (what the ledger may show at most). */
  maxAttempts: Record<string, number>;
}

const LEDGER = 'chaos.ledger';
/** The plugin's default retry (bench/chaos/plugins/chaos-ledger). */
const DEFAULT_MAX_ATTEMPTS = 5;

function plugin(id: string, extra: Record<string, unknown> = {}) {
  return { id, type: LEDGER, ...extra };
}

const chainIds = ['a', 'b', 'c', 'd'];
const workers = ['w1', 'w2', 'w3', 'w4'];

export const CHAOS_TEMPLATES: ChaosTemplate[] = [
  {
    definition: {
      name: 'chaos-chain',
      nodes: chainIds.map((id) => plugin(id)),
      edges: chainIds.slice(1).map((id, i) => ({ from: chainIds[i], to: id })),
    },
    expectedRunStatus: 'SUCCEEDED',
    expectedNodes: Object.fromEntries(chainIds.map((id) => [id, 'SUCCEEDED'])),
    maxAttempts: Object.fromEntries(chainIds.map((id) => [id, DEFAULT_MAX_ATTEMPTS])),
  },
  {
    definition: {
      name: 'chaos-fanout',
      nodes: [plugin('split'), ...workers.map((id) => plugin(id)), plugin('join')],
      edges: [...workers.map((id) => ({ from: 'split', to: id })), ...workers.map((id) => ({ from: id, to: 'join' }))],
    },
    expectedRunStatus: 'SUCCEEDED',
    expectedNodes: Object.fromEntries(['split', ...workers, 'join'].map((id) => [id, 'SUCCEEDED'])),
    maxAttempts: Object.fromEntries(['split', ...workers, 'join'].map((id) => [id, DEFAULT_MAX_ATTEMPTS])),
  },
  {
    definition: {
      name: 'chaos-retry',
      nodes: [
        plugin('prepare'),
        plugin('flaky', {
          with: { failUntilAttempt: 3 },
          retry: { maximumAttempts: 7, initialInterval: '500ms', backoffCoefficient: 1 },
        }),
        plugin('finish'),
      ],
      edges: [
        { from: 'prepare', to: 'flaky' },
        { from: 'flaky', to: 'finish' },
      ],
    },
    expectedRunStatus: 'SUCCEEDED',
    expectedNodes: { prepare: 'SUCCEEDED', flaky: 'SUCCEEDED', finish: 'SUCCEEDED' },
    maxAttempts: { prepare: DEFAULT_MAX_ATTEMPTS, flaky: 7, finish: DEFAULT_MAX_ATTEMPTS },
  },
  {
    definition: {
      name: 'chaos-gateway',
      nodes: [plugin('check'), { id: 'route', type: 'gateway.exclusive' }, plugin('blue'), plugin('green')],
      edges: [
        { from: 'check', to: 'route' },
        { from: 'route', to: 'blue', when: 'nodes.check.output.attempt >= 1' },
        { from: 'route', to: 'green', default: true },
      ],
    },
    expectedRunStatus: 'SUCCEEDED',
    expectedNodes: { check: 'SUCCEEDED', route: 'SUCCEEDED', blue: 'SUCCEEDED', green: 'SKIPPED' },
    maxAttempts: { check: DEFAULT_MAX_ATTEMPTS, blue: DEFAULT_MAX_ATTEMPTS, green: DEFAULT_MAX_ATTEMPTS },
  },
];
