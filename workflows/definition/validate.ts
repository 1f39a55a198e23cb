/**
 * Validation of a definition before anything runs: shape, ids, node types against the plugin
 * catalog, edges, cycles, reachability, gateways, expressions and their references, plugin
 * inputs against the plugins' JSON Schemas, retry and timeout policies, input declarations.
 * Every problem comes back with its path, all of them at once; nothing here throws.
 */
import Ajv from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { PluginCatalog, PluginDescriptor } from '../../plugins/sdk/plugin';
import type { JsonSchema } from '../../plugins/sdk/types';
import { buildGraph } from './graph';
import type { Graph } from './graph';
import { BUILTIN_INPUT_SCHEMAS, DURATION_PATTERN, NODE_ID_PATTERN } from './builtin-schemas';
import { parseDuration } from './duration';
import { analyze } from './expression-analysis';
import type { ExpressionAnalysis } from './expression-analysis';
import { SCOPE_ROOTS, splitTemplate } from './expressions';
import { checkInputValue, INPUT_KEYWORDS, INPUT_NAME_PATTERN, INPUT_TYPES, inputPattern, isInputType } from './inputs';
import { childPath, copyJsonValue, errorMessage } from './problems';
import { SECRET_NAME_PATTERN, secretReferenceName } from './secret-references';
import type { Problem } from './problems';
import {
  BUILTIN_NODE_TYPES,
  FOREACH_CONCURRENCY_CAP,
  FOREACH_MAX_ITEMS_CAP,
  GATEWAY_TYPES,
  ON_FAILURE_VALUES,
  isBuiltinNodeType,
  isGatewayType,
} from './types';
import type { Definition, InputDefinition, JsonObject, JsonValue } from './types';

// Built-ins captured once: inside a vm context (Jest, the Temporal workflow sandbox) every read of a
// global such as `Object` goes through an interceptor, which made validation several times slower.
const { keys: objectKeys, hasOwn } = Object;
const { isArray } = Array;

export interface ValidationResult {
  /** The definition as a fresh plain-JSON copy; set only when `problems` is empty. */
  definition?: Definition;
  /** What makes the definition unusable, each with its path. */
  problems: Problem[];
  /** What is allowed but probably unintended (deprecated plugins, ignored keys). */
  warnings: Problem[];
}

const NODE_ID = new RegExp(NODE_ID_PATTERN);
const TOP_LEVEL_KEYS = ['name', 'description', 'inputs', 'nodes', 'edges', 'outputs'];
const NODE_KEYS = ['id', 'type', 'version', 'name', 'with', 'retry', 'timeout', 'onFailure', 'foreach'];
const FOREACH_KEYS = ['items', 'concurrency', 'maxItems'];
/** Names in scope only inside the `with` of a node with `foreach`. */
const LOOP_ROOTS = ['item', 'index'];
/** Node types a `foreach` may repeat: plugins (any non-built-in), subflows and callbacks. */
const FOREACH_BUILTINS = new Set(['subflow', 'callback']);
const EDGE_KEYS = ['from', 'to', 'when', 'default'];
const RETRY_KEYS = [
  'maximumAttempts',
  'initialInterval',
  'backoffCoefficient',
  'maximumInterval',
  'nonRetryableErrorTypes',
];
const TIMEOUT_KEYS = ['startToClose', 'scheduleToClose', 'scheduleToStart', 'heartbeat'];
/** Identifiers CEL itself defines (type names, the `cel` namespace): not scope roots, not mistakes. */
const CEL_IDENTIFIERS = new Set([
  'int',
  'uint',
  'double',
  'bool',
  'string',
  'bytes',
  'list',
  'map',
  'null_type',
  'type',
]);
const SCOPE_ROOT_SET = new Set<string>(SCOPE_ROOTS);
/** Schema keywords whose failure at an object may come from an expression somewhere inside it. */
const ENCLOSING_KEYWORDS = new Set([
  'anyOf',
  'oneOf',
  'not',
  'if',
  'then',
  'else',
  'contains',
  'enum',
  'const',
  'uniqueItems',
]);
const NAME_WARNING_LENGTH = 200;
const CYCLE_NAMES_SHOWN = 30;
const MAX_CYCLES_REPORTED = 100;
const DURATION_HINT = 'must be a duration like 250ms, 30s, 5m or 1h30m';

type NodeKind = 'gateway' | 'builtin' | 'plugin';

interface NodeInfo {
  index: number;
  path: string;
  id?: string;
  type?: string;
  kind?: NodeKind;
  plugin?: PluginDescriptor;
  with?: JsonObject;
  /** The `foreach.items` template, when the node loops. */
  foreachItems?: string;
}

interface EdgeInfo {
  index: number;
  path: string;
  from?: number;
  to?: number;
  when?: string;
  isDefault: boolean;
}

/** Where an expression sits, which decides the nodes it may read. */
type ExpressionSite =
  { kind: 'node'; node: number; loop?: boolean } | { kind: 'edge'; source?: number } | { kind: 'outputs' };

interface UpstreamQuery {
  /** The node read through `nodes.<id>`. */
  target: number;
  /** The node that reads it (or the edge's source). */
  reader: number;
  /** Whether the reader itself counts (an edge's `when` may read its own source). */
  inclusive: boolean;
  path: string;
  site: 'node' | 'edge';
}

/**
 * Queries grouped by the node they read, without an array per group: `members[start[t]]` up to
 * `members[start[t + 1]]` are the indexes of the queries reading node t, in order; `targets` lists
 * the nodes read in the order of their first query (the order problems come in).
 */
function groupByTarget(
  queries: readonly UpstreamQuery[],
  count: number,
): { targets: number[]; start: Int32Array; members: Int32Array } {
  const start = new Int32Array(count + 1);
  const targets: number[] = [];
  for (const query of queries) if (start[query.target + 1]++ === 0) targets.push(query.target);
  for (let node = 0; node < count; node++) start[node + 1] += start[node];
  const next = start.slice(0, count);
  const members = new Int32Array(queries.length);
  for (let i = 0; i < queries.length; i++) members[next[queries[i].target]++] = i;
  return { targets, start, members };
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !isArray(value);
}

function has(object: object, key: string): boolean {
  return hasOwn(object, key);
}

