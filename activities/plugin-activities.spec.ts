import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { execFileSync } from 'node:child_process';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createBuiltinRegistry } from '../plugins';
import { PluginRegistry } from '../plugins/registry';
import { PluginError, definePlugin, type JsonObject, type PluginContext, type PluginLogger } from '../plugins/sdk';
import type { PluginActivityInput } from '../workflows/contract';
import {
  INVALID_INPUT_FAILURE,
  UNKNOWN_PLUGIN_FAILURE,
  createPluginActivities,
  toActivityFailure,
} from './plugin-activities';

/** Test plugins: what each saw of its context, and failures on demand. */
function testPlugins() {
  const seen: Array<{ version: string; ctx: Omit<PluginContext, 'logger' | 'signal' | 'heartbeat'>; input: unknown }> =
    [];
  const record = (version: string) =>
    definePlugin<JsonObject>({
      type: 'test.echo',
      version,
      title: `Echo ${version}`,
      inputSchema: {
        type: 'object',
        properties: { count: { type: 'integer' }, nested: { type: 'object', properties: { ok: { type: 'boolean' } } } },
        additionalProperties: false,
      },
      execute(ctx, input) {
        seen.push({ version, ctx: { runId: ctx.runId, nodeId: ctx.nodeId, attempt: ctx.attempt }, input });
        ctx.heartbeat({ progress: 'half' });
        ctx.logger.info('echoing', { count: input.count ?? null });
        return Promise.resolve({ version, input });
      },
    });
  const fail = definePlugin<{ kind: string }>({
    type: 'test.fail',
    version: '1.0.0',
    title: 'Fails as asked',
    inputSchema: { type: 'object', required: ['kind'], properties: { kind: { type: 'string' } } },
    execute(_ctx, input) {
      switch (input.kind) {
        case 'fatal':
          throw new PluginError('BadRequest', 'HTTP 400 from ci', { retryable: false, details: { status: 400 } });
        case 'transient':
          throw new PluginError('HttpServerError', 'HTTP 503 from ci');
        case 'foreign': {
          // A PluginError from another copy of the SDK (a custom plugin's own bundle).
          const err = Object.assign(new Error('quota exceeded'), {
            name: 'PluginError',
            type: 'Quota',
            retryable: false,
          });
          throw err;
        }
        case 'type':
          throw new TypeError("Cannot read properties of undefined (reading 'x')");
        case 'string':
          // Deliberately not an Error: plugins in plain JavaScript can throw anything.
          // eslint-disable-next-line @typescript-eslint/only-throw-error
          throw 'plain string thrown';
        default:
          throw ApplicationFailure.create({ type: 'Custom', message: 'already a failure', nonRetryable: true });
      }
    },
  });
  const wait = definePlugin({
    type: 'test.wait',
    version: '1.0.0',
    title: 'Waits for cancellation',
    inputSchema: { type: 'object' },
    async execute(ctx) {
      await new Promise<void>((_resolve, reject) => {
        ctx.signal.addEventListener('abort', () =>
          reject(new PluginError('Interrupted', 'stopped because the signal fired', { retryable: true })),
        );
      });
      return null;
    },
  });
  return { plugins: [record('1.0.0'), record('1.1.0'), record('2.0.0'), fail, wait], seen };
}

/** A real activity context (no server needed), logging only errors. */
function mockEnvironment(info: ConstructorParameters<typeof MockActivityEnvironment>[0] = {}): MockActivityEnvironment {
  return new MockActivityEnvironment(info, { logger: new DefaultLogger('ERROR') });
}

function request(input: unknown, extra: Partial<PluginActivityInput> = {}): PluginActivityInput {
  return { runId: 'run-7', nodeId: 'build', input: input as PluginActivityInput['input'], ...extra };
}

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ApplicationFailure);
    return err as ApplicationFailure;
  }
  throw new Error('expected the activity to fail');
}

