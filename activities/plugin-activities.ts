import { CompleteAsyncError, Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { PluginRegistry } from '../plugins/registry';
import { PluginError, type JsonValue, type Plugin, type PluginContext, type PluginLogger } from '../plugins/sdk';
import { SchemaValidator, formatProblems } from '../plugins/sdk/validation';
import type { PluginActivityInput, PluginActivityResult } from '../workflows/contract';
import { OUTPUT_REF_THRESHOLD } from '../workflows/output-ref';
import { dereferenceOutputs, externalizeOutput, resolveDeferredInput, type OutputStore } from './output-store';
import { secretNames, substituteSecrets } from '../workflows/definition/secret-references';
import { createPollStepActivities, pollResult } from './polling-activities';
import { createScrubber, scrubValue, type SecretResolver } from './secret-resolver';
import { announceCallback, callbackUrlFor, type AwaitCallbackDeps } from './await-callback';

/** The failure type when a node's resolved input breaks its plugin's input schema (never retried). */
export const INVALID_INPUT_FAILURE = 'InvalidInput';
/** The failure type when this worker has no plugin of the requested type and version (never retried). */
export const UNKNOWN_PLUGIN_FAILURE = 'UnknownPlugin';
/** The failure type when a node references a secret its run's project does not have (never retried). */
export const SECRET_NOT_FOUND_FAILURE = 'SecretNotFound';

/** One Temporal activity: runs the plugin of its type for one node. */
export type PluginActivity = (input: PluginActivityInput) => Promise<PluginActivityResult>;

export interface PluginActivitiesDeps {
  registry: PluginRegistry;
  /** Where plugins' log lines go; the activity context's logger (Temporal's Runtime logger) when absent. */
  logger?: PluginLogger;
  /**
   * Where `${secrets.NAME}` values come from. Without one, a node that references a secret fails
   * (SecretNotFound). Values are substituted right before `execute` and scrubbed (`***`) from the
   * output, the failure, heartbeats and log lines, so they never reach the workflow history.
   */
  secrets?: SecretResolver;
  /** For plugins completed by callback (`completion: 'callback'`): signing key, API URL, Temporal client. */
  callbacks?: AwaitCallbackDeps;
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
    /** Finds the plugin, checks the input, builds the context and runs `call`, failures translated. */
    const invoke = async <T>(
      request: PluginActivityInput,
      call: (plugin: Plugin<JsonValue>, ctx: PluginContext, input: JsonValue) => Promise<T>,
    ): Promise<{ value: T; attempt: number; plugin: Plugin<JsonValue> }> => {
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
      let scrub: ((text: string) => string) | undefined;
      if (request.secrets && request.secrets.length > 0) {
        const values = await resolveSecrets(deps.secrets, request);
        input = substituteSecrets(input, request.secrets, values);
        scrub = createScrubber(values.values());
      }
      const problems = validator.check(plugin.inputSchema, input, 'with');
      if (problems.length > 0) {
        throw scrubFailure(
          ApplicationFailure.create({
            type: INVALID_INPUT_FAILURE,
            message: `Invalid input for ${plugin.type}@${plugin.version}: ${formatProblems(problems)}`,
            nonRetryable: true,
            details: [problems.map((problem) => ({ ...problem }))],
          }),
          scrub,
        );
      }

      const attempt = context.info.attempt;
      const ctx: PluginContext = {
        runId: request.runId,
        nodeId: request.nodeId,
        attempt,
        signal: context.cancellationSignal,
        heartbeat: (details?: unknown) => context.heartbeat(scrub ? scrubValue(details, scrub) : details),
        logger: withAttributes(scrubbingLogger(deps.logger ?? context.log, scrub), {
          runId: request.runId,
          nodeId: request.nodeId,
          plugin: `${plugin.type}@${plugin.version}`,
        }),
      };
      if (plugin.completion === 'callback') {
        return executeForCallback(plugin, ctx, input, deps).catch((err: unknown) => {
          throw scrubFailure(err as Error, scrub);
        });
      }
      try {
        // What the plugin answers (its output, or a polling step and its state) never carries a secret value.
        const value = await call(plugin, ctx, input);
        return { value: scrub ? scrubValue(value, scrub) : value, attempt, plugin };
      } catch (err) {
        throw scrubFailure(toActivityFailure(err, context.cancellationSignal), scrub);
      }
    };
    activities[type] = async (request: PluginActivityInput): Promise<PluginActivityResult> => {
      const { value, attempt, plugin } = await invoke(request, (plugin, ctx, input) => plugin.execute(ctx, input));
      if (plugin.poll) return pollResult(plugin, value, attempt) as PluginActivityResult;
      if (!deps.outputStore) return { output: value, attempt };
      // Large outputs stay out of the workflow: stored, and returned as a reference.
      const threshold = deps.outputRefThreshold ?? OUTPUT_REF_THRESHOLD;
      return {
        output: await externalizeOutput(deps.outputStore, request.runId, request.nodeId, value, threshold),
        attempt,
      };
    };
    if (registry.versions(type).some((version) => registry.get(type, version)?.poll)) {
      Object.assign(activities, createPollStepActivities(type, invoke));
    }
  }
  return activities;
}

