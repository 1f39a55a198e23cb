import { definePlugin, PluginError } from './plugin';
import { createTestContext, runPlugin } from './testing';

const probe = definePlugin<{ name: string }>({
  type: 'test.probe',
  version: '1.0.0',
  title: 'Probe',
  inputSchema: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
  execute(ctx, input) {
    if (ctx.signal.aborted) throw new PluginError('Cancelled', 'cancelled', { retryable: false });
    ctx.heartbeat({ step: 1 });
    ctx.logger.warn('probing', { name: input.name });
    return Promise.resolve({ runId: ctx.runId, nodeId: ctx.nodeId, attempt: ctx.attempt, name: input.name });
  },
});

describe(runPlugin.name, () => {
  it('executes with a default context, or the attempt and ids given', async () => {
    await expect(runPlugin(probe, { name: 'a' })).resolves.toEqual({
      runId: 'test-run',
      nodeId: 'test_node',
      attempt: 1,
      name: 'a',
    });
    await expect(runPlugin(probe, { name: 'b' }, { attempt: 4, runId: 'r', nodeId: 'n' })).resolves.toMatchObject({
      runId: 'r',
      nodeId: 'n',
      attempt: 4,
    });
  });

  it('checks the input schema first, like the worker', async () => {
    await expect(runPlugin(probe, {} as never)).rejects.toThrow(
      'Invalid input for test.probe@1.0.0: with.name: is required',
    );
    await expect(runPlugin(probe, {} as never, { validate: false })).resolves.toMatchObject({ name: undefined });
  });

  it('hands the signal to the plugin', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(runPlugin(probe, { name: 'c' }, { signal: controller.signal })).rejects.toMatchObject({
      type: 'Cancelled',
    });
  });
});

describe(createTestContext.name, () => {
  it('records heartbeats and log lines', async () => {
    const { ctx, heartbeats, logs } = createTestContext();
    await probe.execute(ctx, { name: 'd' });
    expect(heartbeats).toEqual([{ step: 1 }]);
    expect(logs).toEqual([{ level: 'warn', message: 'probing', attrs: { name: 'd' } }]);
  });
});
