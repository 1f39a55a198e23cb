/**
 * The definition format (one template version) as PRODUCT.md names it, and pure helpers the
 * editor uses to change it. Mirrors workflows/definition/types.ts; the server validates.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };
export type JsonSchema = { [keyword: string]: unknown };

export type OnFailure = 'fail' | 'skip' | 'manual';
export const ON_FAILURE_VALUES: readonly OnFailure[] = ['fail', 'skip', 'manual'];

export const GATEWAY_TYPES = ['gateway.exclusive', 'gateway.parallel', 'gateway.inclusive', 'gateway.join'] as const;
export const BUILTIN_NODE_TYPES = ['timer.sleep', 'approval', 'vars.set', 'subflow', 'callback'] as const;

export function isGatewayType(type: string): boolean {
  return (GATEWAY_TYPES as readonly string[]).includes(type);
}

export function isBuiltinNodeType(type: string): boolean {
  return (BUILTIN_NODE_TYPES as readonly string[]).includes(type);
}

export interface RetrySpec {
  maximumAttempts?: number;
  initialInterval?: string;
  backoffCoefficient?: number;
  maximumInterval?: string;
  nonRetryableErrorTypes?: string[];
}

export interface TimeoutSpec {
  startToClose?: string;
  scheduleToClose?: string;
  scheduleToStart?: string;
  heartbeat?: string;
}

export interface NodeDefinition {
  id: string;
  type: string;
  version?: string;
  name?: string;
  with?: JsonObject;
  retry?: RetrySpec;
  timeout?: TimeoutSpec;
  onFailure?: OnFailure;
}

export interface EdgeDefinition {
  from: string;
  to: string;
  when?: string;
  default?: boolean;
}

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
  outputs?: Record<string, JsonValue>;
}

export const NODE_ID_PATTERN = /^[a-z][a-z0-9_]*$/;

const DURATION_SCHEMA: JsonSchema = {
  type: 'string',
  pattern: '^(?:\\d+(?:\\.\\d+)?(?:ms|s|m|h|d))+$',
  description: 'A duration: 250ms, 30s, 5m, 2h, 1d or compound like 1h30m',
};

/** `with` schemas of the built-in node types (workflows/definition/builtin-schemas.ts). */
export const BUILTIN_INPUT_SCHEMAS: Record<string, JsonSchema> = {
  'timer.sleep': {
    type: 'object',
    title: 'Sleep',
    description: 'A durable timer: waits for a duration or until a point in time (exactly one of them).',
    properties: {
      duration: { ...DURATION_SCHEMA, title: 'Duration' },
      until: { type: 'string', format: 'date-time', title: 'Until', description: 'An RFC 3339 time' },
    },
    additionalProperties: false,
  },
  approval: {
    type: 'object',
    title: 'Approval',
    description: 'Waits until an operator approves or rejects.',
    properties: {
      message: { type: 'string', title: 'Message', description: 'What the approver is asked.' },
      approvers: {
        type: 'object',
        title: 'Approvers',
        description: 'Who may decide; anyone with the operator role when empty.',
        properties: {
          users: { type: 'array', items: { type: 'string' }, title: 'Users' },
          roles: { type: 'array', items: { type: 'string', enum: ['operator', 'editor', 'owner'] }, title: 'Roles' },
        },
      },
      deadline: { ...DURATION_SCHEMA, title: 'Deadline' },
      defaultDecision: { type: 'string', enum: ['approve', 'reject'], title: 'Decision at the deadline' },
      forbidStarter: { type: 'boolean', title: 'The person who started the run may not decide' },
      form: { type: 'object', title: 'Form (JSON Schema)' },
    },
  },
  'vars.set': {
    type: 'object',
    title: 'Set variables',
    description: 'Each key becomes vars.<key> for the nodes after this one.',
  },
  subflow: {
    type: 'object',
    title: 'Subflow',
    description: "Runs another template's version as a child workflow; its outputs become this node's output.",
    required: ['template'],
    properties: {
      template: { type: 'string', title: 'Template (name or id, same project)' },
      inputs: { type: 'object', title: "The child's inputs (values may hold ${expr})" },
    },
  },
  callback: {
    type: 'object',
    title: 'Callback',
    description: 'Waits until an external system calls the signed URL shown in the node state, or the deadline.',
    properties: {
      deadline: { ...DURATION_SCHEMA, title: 'Deadline (default 1h)' },
      message: { type: 'string', title: 'Message', description: 'What the external system is asked to do.' },
    },
    additionalProperties: false,
  },
};

