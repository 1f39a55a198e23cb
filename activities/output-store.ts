/**
 * Where plugin activities keep outputs too large for the workflow history (see
 * workflows/output-ref.ts): the platform worker stores them in PostgreSQL, the CLI in memory.
 */
import { randomUUID } from 'node:crypto';
import { resolveTemplate, toCel } from '../workflows/definition/expressions';
import type { JsonValue } from '../workflows/definition/types';
import { isOutputRef, OUTPUT_REF_THRESHOLD, type DeferredInput, type OutputRef } from '../workflows/output-ref';

/** Keeps large node outputs, by key. */
export interface OutputStore {
  /** Stores `json` (an output's JSON text) and returns its key. */
  put(runId: string, nodeId: string, json: string): Promise<string>;
  /** The JSON text stored under `key`, or undefined when there is none. */
  get(key: string): Promise<string | undefined>;
}

/** A store in process memory: for the CLI and tests (a run's outputs live as long as the process). */
export function createMemoryOutputStore(): OutputStore {
  const values = new Map<string, string>();
  return {
    put(_runId, _nodeId, json) {
      const key = `output:${randomUUID()}`;
      values.set(key, json);
      return Promise.resolve(key);
    },
    get(key) {
      return Promise.resolve(values.get(key));
    },
  };
}

const PREVIEW_CHARS = 200;

/** Replaces an output larger than `threshold` bytes of JSON by a reference to its stored copy. */
export async function externalizeOutput(
  store: OutputStore,
  runId: string,
  nodeId: string,
  output: JsonValue,
  threshold = OUTPUT_REF_THRESHOLD,
): Promise<JsonValue> {
  if (output === null || typeof output !== 'object') return output;
  const json = JSON.stringify(output);
  const size = Buffer.byteLength(json);
  if (size <= threshold) return output;
  const ref: OutputRef = { $ref: await store.put(runId, nodeId, json), size, preview: json.slice(0, PREVIEW_CHARS) };
  return ref as unknown as JsonValue;
}

/** Replaces every {@link OutputRef} inside `value` by the stored output. */
export async function dereferenceOutputs(store: OutputStore | undefined, value: JsonValue): Promise<JsonValue> {
  if (isOutputRef(value)) {
    const json = store ? await store.get(value.$ref) : undefined;
    if (json === undefined)
      throw new Error(`output ${value.$ref} (${value.size} bytes) is not in this worker's output store`);
    return JSON.parse(json) as JsonValue;
  }
  if (Array.isArray(value)) return Promise.all(value.map((item) => dereferenceOutputs(store, item)));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, JsonValue> = {};
    for (const [key, item] of Object.entries(value)) out[key] = await dereferenceOutputs(store, item);
    return out;
  }
  return value;
}

/** Resolves a `with` the interpreter deferred, with the by-reference outputs it reads dereferenced. */
export async function resolveDeferredInput(
  store: OutputStore | undefined,
  deferred: DeferredInput,
): Promise<JsonValue> {
  const nodes: Record<string, unknown> = {};
  for (const [id, node] of Object.entries(deferred.scope.nodes)) {
    nodes[id] = { status: node.status, output: toCel(await dereferenceOutputs(store, node.output)) };
  }
  const scope = {
    inputs: toCel(deferred.scope.inputs),
    vars: toCel(deferred.scope.vars),
    run: toCel(deferred.scope.run),
    nodes,
  };
  return resolveTemplate(deferred.with, scope);
}