describe(createPluginActivities.name, () => {
  const { plugins, seen } = testPlugins();
  const registry = new PluginRegistry(plugins);
  const activities = createPluginActivities({ registry });

  it('creates one activity per plugin type, named by the type', () => {
    expect(Object.keys(activities).sort()).toEqual(['test.echo', 'test.fail', 'test.wait']);
    expect(Object.keys(createPluginActivities({ registry: createBuiltinRegistry() })).sort()).toEqual([
      'builtin.noop',
      'http.request',
      'notify.email',
      'notify.webhook',
      'shell.exec',
      'ssh.exec',
    ]);
  });

  it('refuses at creation a plugin whose input schema does not compile, naming it', () => {
    const broken = definePlugin({
      type: 'test.broken',
      version: '0.1.0',
      title: 'Broken',
      inputSchema: { type: 'nonsense' },
      execute: () => Promise.resolve(null),
    });
    expect(() => createPluginActivities({ registry: new PluginRegistry([broken]) })).toThrow(
      'Plugin test.broken@0.1.0 has an invalid inputSchema',
    );
  });

  it('dispatches on input.version, the newest when absent, and returns the output with the attempt', async () => {
    const env = mockEnvironment({ attempt: 3 });
    await expect(env.run(activities['test.echo'], request({ count: 1 }, { version: '1.0.0' }))).resolves.toEqual({
      output: { version: '1.0.0', input: { count: 1 } },
      attempt: 3,
    });
    await expect(env.run(activities['test.echo'], request({}, { version: '1' }))).resolves.toMatchObject({
      output: { version: '1.1.0' },
    });
    await expect(env.run(activities['test.echo'], request({}))).resolves.toMatchObject({
      output: { version: '2.0.0' },
    });
    expect(seen.at(-1)?.ctx).toEqual({ runId: 'run-7', nodeId: 'build', attempt: 3 });
  });

  it('passes heartbeats through to the activity context, and log lines with the run and node', async () => {
    const env = mockEnvironment();
    const heartbeats: unknown[] = [];
    env.on('heartbeat', (details: unknown) => heartbeats.push(details));
    const lines: Array<[string, Record<string, unknown> | undefined]> = [];
    const logger: PluginLogger = {
      debug: () => undefined,
      info: (message, attrs) => lines.push([message, attrs]),
      warn: () => undefined,
      error: () => undefined,
    };
    const logged = createPluginActivities({ registry, logger });
    await env.run(logged['test.echo'], request({ count: 5 }));
    expect(heartbeats).toEqual([{ progress: 'half' }]);
    expect(lines).toEqual([['echoing', { runId: 'run-7', nodeId: 'build', plugin: 'test.echo@2.0.0', count: 5 }]]);
  });

  it('fails an input that breaks the schema as non-retryable InvalidInput listing the paths, without running', async () => {
    const before = seen.length;
    const env = mockEnvironment();
    const err = await failureOf(env.run(activities['test.echo'], request({ count: 'two', nested: { ok: 1 }, x: 1 })));
    expect(err.type).toBe(INVALID_INPUT_FAILURE);
    expect(err.nonRetryable).toBe(true);
    expect(err.message).toBe(
      'Invalid input for test.echo@2.0.0: with.x: is not allowed; with.count: must be integer; with.nested.ok: must be boolean',
    );
    expect(err.details?.[0]).toEqual([
      { path: 'with.x', message: 'is not allowed' },
      { path: 'with.count', message: 'must be integer' },
      { path: 'with.nested.ok', message: 'must be boolean' },
    ]);
    expect(seen.length).toBe(before);
  });

  it('never puts input values in the InvalidInput message', async () => {
    const env = mockEnvironment();
    const err = await failureOf(env.run(activities['test.echo'], request({ count: 'hunter2-secret' })));
    expect(err.message).not.toContain('hunter2');
  });

  it('fails an unknown version as non-retryable UnknownPlugin', async () => {
    const env = mockEnvironment();
    const err = await failureOf(env.run(activities['test.echo'], request({}, { version: '3.0.0' })));
    expect(err).toMatchObject({ type: UNKNOWN_PLUGIN_FAILURE, nonRetryable: true });
    expect(err.message).toBe('No plugin test.echo@3.0.0 on this worker (it has 2.0.0, 1.1.0, 1.0.0)');
  });

  it.each([
    ['fatal', 'BadRequest', true, 'HTTP 400 from ci', { status: 400 }],
    ['transient', 'HttpServerError', false, 'HTTP 503 from ci', null],
    ['foreign', 'Quota', true, 'quota exceeded', null],
    ['type', 'TypeError', false, "Cannot read properties of undefined (reading 'x')", undefined],
    ['string', 'Error', false, 'plain string thrown', undefined],
    ['other', 'Custom', true, 'already a failure', undefined],
  ])(
    'maps a %s failure to ApplicationFailure type %s (nonRetryable %s)',
    async (kind, type, nonRetryable, message, detail) => {
      const env = mockEnvironment();
      const err = await failureOf(env.run(activities['test.fail'], request({ kind })));
      expect({ type: err.type, nonRetryable: err.nonRetryable, message: err.message }).toEqual({
        type,
        nonRetryable,
        message,
      });
      if (detail !== undefined) expect(err.details).toEqual([detail]);
    },
  );

  it('lets cancellation through as a CancelledFailure, whatever the plugin threw', async () => {
    const env = mockEnvironment();
    const pending = env.run(activities['test.wait'], request({}));
    setTimeout(() => env.cancel(), 50);
    await expect(pending).rejects.toBeInstanceOf(CancelledFailure);
  });
});

