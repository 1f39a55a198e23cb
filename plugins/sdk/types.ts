/**
 * Value and policy types shared by plugins, definitions and the interpreter.
 * This is the bottom layer: it imports nothing.
 */

/** A JSON value as it travels through definitions, inputs and outputs. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** A JSON Schema document (draft 2020-12 subset that ajv understands). */
export type JsonSchema = { [keyword: string]: unknown };

/**
 * Retry policy of a plugin node; every field optional, merged over the plugin's default.
 * Durations are strings like `250ms`, `30s`, `5m`, `2h`.
 *
 * @example { maximumAttempts: 3, initialInterval: '1s', backoffCoefficient: 2, nonRetryableErrorTypes: ['BadRequest'] }
 */
export interface RetrySpec {
  maximumAttempts?: number;
  initialInterval?: string;
  backoffCoefficient?: number;
  maximumInterval?: string;
  nonRetryableErrorTypes?: string[];
}

/**
 * The four Temporal activity timeouts, as duration strings.
 *
 * @example { startToClose: '30s', scheduleToClose: '5m', heartbeat: '10s' }
 */
export interface TimeoutSpec {
  startToClose?: string;
  scheduleToClose?: string;
  scheduleToStart?: string;
  heartbeat?: string;
}

/**
 * How a polling plugin is polled: the first wait is `interval`, each next one `backoffCoefficient`
 * times longer, capped at `maxInterval`; after `timeout` (counted from the first step) the node
 * fails with `PollTimeout` and the plugin's `cancel` runs. Durations are strings like `5s`, `1m`, `2h`.
 *
 * The waits are durable timers of the run: no worker slot is held between two checks.
 *
 * @example { interval: '5s', backoffCoefficient: 1.5, maxInterval: '1m', timeout: '2h' }
 */
export interface PollSpec {
  interval: string;
  /** Default 1 (a constant interval); at least 1. */
  backoffCoefficient?: number;
  /** Default: no cap. */
  maxInterval?: string;
  /** Default: no limit but the node's. */
  timeout?: string;
}
