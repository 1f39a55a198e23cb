/**
 * The definition format of one template version, as written in PRODUCT.md.
 * Pure types shared by the API, the CLI, the validator and the interpreter workflow.
 */

import type { JsonObject, JsonValue, RetrySpec, TimeoutSpec } from '../../plugins/sdk/types';

export type { JsonObject, JsonValue, RetrySpec, TimeoutSpec };

/** What happens when a node fails after its retries: end the run, go on, or wait for an operator. */
export type OnFailure = 'fail' | 'skip' | 'manual';
export const ON_FAILURE_VALUES: readonly OnFailure[] = ['fail', 'skip', 'manual'];

/** Node types that run inside the interpreter, not as activities. */
export const GATEWAY_TYPES = ['gateway.exclusive', 'gateway.parallel', 'gateway.inclusive', 'gateway.join'] as const;
export const BUILTIN_NODE_TYPES = ['timer.sleep', 'approval', 'vars.set', 'subflow', 'callback'] as const;
export type GatewayType = (typeof GATEWAY_TYPES)[number];
export type BuiltinNodeType = (typeof BUILTIN_NODE_TYPES)[number];

export function isGatewayType(type: string): type is GatewayType {
  return (GATEWAY_TYPES as readonly string[]).includes(type);
}

export function isBuiltinNodeType(type: string): type is BuiltinNodeType {
  return (BUILTIN_NODE_TYPES as readonly string[]).includes(type);
}

export interface NodeDefinition {
  /** Unique in the definition, `[a-z][a-z0-9_]*`. */
  id: string;
  /** A plugin type, a gateway, or a built-in node type. */
  type: string;
  /** Optional plugin version; the newest registered one when absent. */
  version?: string;
  /** Shown in UIs and as the activity summary in the Temporal UI. */
  name?: string;
  /** Plugin inputs; strings may hold `${expr}` interpolations. */
  with?: JsonObject;
  retry?: RetrySpec;
  timeout?: TimeoutSpec;
  onFailure?: OnFailure;
  /** Runs the node once per item of a list, `item` and `index` in scope of its `with`. */
  foreach?: ForeachSpec;
}

/** Items a foreach node runs at most when it does not say (`maxItems`). */
export const DEFAULT_FOREACH_MAX_ITEMS = 1000;
/** The largest `maxItems` a definition may ask for. */
export const FOREACH_MAX_ITEMS_CAP = 10_000;
/** Items in flight at once when `concurrency` is absent. */
export const DEFAULT_FOREACH_CONCURRENCY = 10;
/** The largest `concurrency` a definition may ask for. */
export const FOREACH_CONCURRENCY_CAP = 1000;

/**
 * A node-level loop: the node runs once per item of `items` (an expression giving a list),
 * at most `concurrency` at once; its output is the list of item outputs, in input order.
 *
 * @example { items: '${inputs.hosts}', concurrency: 5, maxItems: 200 }
 */
export interface ForeachSpec {
  /** `${expr}` giving a list. */
  items: string;
  /** Items in flight at once (default 10). */
  concurrency?: number;
  /** More items than this fail the node (default 1,000, at most 10,000). */
  maxItems?: number;
}

export interface EdgeDefinition {
  from: string;
  to: string;
  /** A CEL expression; the edge fires only when it holds. */
  when?: string;
  /** Taken by an exclusive or inclusive gateway when no `when` holds. */
  default?: boolean;
}

/** One run input, JSON-Schema-like. */
export interface InputDefinition {
  type?: 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array';
  enum?: JsonValue[];
  default?: JsonValue;
  description?: string;
  required?: boolean;
  [keyword: string]: JsonValue | undefined;
}

export interface Definition {
  name: string;
  description?: string;
  inputs?: Record<string, InputDefinition>;
  nodes: NodeDefinition[];
  edges?: EdgeDefinition[];
  /** Run outputs, computed when the run ends; values may hold `${expr}`. */
  outputs?: Record<string, JsonValue>;
}
