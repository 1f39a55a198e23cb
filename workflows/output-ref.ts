/**
 * Node outputs stored by reference. An output whose JSON is larger than a threshold (64 KB by
 * default) is kept out of the workflow history: the plugin activity stores it (PostgreSQL on a
 * platform worker, process memory on the CLI) and returns an {@link OutputRef} instead.
 *
 * What the workflow can do with a by-reference output:
 * - hand it whole to a plugin node (`with: { data: "${nodes.big.output}" }`): the activity
 *   dereferences it;
 * - read part of it in a plugin node's `with` (`${nodes.big.output.items[3].name}`): the
 *   interpreter leaves that node's `with` unresolved and its activity resolves the expressions
 *   with the dereferenced output;
 * - nothing else: a condition, a built-in node (vars.set, approval, timer) or a run output whose
 *   expressions name such a node fails with {@link OUTPUT_BY_REFERENCE_ERROR}, never a silent
 *   answer computed from the reference.
 */
import type { JsonObject, JsonValue } from './definition/types';

/** The default size (bytes of JSON) above which an output is stored by reference. */
export const OUTPUT_REF_THRESHOLD = 64 * 1024;

/** The error type when an expression the workflow evaluates reads a by-reference output. */
export const OUTPUT_BY_REFERENCE_ERROR = 'OutputByReference';

/** What stands in for a large output in the workflow: where it is, how big, and its first characters. */
export interface OutputRef {
  /** The store's key (`output:<uuid>`). */
  $ref: string;
  /** Bytes of the output's JSON. */
  size: number;
  /** The output's JSON cut to a few hundred characters, for UIs. */
  preview: string;
}

export function isOutputRef(value: unknown): value is OutputRef {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as OutputRef).$ref === 'string' &&
    typeof (value as OutputRef).size === 'number'
  );
}

/**
 * A plugin node's `with` left for its activity to resolve, because it reads into outputs stored
 * by reference: the expressions' scope (only the nodes the `with` names) travels with it.
 */
export interface DeferredInput {
  with: JsonValue;
  scope: {
    inputs: JsonObject;
    vars: JsonObject;
    run: JsonObject;
    nodes: Record<string, { status: string; output: JsonValue }>;
  };
}
