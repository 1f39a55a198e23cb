import type { JsonValue } from './types';
import type { Plugin, PluginContext, PluginLogger } from './plugin';
import { SchemaValidator, formatProblems } from './validation';

/** One line a plugin logged through `ctx.logger` while under test. */
export interface TestLogRecord {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  attrs?: Record<string, unknown>;
}

export interface TestContextOptions {
  runId?: string;
  nodeId?: string;
  /** 1 unless told. */
  attempt?: number;
  /** Abort it to simulate a cancelled node. */
  signal?: AbortSignal;
  /** Called on each `ctx.heartbeat(details)`. */
  onHeartbeat?: (details: unknown) => void;
}

/** An in-memory {@link PluginContext} and what the plugin did with it. */
export interface TestContext {
  ctx: PluginContext;
  heartbeats: unknown[];
  logs: TestLogRecord[];
}

/**
 * A {@link PluginContext} that records heartbeats and log lines in memory, for plugin unit tests.
 *
 * @example
 * const { ctx, heartbeats } = createTestContext({ attempt: 2 });
 * await myPlugin.execute(ctx, { url: 'http://127.0.0.1:8080' });
 * expect(heartbeats.length).toBeGreaterThan(0);
 */
export function createTestContext(options: TestContextOptions = {}): TestContext {
  const heartbeats: unknown[] = [];
  const logs: TestLogRecord[] = [];
  const log =
    (level: TestLogRecord['level']) =>
    (message: string, attrs?: Record<string, unknown>): void => {
      logs.push(attrs === undefined ? { level, message } : { level, message, attrs });
    };
  const logger: PluginLogger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  const ctx: PluginContext = {
    runId: options.runId ?? 'test-run',
    nodeId: options.nodeId ?? 'test_node',
    attempt: options.attempt ?? 1,
    signal: options.signal ?? new AbortController().signal,
    heartbeat(details?: unknown) {
      heartbeats.push(details);
      options.onHeartbeat?.(details);
    },
    logger,
  };
  return { ctx, heartbeats, logs };
}

export interface RunPluginOptions extends TestContextOptions {
  /** Check `input` against the plugin's `inputSchema` first, as the worker does (default true). */
  validate?: boolean;
}

const validator = new SchemaValidator();

/**
 * Executes a plugin the way a worker would, minus Temporal: the input is checked against the
 * plugin's input schema (an `Error` listing the paths when it does not fit), then `execute` runs
 * with an in-memory context. Errors the plugin throws reach the caller unchanged.
 *
 * @example
 * await expect(runPlugin(httpRequest, { url: 'http://127.0.0.1:1' })).rejects.toMatchObject({
 *   type: 'HttpConnectionError',
 *   retryable: true,
 * });
 */
export async function runPlugin<Input, Output extends JsonValue>(
  plugin: Plugin<Input, Output>,
  input: Input,
  options: RunPluginOptions = {},
): Promise<Output> {
  if (options.validate ?? true) {
    const problems = validator.check(plugin.inputSchema, input);
    if (problems.length > 0) {
      throw new Error(`Invalid input for ${plugin.type}@${plugin.version}: ${formatProblems(problems)}`);
    }
  }
  const { ctx } = createTestContext(options);
  return plugin.execute(ctx, input);
}
