/**
 * A readable difference between two definitions: settings (name, description, inputs, outputs),
 * nodes by id and edges by their ends, each change down to the field that changed.
 */
import type { Definition, EdgeDefinition, JsonValue, NodeDefinition } from './definition';

export interface FieldChange {
  /** `with.url`, `retry.maximumAttempts`, `inputs.env.default`... */
  path: string;
  kind: 'added' | 'removed' | 'changed';
  before?: JsonValue;
  after?: JsonValue;
}

export interface NodeChange {
  id: string;
  before: NodeDefinition;
  after: NodeDefinition;
  changes: FieldChange[];
}

export interface EdgeChange {
  key: string;
  before: EdgeDefinition;
  after: EdgeDefinition;
  changes: FieldChange[];
}

export interface DefinitionDiff {
  settings: FieldChange[];
  nodes: { added: NodeDefinition[]; removed: NodeDefinition[]; changed: NodeChange[] };
  edges: { added: EdgeDefinition[]; removed: EdgeDefinition[]; changed: EdgeChange[] };
  /** True when the two definitions say the same thing. */
  same: boolean;
}

function isObject(value: unknown): value is Record<string, JsonValue> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

/** Structural equality of JSON values (key order does not matter). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) if (!jsonEqual(a[key], b[key])) return false;
    return true;
  }
  return false;
}

/** Field-level changes between two JSON values; objects are walked, arrays and scalars compared whole. */
export function diffValues(before: unknown, after: unknown, prefix = ''): FieldChange[] {
  if (jsonEqual(before, after)) return [];
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => diffValues(before[key], after[key], prefix ? `${prefix}.${key}` : key));
  }
  if (before === undefined) return [{ path: prefix, kind: 'added', after: after as JsonValue }];
  if (after === undefined) return [{ path: prefix, kind: 'removed', before: before as JsonValue }];
  return [{ path: prefix, kind: 'changed', before: before as JsonValue, after: after as JsonValue }];
}

/** `build → route`, with `#2` for a second edge between the same two nodes. */
function keyedEdges(edges: EdgeDefinition[] = []): Map<string, EdgeDefinition> {
  const keyed = new Map<string, EdgeDefinition>();
  for (const edge of edges) {
    const base = `${edge.from} → ${edge.to}`;
    let key = base;
    for (let n = 2; keyed.has(key); n += 1) key = `${base} #${n}`;
    keyed.set(key, edge);
  }
  return keyed;
}

export function diffDefinitions(before: Definition, after: Definition): DefinitionDiff {
  const settings = [
    ...diffValues(before.name, after.name, 'name'),
    ...diffValues(before.description, after.description, 'description'),
    ...diffValues(before.inputs ?? {}, after.inputs ?? {}, 'inputs'),
    ...diffValues(before.outputs ?? {}, after.outputs ?? {}, 'outputs'),
  ];
  const otherKeys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const known of ['name', 'description', 'inputs', 'outputs', 'nodes', 'edges']) otherKeys.delete(known);
  for (const key of [...otherKeys].sort()) {
    settings.push(...diffValues((before as never)[key], (after as never)[key], key));
  }

  const beforeNodes = new Map(before.nodes.map((node) => [node.id, node]));
  const afterNodes = new Map(after.nodes.map((node) => [node.id, node]));
  const nodes: DefinitionDiff['nodes'] = { added: [], removed: [], changed: [] };
  for (const node of after.nodes) if (!beforeNodes.has(node.id)) nodes.added.push(node);
  for (const node of before.nodes) {
    const next = afterNodes.get(node.id);
    if (!next) {
      nodes.removed.push(node);
      continue;
    }
    const { id: _a, ...restBefore } = node;
    const { id: _b, ...restAfter } = next;
    const changes = diffValues(restBefore, restAfter);
    if (changes.length) nodes.changed.push({ id: node.id, before: node, after: next, changes });
  }

  const beforeEdges = keyedEdges(before.edges);
  const afterEdges = keyedEdges(after.edges);
  const edges: DefinitionDiff['edges'] = { added: [], removed: [], changed: [] };
  for (const [key, edge] of afterEdges) if (!beforeEdges.has(key)) edges.added.push(edge);
  for (const [key, edge] of beforeEdges) {
    const next = afterEdges.get(key);
    if (!next) {
      edges.removed.push(edge);
      continue;
    }
    const changes = diffValues(edge, next).filter((change) => change.path !== 'from' && change.path !== 'to');
    if (changes.length) edges.changed.push({ key, before: edge, after: next, changes });
  }

  const same =
    settings.length === 0 &&
    nodes.added.length + nodes.removed.length + nodes.changed.length === 0 &&
    edges.added.length + edges.removed.length + edges.changed.length === 0;
  return { settings, nodes, edges, same };
}
