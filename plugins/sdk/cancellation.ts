import { PluginError } from './plugin';

/**
 * The error a plugin throws when `ctx.signal` was aborted: the signal's own reason when it is an
 * Error (inside a worker, Temporal's `CancelledFailure`, which the worker reports as a cancellation),
 * else a non-retryable `PluginError` of type `Cancelled`.
 *
 * @example
 * if (ctx.signal.aborted) throw cancellationError(ctx.signal);
 */
export function cancellationError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  // Duck-typed: errors from another realm (Node internals under a test VM) fail `instanceof Error`.
  if (isErrorLike(reason)) return reason;
  return new PluginError('Cancelled', 'The node was cancelled', { retryable: false });
}

/**
 * Calls `ctx.heartbeat(details())` now and then every `intervalMs` until the returned function is
 * called. Heartbeats are how a long plugin learns of cancellation inside Temporal.
 *
 * @example
 * const stop = keepHeartbeating(ctx, 5_000, () => ({ phase: 'waiting' }));
 * try { await work(); } finally { stop(); }
 */
export function keepHeartbeating(
  ctx: { heartbeat(details?: unknown): void },
  intervalMs: number,
  details: () => unknown = () => undefined,
): () => void {
  ctx.heartbeat(details());
  const timer = setInterval(() => ctx.heartbeat(details()), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

function isErrorLike(value: unknown): value is Error {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Error).name === 'string' &&
    typeof (value as Error).message === 'string'
  );
}
