import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { PluginRegistry } from '../plugins/registry';
import { PluginError, type JsonValue, type Plugin, type PluginContext, type PluginLogger } from '../plugins/sdk';
import { SchemaValidator, formatProblems } from '../plugins/sdk/validation';
import type { PluginActivityInput, PluginActivityResult } from '../workflows/contract';
import { OUTPUT_REF_THRESHOLD } from '../workflows/output-ref';
import { dereferenceOutputs, externalizeOutput, resolveDeferredInput, type OutputStore } from './output-store';

/** The failure type when a node's resolved input breaks its plugin's input schema (never retried). */
export const INVALID_INPUT_FAILURE = 'InvalidInput';
/** The failure type when this worker has no plugin of the requested type and version (never retried). */
export const UNKNOWN_PLUGIN_FAILURE = 'UnknownPlugin';

/** One Temporal activity: runs the plugin of its type for one node. */
export type PluginActivity = (input: PluginActivityInput) => Promise<PluginActivityResult>;

export interface PluginActivitiesDeps {
  registry: PluginRegistry;
  /** Where plugins' log lines go; the activity context's logger (Temporal's Runtime logger) when absent. */
  logger?: PluginLogger;
  /**
   * Keeps outputs larger than `outputRefThreshold` out of the workflow (they are returned as a
   * reference) and dereferences such references in inputs. Without it outputs are returned whole.
   */
  outputStore?: OutputStore;
  /** Bytes of JSON above which an output is stored by reference (default 64 KB). */
  outputRefThreshold?: number;
}

/** The error type when a node's deferred `with` (it reads a by-reference output) does not resolve. */
export const DEFERRED_INPUT_FAILURE = 'ExpressionError';

/**
 * One activity per registered plugin type, named by the type (`http.request`), so the Temporal UI
 * shows the plugin. Each activity picks the version `input.version` names (the newest when absent),
 * checks the resolved input against the plugin's input schema, runs `execute`, and turns failures
 * into `ApplicationFailure`s with the plugin's error type.
 *
 * Schemas are compiled here, once: a plugin with a broken schema fails the worker at start.
 *
 * @example
 * const worker = await Worker.create({
 *   taskQueue: 'switchyard',
 *   activities: createPluginActivities({ registry: createBuiltinRegistry() }),
 *   ...
 * });
 */
export function createPluginActivities(deps: PluginActivitiesDeps): Record<string, PluginActivity> {
  const { registry } = deps;
  const validator = new SchemaValidator();
  for (const descriptor of registry.list()) {
    try {
      validator.compile(descriptor.inputSchema);
    } catch (err) {
      throw new Error(`Plugin ${descriptor.type}@${descriptor.version} has an invalid inputSchema: ${String(err)}`);
    }
  }

  const activities: Record<string, PluginActivity> = {};
  for (const type of registry.types()) {
    activities[type] = async (request: PluginActivityInput): Promise<PluginActivityResult> => {
      const context = Context.current();
      const plugin = registry.get(type, request.version);
      if (!plugin) {
        throw ApplicationFailure.create({
          type: UNKNOWN_PLUGIN_FAILURE,
          message: `No plugin ${type}@${request.version ?? 'latest'} on this worker (it has ${registry.versions(type).join(', ')})`,
          nonRetryable: true,
        });
      }
      let input: JsonValue;
      try {
        input = request.deferred
          ? await resolveDeferredInput(deps.outputStore, request.deferred)
          : await dereferenceOutputs(deps.outputStore, request.input ?? {});
      } catch (err) {
        throw ApplicationFailure.create({
          type: DEFERRED_INPUT_FAILURE,
          message: `Could not resolve the input of node ${request.nodeId}: ${(err as Error).message}`,
          nonRetryable: true,
        });
      }
      const problems = validator.check(plugin.inputSchema, input, 'with');
      if (problems.length > 0) {
        throw ApplicationFailure.create({
          type: INVALID_INPUT_FAILURE,
          message: `Invalid input for ${plugin.type}@${plugin.version}: ${formatProblems(problems)}`,
          nonRetryable: true,
          details: [problems.map((problem) => ({ ...problem }))],
        });
      }

      const attempt = context.info.attempt;
      const ctx: PluginContext = {
        runId: request.runId,
        nodeId: request.nodeId,
        attempt,
        signal: context.cancellationSignal,
        heartbeat: (details?: unknown) => context.heartbeat(details),
        logger: withAttributes(deps.logger ?? context.log, {
          runId: request.runId,
          nodeId: request.nodeId,
          plugin: `${plugin.type}@${plugin.version}`,
        }),
      };
      try {
        const output = await (plugin as Plugin<JsonValue>).execute(ctx, input);
        if (!deps.outputStore) return { output, attempt };
        const threshold = deps.outputRefThreshold ?? OUTPUT_REF_THRESHOLD;
        return {
          output: await externalizeOutput(deps.outputStore, request.runId, request.nodeId, output, threshold),
          attempt,
        };
      } catch (err) {
        throw toActivityFailure(err, context.cancellationSignal);
      }
    };
  }
  return activities;
}

/**
 * What a plugin activity throws for what the plugin threw:
 * - cancellation passes through (the signal's `CancelledFailure`, so Temporal records a cancellation);
 * - a {@link PluginError} becomes an `ApplicationFailure` of its type, non-retryable unless it is
 *   retryable, with its details as `details[0]`;
 * - an `ApplicationFailure` is kept as is;
 * - any other error becomes a retryable `ApplicationFailure` typed by its name (`TypeError`), message kept.
 */
export function toActivityFailure(err: unknown, signal?: AbortSignal): Error {
  if (err instanceof CancelledFailure) return err;
  if (signal?.aborted && signal.reason instanceof CancelledFailure) return signal.reason;
  if (err instanceof ApplicationFailure) return err;
  if (isPluginError(err)) {
    return keepStack(
      ApplicationFailure.create({
        type: err.type,
        message: err.message,
        nonRetryable: !err.retryable,
        details: [err.details ?? null],
      }),
      err,
    );
  }
  if (err instanceof Error || isErrorLike(err)) {
    return keepStack(
      ApplicationFailure.create({ type: err.name || 'Error', message: err.message, nonRetryable: false }),
      err,
    );
  }
  return ApplicationFailure.create({ type: 'Error', message: excerpt(String(err)), nonRetryable: false });
}

/**
 * `instanceof PluginError`, or the same shape from another copy of the SDK (a custom plugin
 * loaded from a folder may bundle its own).
 */
function isPluginError(err: unknown): err is PluginError {
  if (err instanceof PluginError) return true;
  return (
    isErrorLike(err) &&
    err.name === 'PluginError' &&
    typeof (err as Partial<PluginError>).type === 'string' &&
    typeof (err as Partial<PluginError>).retryable === 'boolean'
  );
}

function isErrorLike(value: unknown): value is Error {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Error).name === 'string' &&
    typeof (value as Error).message === 'string'
  );
}

/** The plugin's stack is what a platform engineer needs in the Temporal UI, not the wrapper's. */
function keepStack(failure: ApplicationFailure, original: Error): ApplicationFailure {
  if (original.stack) failure.stack = original.stack;
  return failure;
}

function excerpt(text: string): string {
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

function withAttributes(base: PluginLogger, attrs: Record<string, unknown>): PluginLogger {
  return {
    debug: (message, extra) => base.debug(message, { ...attrs, ...extra }),
    info: (message, extra) => base.info(message, { ...attrs, ...extra }),
    warn: (message, extra) => base.warn(message, { ...attrs, ...extra }),
    error: (message, extra) => base.error(message, { ...attrs, ...extra }),
  };
}
