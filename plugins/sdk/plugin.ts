import type { JsonObject, JsonSchema, JsonValue, PollSpec, RetrySpec, TimeoutSpec } from './types';

/** Structured logger handed to a plugin; lines carry the run, node and attempt. */
export interface PluginLogger {
  debug(message: string, attrs?: Record<string, unknown>): void;
  info(message: string, attrs?: Record<string, unknown>): void;
  warn(message: string, attrs?: Record<string, unknown>): void;
  error(message: string, attrs?: Record<string, unknown>): void;
}

/**
 * What a plugin sees of the run while it executes one node.
 *
 * @example
 * async execute(ctx, input) {
 *   ctx.heartbeat({ step: 'uploading' });
 *   if (ctx.signal.aborted) throw new PluginError('Cancelled', 'node cancelled');
 * }
 */
export interface PluginContext {
  /** The Switchyard run id. */
  readonly runId: string;
  /** The node id in the definition. */
  readonly nodeId: string;
  /** 1 for the first attempt, counting Temporal's retries. */
  readonly attempt: number;
  /** Aborted when the node is cancelled (run cancelled, failed elsewhere, or node forced to fail). */
  readonly signal: AbortSignal;
  /** Reports liveness (and optional progress details); required for cancellation to arrive. */
  heartbeat(details?: unknown): void;
  readonly logger: PluginLogger;
  /**
   * For plugins with `completion: 'callback'`: the single-use URL the external system POSTs to
   * (`{"status":"success","output":{...}}` or `{"status":"failure","message":"..."}`), valid until
   * `expiresAt` (the node's startToClose timeout). Hand it to the system the plugin calls.
   */
  readonly callback?: { readonly url: string; readonly expiresAt: string };
}

/** Defaults a plugin declares; a node's own `retry` and `timeout` are merged over them. */
export interface PluginDefaults {
  retry?: RetrySpec;
  timeout?: TimeoutSpec;
}

/** Everything about a plugin except its code: what the catalog, the validator and the UI use. */
export interface PluginDescriptor {
  /** The node `type`, also the Temporal activity type: `http.request`. */
  readonly type: string;
  /** Semantic version: `1.0.0`. */
  readonly version: string;
  readonly title: string;
  readonly description?: string;
  /** JSON Schema of the node's `with` after expressions are resolved. */
  readonly inputSchema: JsonSchema;
  /** JSON Schema of the output. */
  readonly outputSchema?: JsonSchema;
  readonly defaults?: PluginDefaults;
  /** A task queue of its own, served by a worker that hosts this plugin; the main queue when absent. */
  readonly taskQueue?: string;
  /**
   * `callback`: the node does not end when `execute` returns, but when an external system calls
   * the URL given in `ctx.callback` (or at the node's startToClose timeout). `execute`'s return
   * value is ignored. Absent: the node ends with `execute`.
   */
  readonly completion?: 'callback';
  /** Marked deprecated: still runs, but the validator and the catalog say so. */
  readonly deprecated?: string;
  /** Example `with` blocks, shown in the catalog and checked by the plugin's tests. */
  readonly examples?: ReadonlyArray<{ title: string; with: JsonObject }>;
  /** Set by polling plugins (`definePollingPlugin`): started, then checked on durable timers until done. */
  readonly poll?: PollSpec;
}

/**
 * A plugin: one narrow contract, `execute(ctx, input) -> output`.
 *
 * @example
 * export const noop = definePlugin({
 *   type: 'builtin.noop', version: '1.0.0', title: 'Do nothing',
 *   inputSchema: { type: 'object' },
 *   async execute(_ctx, input) { return input; },
 * });
 */
export interface Plugin<Input = JsonObject, Output extends JsonValue = JsonValue> extends PluginDescriptor {
  execute(ctx: PluginContext, input: Input): Promise<Output>;
}

/** Identity helper that keeps a plugin's input and output types. */
export function definePlugin<Input = JsonObject, Output extends JsonValue = JsonValue>(
  plugin: Plugin<Input, Output>,
): Plugin<Input, Output> {
  return plugin;
}

/**
 * A failure a plugin raises on purpose. `type` is what `retry.nonRetryableErrorTypes` and the
 * node's `error.type` name; `retryable: false` stops Temporal's retries at once.
 *
 * @example throw new PluginError('BadRequest', 'HTTP 400 from https://ci.local/build', { retryable: false });
 */
export class PluginError extends Error {
  readonly type: string;
  readonly retryable: boolean;
  readonly details?: JsonValue;

  constructor(type: string, message: string, options: { retryable?: boolean; details?: JsonValue } = {}) {
    super(message);
    this.name = 'PluginError';
    this.type = type;
    this.retryable = options.retryable ?? true;
    this.details = options.details;
  }
}

/** Read access to the plugins a worker or the API knows: what the validator and the compiler consult. */
export interface PluginCatalog {
  /** The plugin of that type; the newest version when `version` is absent. */
  find(type: string, version?: string): PluginDescriptor | undefined;
  /** Every registered plugin, every version. */
  list(): PluginDescriptor[];
}