/** The values of the secrets `request` references; a missing one fails the node, naming it (not retried). */
async function resolveSecrets(
  resolver: SecretResolver | undefined,
  request: PluginActivityInput,
): Promise<Map<string, string>> {
  const names = secretNames(request.secrets ?? []);
  const values = resolver
    ? await resolver.resolve(
        { runId: request.runId, ...(request.projectId ? { projectId: request.projectId } : {}) },
        names,
      )
    : new Map<string, string>();
  const missing = names.filter((name) => !values.has(name));
  if (missing.length > 0) {
    const list = missing.join(', ');
    throw ApplicationFailure.create({
      type: SECRET_NOT_FOUND_FAILURE,
      message: resolver
        ? `No secret ${list} in ${resolver.source}`
        : `Secret ${list} cannot be read: this worker has no secret store`,
      nonRetryable: true,
    });
  }
  return values;
}

/**
 * `failure` with every secret value scrubbed from its message, details and stack; its cause is
 * dropped (it may quote the value). Cancellations pass; without secrets (`scrub` absent) it is kept.
 */
function scrubFailure(failure: Error, scrub: ((text: string) => string) | undefined): Error {
  if (!scrub || !(failure instanceof ApplicationFailure)) return failure;
  const clean = ApplicationFailure.create({
    type: failure.type ?? 'Error',
    message: scrub(failure.message),
    nonRetryable: failure.nonRetryable ?? false,
    ...(failure.details ? { details: scrubValue([...failure.details], scrub) } : {}),
    ...(failure.nextRetryDelay != null ? { nextRetryDelay: failure.nextRetryDelay } : {}),
  });
  if (failure.stack) clean.stack = scrub(failure.stack);
  return clean;
}

function scrubbingLogger(base: PluginLogger, scrub: ((text: string) => string) | undefined): PluginLogger {
  if (!scrub) return base;
  const clean = (extra?: Record<string, unknown>) => (extra ? scrubValue(extra, scrub) : extra);
  return {
    debug: (message, extra) => base.debug(scrub(message), clean(extra)),
    info: (message, extra) => base.info(scrub(message), clean(extra)),
    warn: (message, extra) => base.warn(scrub(message), clean(extra)),
    error: (message, extra) => base.error(scrub(message), clean(extra)),
  };
}

/**
 * A plugin completed by callback: it gets a signed URL in `ctx.callback` (valid for the activity's
 * startToClose timeout), runs, and the activity then completes asynchronously: the URL is
 * signalled to the workflow (node state) and the API completes the activity when it is called.
 */
async function executeForCallback(
  plugin: Plugin<JsonValue>,
  ctx: PluginContext,
  input: JsonValue,
  deps: PluginActivitiesDeps,
): Promise<never> {
  const context = Context.current();
  if (!deps.callbacks) {
    throw ApplicationFailure.create({
      type: 'CallbacksNotConfigured',
      message: `${plugin.type} completes by callback, and this worker has no callback key and base URL`,
      nonRetryable: true,
    });
  }
  const timeoutMs = context.info.startToCloseTimeoutMs || context.info.scheduleToCloseTimeoutMs || 3_600_000;
  const info = callbackUrlFor(deps.callbacks, {
    runId: ctx.runId,
    // The foreach instance (`deploy[3]`) when the node loops; the activity id without its `#n` suffix.
    nodeId: context.info.activityId.replace(/#\d+$/, ''),
    expiresAt: new Date(Date.now() + timeoutMs).toISOString(),
  });
  try {
    await plugin.execute({ ...ctx, callback: { url: info.url, expiresAt: info.expiresAt } }, input);
  } catch (err) {
    throw toActivityFailure(err, context.cancellationSignal);
  }
  await announceCallback(deps.callbacks.client, info);
  throw new CompleteAsyncError();
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