/** What the palette and the canvas say about a node type that is not a plugin. */
export const NODE_TYPE_INFO: Record<string, { title: string; description: string }> = {
  'gateway.exclusive': {
    title: 'Exclusive gateway',
    description: 'Takes the first outgoing edge whose condition holds, else the default edge.',
  },
  'gateway.parallel': { title: 'Parallel gateway', description: 'Takes all outgoing edges.' },
  'gateway.inclusive': {
    title: 'Inclusive gateway',
    description: 'Takes every edge whose condition holds (the default edge if none does).',
  },
  'gateway.join': { title: 'Join', description: 'Waits for its incoming branches; a no-op for readability.' },
  'timer.sleep': { title: 'Sleep', description: 'A durable timer: a duration or a point in time.' },
  approval: { title: 'Approval', description: 'Waits for a person to approve or reject.' },
  'vars.set': { title: 'Set variables', description: 'Each key becomes vars.<key> for later nodes.' },
  subflow: { title: 'Subflow', description: 'Runs another template version as a child workflow.' },
  callback: { title: 'Callback', description: 'Waits until an external system calls its signed URL back.' },
};

/** A short symbol for a gateway: BPMN's marks. */
export function gatewaySymbol(type: string): string {
  switch (type) {
    case 'gateway.exclusive':
      return '×';
    case 'gateway.parallel':
      return '+';
    case 'gateway.inclusive':
      return '○';
    default:
      return '⋈';
  }
}

export function emptyDefinition(name = 'new-template'): Definition {
  return { name, nodes: [], edges: [] };
}