describe('plugin activities with the built-in plugins', () => {
  const activities = createPluginActivities({ registry: createBuiltinRegistry() });
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/ok') res.writeHead(200, { 'content-type': 'application/json' }).end('{"artifact":"a1"}');
      else res.writeHead(404, { 'content-type': 'text/plain' }).end('no such build');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('runs http.request and maps a 404 to a non-retryable NotFound', async () => {
    const env = mockEnvironment();
    await expect(env.run(activities['http.request'], request({ url: `${base}/ok` }))).resolves.toMatchObject({
      output: { status: 200, body: { artifact: 'a1' } },
      attempt: 1,
    });
    const err = await failureOf(env.run(activities['http.request'], request({ url: `${base}/missing` })));
    expect(err).toMatchObject({ type: 'NotFound', nonRetryable: true });
    expect(err.message).toBe(`GET ${base}/missing returned HTTP 404 Not Found: no such build`);
    expect(err.details).toEqual([{ status: 404, body: 'no such build' }]);
  });

  it('refuses http.request without a url before any I/O', async () => {
    const env = mockEnvironment();
    const err = await failureOf(env.run(activities['http.request'], request({ method: 'GET' })));
    expect(err).toMatchObject({ type: 'InvalidInput', nonRetryable: true });
    expect(err.message).toBe('Invalid input for http.request@1.0.0: with.url: is required');
  });

  it('maps a failing shell.exec to a retryable ShellExitError', async () => {
    const env = mockEnvironment();
    const err = await failureOf(env.run(activities['shell.exec'], request({ command: 'echo nope >&2; exit 4' })));
    expect(err).toMatchObject({
      type: 'ShellExitError',
      nonRetryable: false,
      message: 'Command exited with code 4; stderr: nope',
    });
    expect(err.details?.[0]).toMatchObject({ exitCode: 4 });
  });

  it('cancels shell.exec: the process group is killed and the activity reports a cancellation', async () => {
    const env = mockEnvironment();
    let pgid = 0;
    env.on('heartbeat', (details: { pid?: number }) => (pgid ||= details.pid ?? 0));
    const pending = env.run(activities['shell.exec'], request({ command: 'sleep 30 & sleep 30' }));
    while (pgid === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 100));
    env.cancel();
    await expect(pending).rejects.toBeInstanceOf(CancelledFailure);
    const live = execFileSync('ps', ['-eo', 'pgid=,stat='], { encoding: 'utf8' })
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter(([group, stat]) => Number(group) === pgid && stat && !stat.startsWith('Z'));
    expect(live).toEqual([]);
  });
});

describe(toActivityFailure.name, () => {
  it('keeps the plugin stack for the Temporal UI', () => {
    const original = new PluginError('BadRequest', 'bad', { retryable: false });
    expect(toActivityFailure(original).stack).toBe(original.stack);
  });

  it('returns the CancelledFailure of an aborted signal, whatever was thrown', () => {
    const controller = new AbortController();
    const cancelled = new CancelledFailure('CANCELLED');
    controller.abort(cancelled);
    expect(toActivityFailure(new PluginError('Interrupted', 'stopped'), controller.signal)).toBe(cancelled);
  });
});
