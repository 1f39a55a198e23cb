/**
 * CEL (through @marcbachmann/cel-js) bundles into workflow code and gives the same answers
 * inside Temporal's deterministic sandbox as in plain Node.
 */
import { bundleWorkflowCode } from '@temporalio/worker';
import { resolveTemplate, toCel } from '../workflows/definition/expressions';
import type { JsonValue } from '../workflows/definition/types';
import { testTemporal, uniqueTaskQueue, withWorker } from './support/temporal';

const scope: Record<string, JsonValue> = {
  inputs: { env: 'prod', replicas: 3, ratio: 0.5, hosts: ['a', 'b', 'c'], flags: { canary: true } },
  vars: { region: 'eu-west-1' },
  nodes: { build: { status: 'SUCCEEDED', output: { body: { artifact: 'web-1.2.3.tgz', size: 1024 } } } },
  run: { id: 'r-1', startedAt: '2026-01-02T03:04:05Z', startedBy: 'alice' },
};

const templates: JsonValue[] = [
  '${inputs.replicas * 2 + 1}',
  '${inputs.ratio * 4.0}',
  "${inputs.env == 'prod' && inputs.flags.canary}",
  'https://deploy.local/${inputs.env}/${vars.region}?n=${inputs.replicas}',
  '${inputs.hosts.map(h, h + "." + vars.region)}',
  '${inputs.hosts.filter(h, h != "b").size()}',
  '${nodes.build.output.body.artifact.startsWith("web-")}',
  "${{'count': size(inputs.hosts), 'first': inputs.hosts[0]}}",
  '${string(inputs.replicas) + "x"}',
  '${duration("90s") > duration("1m")}',
  '${timestamp(run.startedAt) < timestamp("2027-01-01T00:00:00Z")}',
  '$${HOME} stays literal',
  '${inputs.missing}',
  '${1 / 0}',
  { nested: ['${inputs.env}', { deep: '${inputs.replicas > 2 ? "big" : "small"}' }] },
];

function outside(): JsonValue[] {
  const celScope = toCel(scope) as Record<string, unknown>;
  return templates.map((template) => {
    try {
      return resolveTemplate(template, celScope);
    } catch (err) {
      return { error: (err as Error).message };
    }
  });
}

describe('CEL inside the workflow sandbox', () => {
  it('bundles and evaluates exactly as in Node', async () => {
    const workflowBundle = await bundleWorkflowCode({
      workflowsPath: require.resolve('./workflows/expression-probe'),
      logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} },
    });
    const { client } = await testTemporal();
    const taskQueue = uniqueTaskQueue('cel');
    const expected = outside();
    expect(expected[0]).toBe(7);
    expect(expected[11]).toBe('${HOME} stays literal');
    expect(expected[12]).toEqual({ error: expect.stringContaining('missing') });
    const inside = await withWorker({ taskQueue, workflowBundle }, () =>
      client.workflow.execute('expressionProbe', { taskQueue, workflowId: taskQueue, args: [templates, scope] }),
    );
    expect(inside).toEqual(expected);
  });
});
