import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { PluginRegistry } from '../plugins/registry';
import { definePlugin, PluginError, type PluginLogger } from '../plugins/sdk';
import { createPluginActivities, SECRET_NOT_FOUND_FAILURE } from './plugin-activities';
import type { PluginActivityInput, PluginActivityResult } from '../workflows/contract';
import type { SecretResolver, SecretScope } from './secret-resolver';

const VALUE = 'v4lue-of-the-token';

/** Says, logs, heartbeats and (when asked) fails with whatever it was given. */
const leaky = definePlugin<{ text: string; fail?: boolean }>({
  type: 'test.leaky',
  version: '1.0.0',
  title: 'Leaky',
  inputSchema: {
    type: 'object',
    required: ['text'],
    properties: { text: { type: 'string' }, fail: { type: 'boolean' } },
  },
  execute(ctx, input) {
    ctx.logger.info(`got ${input.text}`, { text: input.text });
    ctx.heartbeat({ text: input.text });
    if (input.fail) throw new PluginError('Leak', `failed with ${input.text}`, { details: { text: input.text } });
    return Promise.resolve({ said: input.text, [input.text]: true });
  },
});

function setup(values: Record<string, string> | undefined) {
  const asked: Array<{ scope: SecretScope; names: readonly string[] }> = [];
  const resolver: SecretResolver | undefined = values && {
    source: 'the test store',
    resolve: (scope, names) => {
      asked.push({ scope, names });
      return Promise.resolve(new Map(names.filter((n) => n in values).map((n) => [n, values[n]])));
    },
  };
  const lines: string[] = [];
  const logger: PluginLogger = {
    debug: () => undefined,
    info: (message, attrs) => lines.push(JSON.stringify([message, attrs])),
    warn: () => undefined,
    error: () => undefined,
  };
  const activities = createPluginActivities({
    registry: new PluginRegistry([leaky]),
    logger,
    ...(resolver ? { secrets: resolver } : {}),
  });
  const env = new MockActivityEnvironment({}, { logger: new DefaultLogger('ERROR') });
  const heartbeats: unknown[] = [];
  env.on('heartbeat', (details: unknown) => heartbeats.push(details));
  const run = (req: PluginActivityInput): Promise<PluginActivityResult> => env.run(activities['test.leaky'], req);
  return { run, asked, lines, heartbeats };
}

const request = (fail = false): PluginActivityInput => ({
  runId: 'run-1',
  nodeId: 'n',
  projectId: 'p-1',
  input: { text: 'token=${secrets.TOKEN}', ...(fail ? { fail } : {}) },
  secrets: [{ path: ['text'], offset: 6, name: 'TOKEN' }],
});

describe('plugin activities with secrets', () => {
  it("fills the run's project's secret in, and scrubs it from the output, logs and heartbeats", async () => {
    const { run, asked, lines, heartbeats } = setup({ TOKEN: VALUE });
    const result = await run(request());
    expect(asked).toEqual([{ scope: { runId: 'run-1', projectId: 'p-1' }, names: ['TOKEN'] }]);
    expect(result.output).toEqual({ said: 'token=***', 'token=***': true });
    expect(lines.join('\n')).toContain('got token=***');
    expect(heartbeats).toEqual([{ text: 'token=***' }]);
    expect(JSON.stringify({ result, lines, heartbeats })).not.toContain(VALUE);
  });

  it('scrubs the failure: message, details and stack', async () => {
    const { run } = setup({ TOKEN: VALUE });
    const err = (await run(request(true)).catch((e: unknown) => e)) as ApplicationFailure;
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'Leak', message: 'failed with token=***', details: [{ text: 'token=***' }] });
    expect(String(err.stack)).not.toContain(VALUE);
  });

  it('fails a missing secret as non-retryable SecretNotFound naming it, with or without a store', async () => {
    const missing = await setup({})
      .run(request())
      .catch((e: unknown) => e as ApplicationFailure);
    expect(missing).toMatchObject({
      type: SECRET_NOT_FOUND_FAILURE,
      nonRetryable: true,
      message: 'No secret TOKEN in the test store',
    });
    const noStore = await setup(undefined)
      .run(request())
      .catch((e: unknown) => e as ApplicationFailure);
    expect(noStore).toMatchObject({
      type: SECRET_NOT_FOUND_FAILURE,
      message: 'Secret TOKEN cannot be read: this worker has no secret store',
    });
  });
});