const distanceRows = [new Int32Array(42), new Int32Array(42), new Int32Array(42)];

/** Edit distance counting a swap of neighbours as one edit (`wiht` is one away from `with`). */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2 || a.length > 40 || b.length > 40) return 99;
  let [twoBack, previous, current] = distanceRows;
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, twoBack[j - 2] + 1);
      current[j] = best;
    }
    [twoBack, previous, current] = [previous, current, twoBack];
  }
  return previous[b.length];
}

/** Beyond this many candidates a suggestion costs more than it helps. */
const SUGGESTION_CANDIDATES = 200;

/** ` (did you mean x?)` for the closest allowed word, when it is close enough to be a typo. */
function suggestion(key: string, allowed: Iterable<string>): string {
  if (key.length < 4 || key.length > 40) return '';
  const lower = key.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.floor(key.length / 3) + 1;
  let seen = 0;
  for (const candidate of allowed) {
    if (++seen > SUGGESTION_CANDIDATES) return '';
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best ? ` (did you mean ${best}?)` : '';
}

function quoteList(values: readonly unknown[]): string {
  return values.map((value) => (typeof value === 'string' ? value : JSON.stringify(value))).join(', ');
}

/** One ajv pair per catalog, so two catalogs never share schema ids; validators cached by type@version. */
interface SchemaCache {
  draft2020?: Ajv2020;
  draft07?: Ajv;
  validators: Map<string, { validate?: ValidateFunction; error?: string }>;
}

const catalogCaches = new WeakMap<PluginCatalog, SchemaCache>();
const builtinCache: SchemaCache = { validators: new Map() };

function cacheFor(catalog: PluginCatalog): SchemaCache {
  let cache = catalogCaches.get(catalog);
  if (!cache) {
    cache = { validators: new Map() };
    catalogCaches.set(catalog, cache);
  }
  return cache;
}

function compileSchema(
  cache: SchemaCache,
  key: string,
  getSchema: () => JsonSchema,
): { validate?: ValidateFunction; error?: string } {
  const cached = cache.validators.get(key);
  if (cached) return cached;
  let compiled: { validate?: ValidateFunction; error?: string };
  try {
    const schema = getSchema();
    if (!isObject(schema) && typeof schema !== 'boolean') throw new Error('the schema is not an object');
    const dialect = isObject(schema) && typeof schema.$schema === 'string' ? schema.$schema : '';
    let ajv: Ajv | Ajv2020;
    if (/draft-0[467]/.test(dialect)) {
      cache.draft07 ??= addFormats(new Ajv({ allErrors: true, strict: false }), { mode: 'fast' });
      ajv = cache.draft07;
    } else {
      cache.draft2020 ??= addFormats(new Ajv2020({ allErrors: true, strict: false }), { mode: 'fast' });
      ajv = cache.draft2020;
    }
    compiled = { validate: ajv.compile(schema) };
  } catch (err) {
    compiled = { error: errorMessage(err) };
  }
  cache.validators.set(key, compiled);
  return compiled;
}

/** JSON pointers of every string in `value` that holds `${`. Iterative; `value` is depth-bounded. */
function expressionPointers(value: JsonValue): string[] {
  const found: string[] = [];
  const stack: Array<[JsonValue, string]> = [[value, '']];
  while (stack.length > 0) {
    const [item, pointer] = stack.pop() as [JsonValue, string];
    if (typeof item === 'string') {
      if (item.includes('${')) found.push(pointer);
    } else if (isArray(item)) {
      item.forEach((child, i) => stack.push([child, `${pointer}/${i}`]));
    } else if (isObject(item)) {
      for (const key of objectKeys(item)) {
        stack.push([item[key], `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`]);
      }
    }
  }
  return found;
}

/** Turns an ajv instance path (JSON pointer) into our path syntax, looking at the data for indexes. */
function pointerToPath(base: string, pointer: string, data: JsonValue): string {
  if (!pointer) return base;
  let path = base;
  let current: JsonValue | undefined = data;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (isArray(current) && /^\d+$/.test(key)) {
      path = childPath(path, Number(key));
      current = current[Number(key)];
    } else {
      path = childPath(path, key);
      current = isObject(current) && has(current, key) ? current[key] : undefined;
    }
  }
  return path;
}

function withinOrAt(pointer: string, container: string): boolean {
  return pointer === container || pointer.startsWith(`${container}/`);
}

/**
 * Maps ajv errors of one node's `with` to problems. Values holding `${` are only known at run
 * time, so errors at or inside them are dropped, as are errors of enclosing keywords
 * (`anyOf`, `enum`, ...) that contain one; `required` errors stay.
 */