/** A fresh node id derived from the type (`http.request` → `http_request`, `http_request_2`...). */
export function newNodeId(type: string, taken: ReadonlySet<string>): string {
  let base = type
    .replace(/^gateway\./, '')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!/^[a-z]/.test(base)) base = `node_${base}`;
  base = base.slice(0, 56);
  if (!taken.has(base)) return base;
  for (let n = 2; ; n += 1) {
    const candidate = `${base}_${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** Renames a node everywhere the definition structure names it (edges); expressions are left alone. */
export function renameNode(definition: Definition, from: string, to: string): Definition {
  return {
    ...definition,
    nodes: definition.nodes.map((node) => (node.id === from ? { ...node, id: to } : node)),
    edges: (definition.edges ?? []).map((edge) => ({
      ...edge,
      from: edge.from === from ? to : edge.from,
      to: edge.to === from ? to : edge.to,
    })),
  };
}

/** Removes a node and every edge touching it. */
export function removeNode(definition: Definition, id: string): Definition {
  return {
    ...definition,
    nodes: definition.nodes.filter((node) => node.id !== id),
    edges: (definition.edges ?? []).filter((edge) => edge.from !== id && edge.to !== id),
  };
}

/** Where a validator problem points: a node, an edge, or the definition as a whole. */
export type ProblemTarget =
  | { kind: 'node'; nodeId: string; field: string }
  | { kind: 'edge'; index: number; field: string }
  | { kind: 'definition'; field: string };

/**
 * Maps a problem path (`nodes[3].with.url`, `edges[2].when`, `inputs.env`) to what it concerns,
 * using the definition that was validated (the index is into its arrays).
 */
export function problemTarget(definition: Definition, path: string): ProblemTarget {
  const node = /^nodes\[(\d+)\]\.?(.*)$/.exec(path);
  if (node) {
    const id = definition.nodes[Number(node[1])]?.id;
    if (typeof id === 'string') return { kind: 'node', nodeId: id, field: node[2] };
  }
  const edge = /^edges\[(\d+)\]\.?(.*)$/.exec(path);
  if (edge && (definition.edges ?? [])[Number(edge[1])]) {
    return { kind: 'edge', index: Number(edge[1]), field: edge[2] };
  }
  return { kind: 'definition', field: path };
}

export interface LocatedProblem {
  path: string;
  message: string;
  target: ProblemTarget;
}

/** Problems grouped by what they concern, for badges on the canvas and messages in forms. */
export interface ProblemIndex {
  all: LocatedProblem[];
  byNode: Map<string, LocatedProblem[]>;
  byEdge: Map<number, LocatedProblem[]>;
  general: LocatedProblem[];
}

export function indexProblems(
  definition: Definition,
  problems: Array<{ path: string; message: string }>,
): ProblemIndex {
  const index: ProblemIndex = { all: [], byNode: new Map(), byEdge: new Map(), general: [] };
  for (const problem of problems) {
    const located = { ...problem, target: problemTarget(definition, problem.path) };
    index.all.push(located);
    if (located.target.kind === 'node') {
      const list = index.byNode.get(located.target.nodeId) ?? [];
      list.push(located);
      index.byNode.set(located.target.nodeId, list);
    } else if (located.target.kind === 'edge') {
      const list = index.byEdge.get(located.target.index) ?? [];
      list.push(located);
      index.byEdge.set(located.target.index, list);
    } else {
      index.general.push(located);
    }
  }
  return index;
}

export const NO_PROBLEMS: ProblemIndex = { all: [], byNode: new Map(), byEdge: new Map(), general: [] };

const DROPPED_WHEN_EMPTY = new Set(['with', 'retry', 'timeout', 'inputs', 'outputs']);

function dropUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropUndefined);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) if (member !== undefined) out[key] = dropUndefined(member);
    return out;
  }
  return value;
}

function withoutEmptySettings<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    const empty = !!member && typeof member === 'object' && !Array.isArray(member) && Object.keys(member).length === 0;
    if (!(empty && DROPPED_WHEN_EMPTY.has(key))) out[key] = member;
  }
  return out as T;
}

/**
 * Drops `undefined` members everywhere, and empty `with`/`retry`/`timeout`/`inputs`/`outputs`
 * settings of the definition and its nodes, so YAML and diffs stay clean.
 */
export function prune(definition: Definition): Definition {
  const clean = dropUndefined(definition) as Definition;
  return withoutEmptySettings({
    ...clean,
    nodes: clean.nodes.map((node) => withoutEmptySettings(node)),
  });
}

/** Checks the parts of a definition the editor depends on; the server checks the rest. */
export function asDefinition(value: unknown): Definition {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new Error('A definition is a mapping (an object)');
  const candidate = value as Partial<Definition>;
  if (!Array.isArray(candidate.nodes)) throw new Error('A definition needs a list of nodes');
  for (const [index, node] of candidate.nodes.entries()) {
    if (!node || typeof node !== 'object' || typeof node.id !== 'string' || typeof node.type !== 'string') {
      throw new Error(`nodes[${index}] needs an id and a type (strings)`);
    }
  }
  if (candidate.edges !== undefined && !Array.isArray(candidate.edges)) throw new Error('edges must be a list');
  for (const [index, edge] of (candidate.edges ?? []).entries()) {
    if (!edge || typeof edge !== 'object' || typeof edge.from !== 'string' || typeof edge.to !== 'string') {
      throw new Error(`edges[${index}] needs from and to (node ids)`);
    }
  }
  return { ...candidate, name: typeof candidate.name === 'string' ? candidate.name : '' } as Definition;
}

function ordered<T extends object>(value: T, keys: readonly string[]): T {
  const out: Record<string, unknown> = {};
  const source = value as Record<string, unknown>;
  for (const key of keys) if (key in source) out[key] = source[key];
  for (const key of Object.keys(source)) if (!(key in out)) out[key] = source[key];
  return out as T;
}

const DEFINITION_KEYS = ['name', 'description', 'inputs', 'nodes', 'edges', 'outputs'];
const NODE_KEYS = ['id', 'type', 'version', 'name', 'with', 'retry', 'timeout', 'onFailure'];
const EDGE_KEYS = ['from', 'to', 'when', 'default'];
const INPUT_KEYS = ['type', 'enum', 'default', 'required', 'description'];

/**
 * The definition with its keys in the order PRODUCT.md writes them (name, inputs, nodes with id
 * and type first, edges from/to/when...). Stored definitions come back from PostgreSQL's jsonb
 * with keys sorted by length, which reads badly as YAML.
 */
export function inReadingOrder(definition: Definition): Definition {
  const inputs = definition.inputs
    ? Object.fromEntries(Object.entries(definition.inputs).map(([key, input]) => [key, ordered(input, INPUT_KEYS)]))
    : undefined;
  return ordered(
    {
      ...definition,
      ...(inputs ? { inputs } : {}),
      nodes: definition.nodes.map((node) => ordered(node, NODE_KEYS)),
      ...(definition.edges ? { edges: definition.edges.map((edge) => ordered(edge, EDGE_KEYS)) } : {}),
    },
    DEFINITION_KEYS,
  );
}