function schemaProblems(errors: ErrorObject[], data: JsonValue, base: string): Problem[] {
  const expressions = expressionPointers(data);
  const namedProperties = new Set(
    errors.map((error) => (error as { propertyName?: string }).propertyName).filter((name) => name !== undefined),
  );
  const seen = new Set<string>();
  const problems: Problem[] = [];
  for (const error of errors) {
    const at = error.instancePath;
    if (error.keyword !== 'required') {
      if (expressions.some((pointer) => withinOrAt(at, pointer))) continue;
      if (ENCLOSING_KEYWORDS.has(error.keyword) && expressions.some((pointer) => withinOrAt(pointer, at))) continue;
    }
    const params = error.params as Record<string, unknown>;
    const propertyName = (error as { propertyName?: string }).propertyName;
    let path = pointerToPath(base, at, data);
    let message = error.message ?? `fails ${error.keyword}`;
    if (error.keyword === 'required' && typeof params.missingProperty === 'string') {
      path = childPath(path, params.missingProperty);
      message = 'is required';
    } else if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
      path = childPath(path, params.additionalProperty);
      message = 'is not a known property';
    } else if (error.keyword === 'propertyNames' && typeof params.propertyName === 'string') {
      if (namedProperties.has(params.propertyName)) continue;
      path = childPath(path, params.propertyName);
      message = 'is not an allowed property name';
    } else if (propertyName !== undefined) {
      path = childPath(path, propertyName);
      message = `name ${message}`;
    } else if (error.keyword === 'enum' && isArray(params.allowedValues)) {
      message = `must be one of: ${quoteList(params.allowedValues)}`;
    } else if (error.keyword === 'const') {
      message = `must be ${JSON.stringify(params.allowedValue)}`;
    } else if (error.keyword === 'pattern' && params.pattern === DURATION_PATTERN) {
      message = DURATION_HINT;
    }
    const key = `${path}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ path, message });
  }
  return problems;
}

/**
 * Validates a definition (JSON or YAML already parsed) against the plugin catalog.
 * Reports every problem at once, each with a path like `nodes[3].with.url`, `edges[2].when`,
 * `outputs.artifact` or `inputs.env.default`. Never throws.
 *
 * @example
 * const { definition, problems } = validateDefinition(parseDefinitionText(text).value, catalog);
 * if (!definition) for (const p of problems) console.log(`${p.path}: ${p.message}`);
 */
export function validateDefinition(raw: unknown, catalog: PluginCatalog): ValidationResult {
  const validation = new DefinitionValidation(catalog);
  let definition: Definition | undefined;
  try {
    definition = validation.run(raw);
  } catch (err) {
    validation.problem('definition', `the validator failed: ${errorMessage(err)}`);
  }
  const { problems, warnings } = validation;
  return problems.length === 0 && definition ? { definition, problems, warnings } : { problems, warnings };
}

class DefinitionValidation {
  readonly problems: Problem[] = [];
  readonly warnings: Problem[] = [];
  private nodes: NodeInfo[] = [];
  private edges: EdgeInfo[] = [];
  /** Node id to the index of its first occurrence. */
  private readonly ids = new Map<string, number>();
  private nodesKnown = false;
  private declaredInputs = new Set<string>();
  private graph: Graph = buildGraph(0, [], [], []);
  /** Position in a topological order, or undefined when the graph has a cycle. */
  private topo?: Int32Array;
  private readonly queries: UpstreamQuery[] = [];
  /** Catalog lookups by `type@version`: a definition names a few plugins many times. */
  private readonly plugins = new Map<string, PluginDescriptor | undefined>();
  private readonly durations = new Map<string, number | undefined>();

  constructor(private readonly catalog: PluginCatalog) {}

  problem(path: string, message: string): void {
    this.problems.push({ path: path || 'definition', message });
  }

  warn(path: string, message: string): void {
    this.warnings.push({ path: path || 'definition', message });
  }

  run(raw: unknown): Definition | undefined {
    const copyProblems: Problem[] = [];
    const document = copyJsonValue(raw, '', copyProblems);
    for (const problem of copyProblems) this.problem(problem.path, problem.message);
    if (!isObject(document)) {
      if (document !== undefined) this.problem('definition', 'must be an object with name and nodes');
      return undefined;
    }
    this.unknownKeys(document, TOP_LEVEL_KEYS, '');
    this.checkName(document);
    this.checkInputs(document.inputs);
    this.checkNodes(document.nodes);
    this.checkEdges(document.edges);
    this.analyzeGraph();
    this.checkGateways();
    this.checkNodeInputs();
    this.checkExpressions(document.outputs);
    this.resolveUpstreamQueries();
    return document as unknown as Definition;
  }

  private unknownKeys(object: JsonObject, allowed: readonly string[], path: string): void {
    for (const key of objectKeys(object)) {
      // Top-level `x-` keys are the file's own (YAML anchors shared by several nodes, notes): ignored.
      if (allowed.includes(key) || (path === '' && key.startsWith('x-'))) continue;
      this.problem(childPath(path, key), `unknown key ${key}${suggestion(key, allowed)}`);
    }
  }

  private checkName(document: JsonObject): void {
    if (!has(document, 'name')) this.problem('name', 'is required');
    else if (typeof document.name !== 'string' || document.name.trim() === '') {
      this.problem('name', 'must be a non-empty string');
    }
    if (has(document, 'description') && typeof document.description !== 'string') {
      this.problem('description', 'must be a string');
    }
  }

  // ---- inputs -------------------------------------------------------------------------------

  private checkInputs(inputs: JsonValue | undefined): void {
    if (inputs === undefined) return;
    if (!isObject(inputs)) {
      this.problem('inputs', 'must be an object of input declarations');
      return;
    }
    for (const name of objectKeys(inputs)) {
      this.declaredInputs.add(name);
      const path = childPath('inputs', name);
      if (!INPUT_NAME_PATTERN.test(name)) this.problem(path, `input names must match ${INPUT_NAME_PATTERN.source}`);
      const declaration = inputs[name];
      if (!isObject(declaration)) {
        this.problem(path, 'must be an object like { type: string, default: ... }');
        continue;
      }
      this.checkInputDeclaration(declaration, path);
    }
  }

  private checkInputDeclaration(declaration: InputDefinition, path: string): void {
    for (const key of objectKeys(declaration)) {
      if (!(INPUT_KEYWORDS as readonly string[]).includes(key)) {
        this.warn(childPath(path, key), `unknown keyword ${key} is ignored${suggestion(key, INPUT_KEYWORDS)}`);
      }
    }
    let usable = true;
    if (has(declaration, 'type') && !isInputType(declaration.type)) {
      this.problem(
        childPath(path, 'type'),
        `unknown type ${quoteList([declaration.type])} (one of ${INPUT_TYPES.join(', ')})`,
      );
      usable = false;
    }
    for (const key of ['description', 'title']) {
      if (has(declaration, key) && typeof declaration[key] !== 'string')
        this.problem(childPath(path, key), 'must be a string');
    }
    if (has(declaration, 'required') && typeof declaration.required !== 'boolean') {
      this.problem(childPath(path, 'required'), 'must be true or false');
    }
    for (const key of ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum']) {
      if (has(declaration, key) && typeof declaration[key] !== 'number') {
        this.problem(childPath(path, key), 'must be a number');
        usable = false;
      }
    }
    for (const key of ['minLength', 'maxLength', 'minItems', 'maxItems']) {
      const value = declaration[key];
      if (has(declaration, key) && !(typeof value === 'number' && Number.isInteger(value) && value >= 0)) {
        this.problem(childPath(path, key), 'must be an integer >= 0');
        usable = false;
      }
    }
    if (has(declaration, 'pattern') && !inputPattern(declaration)) {
      this.problem(childPath(path, 'pattern'), 'must be a valid regular expression');
      usable = false;
    }
    const typeOnly: InputDefinition = isInputType(declaration.type) ? { type: declaration.type } : {};
    if (has(declaration, 'enum')) {
      const values = declaration.enum;
      if (!isArray(values) || values.length === 0) {
        this.problem(childPath(path, 'enum'), 'must be a non-empty list of values');
        usable = false;
      } else {
        values.forEach((value, i) => {
          const message = checkInputValue(typeOnly, value);
          if (message) {
            this.problem(childPath(childPath(path, 'enum'), i), message);
            usable = false;
          }
        });
      }
    }
    if (has(declaration, 'default') && usable) {
      const message = checkInputValue(declaration, declaration.default as JsonValue);
      if (message) this.problem(childPath(path, 'default'), message);
    }
  }

  // ---- nodes ---------------------------------------------------------------------------------

  private checkNodes(nodes: JsonValue | undefined): void {
    if (nodes === undefined) {
      this.problem('nodes', 'is required');
      return;
    }
    if (!isArray(nodes)) {
      this.problem('nodes', 'must be a list of nodes');
      return;
    }
    this.nodesKnown = true;
    if (nodes.length === 0) this.problem('nodes', 'must hold at least one node');
    nodes.forEach((node, index) => this.nodes.push(this.checkNode(node, index)));
  }

  private checkNode(node: JsonValue, index: number): NodeInfo {
    const path = `nodes[${index}]`;
    const info: NodeInfo = { index, path };
    if (!isObject(node)) {
      this.problem(path, 'must be an object with id and type');
      return info;
    }
    this.unknownKeys(node, NODE_KEYS, path);
    this.checkNodeId(node, info);
    this.checkNodeType(node, info);
    const kindLabel = info.kind === 'gateway' ? 'a gateway' : 'a built-in node';

    if (has(node, 'name')) {
      if (typeof node.name !== 'string') this.problem(childPath(path, 'name'), 'must be a string');
      else if (node.name.length > NAME_WARNING_LENGTH) {
        this.warn(childPath(path, 'name'), `longer than ${NAME_WARNING_LENGTH} characters: UIs will cut it`);
      }
    }
    if (has(node, 'with')) {
      if (!isObject(node.with)) this.problem(childPath(path, 'with'), 'must be an object');
      else if (info.kind === 'gateway') this.problem(childPath(path, 'with'), `${info.type} takes no with`);
      else info.with = node.with;
    }
    if (has(node, 'retry')) {
      this.checkRetry(node.retry, childPath(path, 'retry'));
      if (info.kind === 'gateway' || info.kind === 'builtin') {
        this.warn(childPath(path, 'retry'), `has no effect on ${kindLabel} (${info.type})`);
      }
    }
    if (has(node, 'timeout')) {
      this.checkTimeout(node.timeout, childPath(path, 'timeout'));
      if (info.kind === 'gateway' || info.kind === 'builtin') {
        this.warn(childPath(path, 'timeout'), `has no effect on ${kindLabel} (${info.type})`);
      }
    }
    if (has(node, 'onFailure') && !ON_FAILURE_VALUES.includes(node.onFailure as never)) {
      this.problem(childPath(path, 'onFailure'), `must be one of: ${ON_FAILURE_VALUES.join(', ')}`);
    }
    if (has(node, 'foreach')) this.checkForeach(node.foreach, info);
    return info;
  }

  private checkForeach(foreach: JsonValue, info: NodeInfo): void {
    const path = childPath(info.path, 'foreach');
    if (info.kind === 'gateway' || (info.kind === 'builtin' && !FOREACH_BUILTINS.has(info.type ?? ''))) {
      this.problem(path, `${info.type} cannot loop: foreach repeats plugin, subflow and callback nodes`);
      return;
    }
    if (!isObject(foreach)) {
      this.problem(path, 'must be an object like { items: "${inputs.hosts}", concurrency: 5 }');
      return;
    }
    this.unknownKeys(foreach, FOREACH_KEYS, path);
    if (!has(foreach, 'items')) this.problem(childPath(path, 'items'), 'is required');
    else if (typeof foreach.items !== 'string' || !foreach.items.includes('${')) {
      this.problem(childPath(path, 'items'), 'must be an expression giving a list, like "${inputs.hosts}"');
    } else info.foreachItems = foreach.items;
    const integerIn = (key: string, max: number): void => {
      if (!has(foreach, key)) return;
      const value = foreach[key];
      if (!(typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= max)) {
        this.problem(childPath(path, key), `must be an integer from 1 to ${max}`);
      }
    };
    integerIn('concurrency', FOREACH_CONCURRENCY_CAP);
    integerIn('maxItems', FOREACH_MAX_ITEMS_CAP);
  }

  private checkNodeId(node: JsonObject, info: NodeInfo): void {
    if (!has(node, 'id')) {
      this.problem(`${info.path}.id`, 'is required');
      return;
    }
    const id = node.id;
    if (typeof id !== 'string' || id === '') {
      this.problem(`${info.path}.id`, 'must be a non-empty string');
      return;
    }
    if (!NODE_ID.test(id)) this.problem(`${info.path}.id`, `${quoteList([id])} must match ${NODE_ID_PATTERN}`);
    const first = this.ids.get(id);
    if (first !== undefined) {
      this.problem(`${info.path}.id`, `duplicate id ${id} (also nodes[${first}])`);
      return;
    }
    this.ids.set(id, info.index);
    info.id = id;
  }

  private checkNodeType(node: JsonObject, info: NodeInfo): void {
    const path = `${info.path}.type`;
    if (has(node, 'version') && typeof node.version !== 'string') {
      this.problem(childPath(info.path, 'version'), 'must be a string');
    }
    const version = typeof node.version === 'string' ? node.version : undefined;
    if (!has(node, 'type')) {
      this.problem(path, 'is required');
      return;
    }
    const type = node.type;
    if (typeof type !== 'string' || type === '') {
      this.problem(path, 'must be a non-empty string');
      return;
    }
    info.type = type;
    if (isGatewayType(type) || isBuiltinNodeType(type)) {
      info.kind = isGatewayType(type) ? 'gateway' : 'builtin';
      if (version !== undefined) this.warn(childPath(info.path, 'version'), `is ignored for ${type}`);
      return;
    }
    let plugin: PluginDescriptor | undefined;
    try {
      plugin = this.findPlugin(type, version);
      if (!plugin && version !== undefined) {
        const versions = this.catalog
          .list()
          .filter((candidate) => candidate.type === type)
          .map((candidate) => candidate.version);
        if (versions.length > 0) {
          this.problem(
            childPath(info.path, 'version'),
            `plugin ${type} has no version ${version} (known: ${versions.join(', ')})`,
          );
          return;
        }
      }
    } catch (err) {
      this.problem(path, `the plugin catalog failed to look up ${type}: ${errorMessage(err)}`);
      return;
    }
    if (!plugin) {
      const known: string[] = [...GATEWAY_TYPES, ...BUILTIN_NODE_TYPES];
      try {
        for (const candidate of this.catalog.list()) known.push(candidate.type);
      } catch {
        // The suggestion is a courtesy; the unknown type is reported either way.
      }
      this.problem(
        path,
        `unknown node type ${type}: not a gateway, a built-in node or a registered plugin${suggestion(type, known)}`,
      );
      return;
    }
    info.kind = 'plugin';
    info.plugin = plugin;
    if (plugin.deprecated) this.warn(path, `plugin ${type}@${plugin.version} is deprecated: ${plugin.deprecated}`);
  }

  private findPlugin(type: string, version: string | undefined): PluginDescriptor | undefined {
    const key = version === undefined ? type : `${type}@${version}`;
    let plugin = this.plugins.get(key);
    if (plugin === undefined && !this.plugins.has(key)) {
      plugin = this.catalog.find(type, version);
      this.plugins.set(key, plugin);
    }
    return plugin;
  }

  /** `object[key]` as a duration in ms (reported and undefined when it is not one, or not positive). */
  private checkDuration(object: JsonObject, key: string, path: string): number | undefined {
    const ms = this.durationOf(object[key]);
    if (ms === undefined) {
      this.problem(childPath(path, key), DURATION_HINT);
      return undefined;
    }
    if (ms <= 0) {
      this.problem(childPath(path, key), 'must be longer than 0');
      return undefined;
    }
    return ms;
  }

  /** parseDuration, once per distinct text: every node of a large definition repeats `30s`. */
  private durationOf(value: JsonValue | undefined): number | undefined {
    if (typeof value !== 'string') return parseDuration(value);
    if (this.durations.has(value)) return this.durations.get(value);
    const ms = parseDuration(value);
    this.durations.set(value, ms);
    return ms;
  }

  private checkRetry(retry: JsonValue, path: string): void {
    if (!isObject(retry)) {
      this.problem(path, 'must be an object');
      return;
    }
    this.unknownKeys(retry, RETRY_KEYS, path);
    if (has(retry, 'maximumAttempts')) {
      const attempts = retry.maximumAttempts;
      if (!(typeof attempts === 'number' && Number.isInteger(attempts) && attempts >= 0)) {
        this.problem(childPath(path, 'maximumAttempts'), 'must be an integer >= 0 (0 means unlimited)');
      }
    }
    const initial = has(retry, 'initialInterval') ? this.checkDuration(retry, 'initialInterval', path) : undefined;
    const maximum = has(retry, 'maximumInterval') ? this.checkDuration(retry, 'maximumInterval', path) : undefined;
    if (initial !== undefined && maximum !== undefined && maximum < initial) {
      this.problem(childPath(path, 'maximumInterval'), 'must not be shorter than initialInterval');
    }
    if (has(retry, 'backoffCoefficient')) {
      const coefficient = retry.backoffCoefficient;
      if (!(typeof coefficient === 'number' && coefficient >= 1)) {
        this.problem(childPath(path, 'backoffCoefficient'), 'must be a number >= 1');
      }
    }
    if (has(retry, 'nonRetryableErrorTypes')) {
      const types = retry.nonRetryableErrorTypes;
      if (!isArray(types)) this.problem(childPath(path, 'nonRetryableErrorTypes'), 'must be a list of error types');
      else {
        types.forEach((type, i) => {
          if (typeof type !== 'string' || type === '') {
            this.problem(childPath(childPath(path, 'nonRetryableErrorTypes'), i), 'must be a non-empty string');
          }
        });
      }
    }
  }

  private checkTimeout(timeout: JsonValue, path: string): void {
    if (!isObject(timeout)) {
      this.problem(path, 'must be an object');
      return;
    }
    this.unknownKeys(timeout, TIMEOUT_KEYS, path);
    for (const key of TIMEOUT_KEYS) {
      if (has(timeout, key)) this.checkDuration(timeout, key, path);
    }
  }

  // ---- edges ---------------------------------------------------------------------------------

  private checkEdges(edges: JsonValue | undefined): void {
    const count = this.nodes.length;
    const [fromOf, toOf, edgeOf]: number[][] = [[], [], []];
    this.checkEdgeList(edges, fromOf, toOf, edgeOf);
    this.graph = buildGraph(count, fromOf, toOf, edgeOf);
  }

  /** Checks every edge; pushes the ends and index of each one the graph keeps. */
  private checkEdgeList(edges: JsonValue | undefined, fromOf: number[], toOf: number[], edgeOf: number[]): void {
    if (edges === undefined) return;
    if (!isArray(edges)) {
      this.problem('edges', 'must be a list of edges');
      return;
    }
    const count = this.nodes.length;
    const pairs = new Map<number, number>();
    const defaults = new Map<number, number>();
    edges.forEach((edge, index) => {
      const info = this.checkEdge(edge, index);
      this.edges.push(info);
      const { from, to } = info;
      if (from === undefined || to === undefined) return;
      if (from === to) {
        this.problem(info.path, `self-loop: ${this.edgeNames(from, to)}`);
        return;
      }
      if (info.isDefault) {
        const other = defaults.get(from);
        if (other !== undefined) {
          this.problem(
            childPath(info.path, 'default'),
            `${this.nodes[from].id} already has a default edge (edges[${other}])`,
          );
        } else defaults.set(from, index);
      }
      const pair = from * count + to;
      const other = pairs.get(pair);
      if (other !== undefined) {
        this.problem(info.path, `duplicate edge ${this.edgeNames(from, to)} (also edges[${other}])`);
        return;
      }
      pairs.set(pair, index);
      fromOf.push(from);
      toOf.push(to);
      edgeOf.push(index);
    });
  }

  private edgeNames(from: number, to: number): string {
    return `${this.nodes[from].id} -> ${this.nodes[to].id}`;
  }

  private checkEdge(edge: JsonValue, index: number): EdgeInfo {
    const path = `edges[${index}]`;
    const info: EdgeInfo = { index, path, isDefault: false };
    if (!isObject(edge)) {
      this.problem(path, 'must be an object with from and to');
      return info;
    }
    this.unknownKeys(edge, EDGE_KEYS, path);
    info.from = this.edgeEnd(edge, 'from', path);
    info.to = this.edgeEnd(edge, 'to', path);
    if (has(edge, 'default')) {
      if (typeof edge.default !== 'boolean') this.problem(childPath(path, 'default'), 'must be true or false');
      else info.isDefault = edge.default;
    }
    if (has(edge, 'when')) {
      if (typeof edge.when !== 'string' || edge.when.trim() === '') {
        this.problem(childPath(path, 'when'), 'must be a non-empty CEL expression');
      } else {
        info.when = edge.when;
        if (info.isDefault)
          this.problem(childPath(path, 'default'), 'an edge has either a when or default: true, not both');
      }
    }
    return info;
  }

  private edgeEnd(edge: JsonObject, key: 'from' | 'to', path: string): number | undefined {
    if (!has(edge, key)) {
      this.problem(`${path}.${key}`, 'is required');
      return undefined;
    }
    const id = edge[key];
    if (typeof id !== 'string' || id === '') {
      this.problem(`${path}.${key}`, 'must be a node id');
      return undefined;
    }
    const index = this.ids.get(id);
    if (index === undefined && this.nodesKnown)
      this.problem(`${path}.${key}`, `unknown node ${id}${suggestion(id, this.ids.keys())}`);
    return index;
  }

  // ---- graph ---------------------------------------------------------------------------------

  /** Start nodes, reachability and cycles, in time linear in nodes and edges, without recursion. */
  private analyzeGraph(): void {
    const count = this.nodes.length;
    const graphNodes = this.nodes.filter((node) => node.id !== undefined).map((node) => node.index);
    if (graphNodes.length === 0) return;

    const { start: first, targets, indegree } = this.graph;
    const starts = graphNodes.filter((index) => indegree[index] === 0);
    if (starts.length === 0) {
      this.problem('nodes', 'no start node: every node has an incoming edge, so nothing can start');
    } else {
      const reached = new Uint8Array(count);
      const queue = [...starts];
      for (const start of starts) reached[start] = 1;
      for (let head = 0; head < queue.length; head++) {
        for (let k = first[queue[head]]; k < first[queue[head] + 1]; k++) {
          const next = targets[k];
          if (!reached[next]) {
            reached[next] = 1;
            queue.push(next);
          }
        }
      }
      for (const index of graphNodes) {
        if (!reached[index]) {
          this.problem(
            this.nodes[index].path,
            `node ${this.nodes[index].id} is unreachable: no path leads to it from a start node`,
          );
        }
      }
    }
    this.findCycles(graphNodes);
  }

  /** Iterative depth-first search: each back edge closes a cycle, reported with its nodes. */
  private findCycles(graphNodes: number[]): void {
    const count = this.nodes.length;
    const state = new Uint8Array(count); // 0 new, 1 on the path, 2 done
    const positionOnPath = new Int32Array(count);
    const path: number[] = [];
    const nextChild: number[] = [];
    const postorder: number[] = [];
    const cycles: Array<{ shown: number[]; last: number; length: number; edge: number }> = [];
    let acyclic = true;
    const { start: first, targets, edges } = this.graph;
    for (const root of graphNodes) {
      if (state[root] !== 0) continue;
      state[root] = 1;
      positionOnPath[root] = 0;
      path.push(root);
      nextChild.push(0);
      while (path.length > 0) {
        const top = path.length - 1;
        const node = path[top];
        const child = nextChild[top]++;
        if (child < first[node + 1] - first[node]) {
          const next = targets[first[node] + child];
          if (state[next] === 0) {
            state[next] = 1;
            positionOnPath[next] = path.length;
            path.push(next);
            nextChild.push(0);
          } else if (state[next] === 1) {
            acyclic = false;
            // Only the names shown are kept: a hostile graph may close thousands of long cycles.
            const start = positionOnPath[next];
            const length = path.length - start;
            const shown = path.slice(start, start + Math.min(length, CYCLE_NAMES_SHOWN - 1));
            cycles.push({ shown, last: path[path.length - 1], length, edge: edges[first[node] + child] });
          }
        } else {
          state[node] = 2;
          postorder.push(node);
          path.pop();
          nextChild.pop();
        }
      }
    }
    cycles.sort((a, b) => a.edge - b.edge);
    for (const cycle of cycles.slice(0, MAX_CYCLES_REPORTED)) this.reportCycle(cycle);
    if (cycles.length > MAX_CYCLES_REPORTED) {
      this.problem('edges', `${cycles.length - MAX_CYCLES_REPORTED} more cycles not listed`);
    }
    if (!acyclic) return;
    const topo = new Int32Array(count).fill(-1);
    for (let i = 0; i < postorder.length; i++) topo[postorder[i]] = postorder.length - 1 - i;
    this.topo = topo;
  }

  private reportCycle(cycle: { shown: number[]; last: number; length: number; edge: number }): void {
    const id = (index: number): string => this.nodes[index].id as string;
    const names = cycle.shown.map(id);
    if (cycle.length > CYCLE_NAMES_SHOWN) names.push(`... (${cycle.length - CYCLE_NAMES_SHOWN} more)`);
    if (cycle.length > cycle.shown.length) names.push(id(cycle.last));
    names.push(names[0]);
    this.problem(childPath('edges', cycle.edge), `cycle: ${names.join(' -> ')}`);
  }

  private checkGateways(): void {
    for (const node of this.nodes) {
      if (node.type !== 'gateway.exclusive' || node.id === undefined) continue;
      const { start, edges } = this.graph;
      const outgoing = Array.from(
        edges.subarray(start[node.index], start[node.index + 1]),
        (index) => this.edges[index],
      );
      if (outgoing.length === 0) {
        this.problem(node.path, `gateway.exclusive ${node.id} has no way out: it needs at least one outgoing edge`);
        continue;
      }
      for (const edge of outgoing) {
        if (edge.when === undefined && !edge.isDefault) {
          this.problem(
            edge.path,
            `edge without when or default: gateway.exclusive ${node.id} takes the first edge whose when holds, else the default one`,
          );
        }
      }
      if (!outgoing.some((edge) => edge.isDefault)) {
        this.warn(node.path, `gateway.exclusive ${node.id} has no default edge: the run fails when no when holds`);
      }
    }
    for (const edge of this.edges) {
      if (!edge.isDefault || edge.from === undefined) continue;
      const type = this.nodes[edge.from].type;
      if (type !== 'gateway.exclusive' && type !== 'gateway.inclusive') {
        this.warn(
          childPath(edge.path, 'default'),
          `only matters after gateway.exclusive or gateway.inclusive, not ${type}`,
        );
      }
    }
  }

  // ---- plugin and built-in inputs --------------------------------------------------------------

  private checkNodeInputs(): void {
    const cache = cacheFor(this.catalog);
    for (const node of this.nodes) {
      if (node.kind === 'plugin' && node.plugin) {
        const plugin = node.plugin;
        const compiled = compileSchema(cache, `${plugin.type}@${plugin.version}`, () => plugin.inputSchema);
        this.checkAgainstSchema(node, compiled, plugin.type);
      } else if (node.kind === 'builtin' && node.type && isBuiltinNodeType(node.type)) {
        const type = node.type;
        this.checkAgainstSchema(
          node,
          compileSchema(builtinCache, type, () => BUILTIN_INPUT_SCHEMAS[type]),
          type,
        );
        if (type === 'timer.sleep') {
          const given = ['duration', 'until'].filter((key) => node.with && has(node.with, key));
          if (given.length !== 1) {
            this.problem(childPath(node.path, 'with'), 'timer.sleep needs exactly one of duration or until');
          }
        }
        if (type === 'subflow' && node.with) {
          for (const key of ['template', 'version']) {
            const value = has(node.with, key) ? node.with[key] : undefined;
            if (typeof value === 'string' && value.includes('${')) {
              this.problem(
                childPath(childPath(node.path, 'with'), key),
                `must be written out, not an expression: the child template is resolved when the run starts`,
              );
            }
          }
        }
      }
    }
  }

  private checkAgainstSchema(
    node: NodeInfo,
    compiled: { validate?: ValidateFunction; error?: string },
    type: string,
  ): void {
    if (!compiled.validate) {
      this.problem(childPath(node.path, 'type'), `the input schema of ${type} does not compile: ${compiled.error}`);
      return;
    }
    const data: JsonObject = node.with ?? {};
    let valid: boolean;
    try {
      valid = compiled.validate(data);
    } catch (err) {
      this.problem(childPath(node.path, 'with'), `the input schema of ${type} failed: ${errorMessage(err)}`);
      return;
    }
    if (valid) return;
    for (const problem of schemaProblems(compiled.validate.errors ?? [], data, childPath(node.path, 'with'))) {
      this.problem(problem.path, problem.message);
    }
  }

  // ---- expressions ---------------------------------------------------------------------------

  private checkExpressions(outputs: JsonValue | undefined): void {
    for (const node of this.nodes) {
      const loop = node.foreachItems !== undefined;
      if (node.with)
        this.checkTemplates(node.with, childPath(node.path, 'with'), { kind: 'node', node: node.index, loop });
      if (loop) {
        this.checkTemplate(node.foreachItems!, childPath(childPath(node.path, 'foreach'), 'items'), {
          kind: 'node',
          node: node.index,
        });
      }
    }
    for (const edge of this.edges) {
      if (edge.when !== undefined) this.checkCondition(edge);
    }
    if (outputs === undefined) return;
    if (!isObject(outputs)) {
      this.problem('outputs', 'must be an object of output values');
      return;
    }
    for (const key of objectKeys(outputs))
      this.checkTemplates(outputs[key], childPath('outputs', key), { kind: 'outputs' });
  }

  /**
   * Every string holding `${` inside `value`, in document order. Recursive: the copy bounds the
   * depth (MAX_JSON_DEPTH); leaves are checked in place and paths are built only for containers
   * and for strings that hold an expression, so a large `with` allocates next to nothing.
   */
  private checkTemplates(value: JsonValue, path: string, site: ExpressionSite): void {
    if (typeof value === 'string') {
      if (value.includes('${')) this.checkTemplate(value, path, site);
    } else if (isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item = value[i];
        if (typeof item === 'string' ? item.includes('${') : item !== null && typeof item === 'object')
          this.checkTemplates(item, childPath(path, i), site);
      }
    } else if (value !== null && typeof value === 'object') {
      for (const key of objectKeys(value)) {
        const item = value[key];
        if (typeof item === 'string' ? item.includes('${') : item !== null && typeof item === 'object')
          this.checkTemplates(item, childPath(path, key), site);
      }
    }
  }

  private checkTemplate(source: string, path: string, site: ExpressionSite): void {
    let parts: ReturnType<typeof splitTemplate>;
    try {
      parts = splitTemplate(source);
    } catch (err) {
      this.problem(path, errorMessage(err));
      return;
    }
    for (const part of parts) {
      if (!('expr' in part)) continue;
      const name = secretReferenceName(part.expr);
      if (name !== undefined) {
        this.checkSecretPlaceholder(name, path, site);
        continue;
      }
      const analysis = analyze(part.expr);
      if (this.readsSecrets(analysis, part.expr, path)) continue;
      const reference = this.parseExpression(analysis, part.expr, path);
      if (reference) this.checkReferences(reference, part.expr, path, site);
    }
  }

  /**
   * `${secrets.NAME}` is a placeholder the plugin activity fills in, never a value expressions
   * compute with: it must be the whole `${...}`, name a secret by its syntax, and sit in a plugin
   * node's `with` (built-in nodes and outputs run in the workflow, whose history must not hold
   * secrets).
   */
  private checkSecretPlaceholder(name: string, path: string, site: ExpressionSite): void {
    if (!SECRET_NAME_PATTERN.test(name)) {
      this.problem(path, `secrets.${name}: a secret name is upper case letters, digits and _, starting with a letter`);
    }
    if (site.kind !== 'node' || this.nodes[site.node]?.kind !== 'plugin') {
      this.problem(
        path,
        `secrets.${name}: secrets can only be used in the with of a plugin node (their values never enter the workflow)`,
      );
    }
  }

  /** True (and reported) when an expression other than a whole placeholder reads `secrets`. */
  private readsSecrets(analysis: ExpressionAnalysis, expression: string, path: string): boolean {
    // An expression that does not parse reads nothing (parseExpression reports it).
    if (!analysis.roots.includes('secrets')) return false;
    this.problem(
      path,
      `\`${expression}\` reads secrets: a secret can only be a whole placeholder like \${secrets.NAME}, never part of an expression`,
    );
    return true;
  }

  private checkCondition(edge: EdgeInfo): void {
    const path = childPath(edge.path, 'when');
    const expression = edge.when as string;
    if (expression.includes('${')) {
      this.problem(path, 'when is a bare CEL expression: write it without ${...}');
      return;
    }
    const reference = this.parseExpression(analyze(expression), expression, path, true);
    if (reference?.roots.includes('secrets')) {
      this.problem(path, `\`${expression}\` reads secrets: conditions cannot (their values never enter the workflow)`);
      return;
    }
    if (reference) this.checkReferences(reference, expression, path, { kind: 'edge', source: edge.from });
  }

  /** Reports an expression that does not parse or type-check (returns undefined then). */
  private parseExpression(
    analysis: ExpressionAnalysis,
    expression: string,
    path: string,
    condition = false,
  ): ExpressionAnalysis | undefined {
    if (analysis.error !== undefined) {
      this.problem(path, analysis.error);
      return undefined;
    }
    if (condition && analysis.type !== undefined && analysis.type !== 'bool' && analysis.type !== 'dyn') {
      this.problem(path, `a condition must give a bool, \`${expression}\` gives ${analysis.type}`);
    }
    return analysis;
  }

  private checkReferences(reference: ExpressionAnalysis, expression: string, path: string, site: ExpressionSite): void {
    for (const root of reference.roots) {
      if (SCOPE_ROOT_SET.has(root) || CEL_IDENTIFIERS.has(root)) continue;
      if (LOOP_ROOTS.includes(root)) {
        if (site.kind === 'node' && site.loop) continue;
        this.problem(path, `${root} is in scope only in the with of a node with foreach, in \`${expression}\``);
        continue;
      }
      this.problem(path, `unknown name ${root} in \`${expression}\`: expressions start from ${SCOPE_ROOTS.join(', ')}`);
    }
    for (const name of reference.inputs) {
      if (!this.declaredInputs.has(name)) this.problem(path, `inputs.${name} is not a declared input`);
    }
    if (site.kind !== 'outputs' && reference.dynamicNodes) {
      this.warn(path, `\`${expression}\` reads nodes by a computed key: whether they run before cannot be checked`);
    }
    if (!this.nodesKnown) return;
    for (const id of reference.nodes) {
      const target = this.ids.get(id);
      if (target === undefined) {
        this.problem(path, `nodes.${id} does not exist${suggestion(id, this.ids.keys())}`);
      } else if (site.kind === 'node') {
        this.queries.push({ target, reader: site.node, inclusive: false, path, site: 'node' });
      } else if (site.kind === 'edge' && site.source !== undefined) {
        this.queries.push({ target, reader: site.source, inclusive: true, path, site: 'edge' });
      }
    }
  }

  /**
   * Checks that every `nodes.<id>` read is upstream of its reader. Queries are grouped by the
   * node read; one forward search from it finds all its readers, and in an acyclic graph the
   * search stops at the topological position of the last reader. A node read only by its
   * direct successors therefore costs a step or two, and one read by every node costs one walk.
   */
  private resolveUpstreamQueries(): void {
    if (this.queries.length === 0) return;
    const all = this.queries;
    const groups = groupByTarget(all, this.nodes.length);
    // Per-target marks in arrays stamped with the target's generation: nothing is allocated per target.
    const stamp = new Int32Array(this.nodes.length);
    const wanted = new Int32Array(this.nodes.length);
    const queue = new Int32Array(this.nodes.length + 1); // the target may come round again in a cycle
    let generation = 0;
    const topo = this.topo;
    const { start: first, targets } = this.graph;
    for (const target of groups.targets) {
      generation++;
      let remaining = 0;
      let limit = -1;
      const from = groups.start[target];
      const to = groups.start[target + 1];
      for (let m = from; m < to; m++) {
        const query = all[groups.members[m]];
        if (query.reader === target) continue;
        if (topo && topo[query.reader] < topo[target]) continue;
        if (wanted[query.reader] !== generation) {
          wanted[query.reader] = generation;
          remaining++;
        }
        if (topo) limit = Math.max(limit, topo[query.reader]);
      }
      let tail = 0;
      if (remaining > 0) queue[tail++] = target;
      for (let head = 0; head < tail && remaining > 0; head++) {
        for (let k = first[queue[head]]; k < first[queue[head] + 1]; k++) {
          const next = targets[k];
          if (stamp[next] === generation) continue;
          stamp[next] = generation;
          if (wanted[next] === generation) remaining--;
          if (!topo || topo[next] < limit) queue[tail++] = next;
        }
      }
      for (let m = from; m < to; m++) {
        const query = all[groups.members[m]];
        const id = this.nodes[target].id as string;
        const reader = this.nodes[query.reader].id as string;
        if (query.reader === target) {
          if (!query.inclusive)
            this.problem(query.path, `nodes.${id} is this node itself: a node reads only nodes upstream of it`);
        } else if (stamp[query.reader] !== generation) {
          this.problem(
            query.path,
            query.site === 'edge'
              ? `nodes.${id} is not upstream of ${reader}, the source of this edge`
              : `nodes.${id} is not upstream of ${reader}: a node reads only nodes that run before it`,
          );
        }
      }
    }
  }
}
