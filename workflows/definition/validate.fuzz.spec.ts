import fc from 'fast-check';
import type { PluginCatalog, PluginDescriptor } from '../../plugins/sdk/plugin';
import { compilePlan } from './compile';
import { activityPlanOf } from '../plan';
import { parseDefinitionText } from './parse';
import type { Problem } from './problems';
import { BUILTIN_NODE_TYPES, GATEWAY_TYPES } from './types';
import { validateDefinition } from './validate';

/** Runs per property; CI keeps the default, a long local hunt sets FUZZ_RUNS=100000. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);

const PLUGINS: PluginDescriptor[] = [
  {
    type: 'http.request',
    version: '1.0.0',
    title: 'HTTP request',
    inputSchema: {
      type: 'object',
      properties: { url: { type: 'string', format: 'uri' }, method: { enum: ['GET', 'POST'] } },
      required: ['url'],
    },
    defaults: { retry: { maximumAttempts: 3, initialInterval: '1s' }, timeout: { startToClose: '30s' } },
  },
  {
    type: 'shell.exec',
    version: '1.0.0',
    title: 'Shell command',
    inputSchema: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] },
    taskQueue: 'shell',
  },
  { type: 'noop', version: '1.0.0', title: 'Nothing', inputSchema: { type: 'object' }, deprecated: 'gone soon' },
];

const catalog: PluginCatalog = {
  find: (type, version) => PLUGINS.find((p) => p.type === type && (version === undefined || p.version === version)),
  list: () => PLUGINS,
};

// Definitions here are JSON built and broken at random.
type Loose = any;

/** A valid definition with every kind of node, edge and expression, to mutate. */
function base(): Loose {
  return {
    name: 'deploy',
    inputs: {
      env: { type: 'string', enum: ['dev', 'prod'], default: 'dev' },
      replicas: { type: 'integer', default: 2 },
    },
    nodes: [
      { id: 'build', type: 'http.request', with: { url: 'https://ci.local/${inputs.env}', method: 'POST' } },
      { id: 'route', type: 'gateway.exclusive' },
      { id: 'prod', type: 'http.request', with: { url: 'https://x.local/?n=${inputs.replicas}' } },
      { id: 'dev', type: 'shell.exec', with: { command: 'echo ${nodes.build.output.id} $${HOME}' } },
      { id: 'wait', type: 'timer.sleep', with: { duration: '1s' } },
      { id: 'vars', type: 'vars.set', with: { count: '${inputs.replicas + 1}' } },
      { id: 'done', type: 'gateway.join' },
    ],
    edges: [
      { from: 'build', to: 'route' },
      { from: 'route', to: 'prod', when: "inputs.env == 'prod'" },
      { from: 'route', to: 'dev', default: true },
      { from: 'prod', to: 'wait' },
      { from: 'wait', to: 'done' },
      { from: 'dev', to: 'vars' },
      { from: 'vars', to: 'done' },
    ],
    outputs: { artifact: '${nodes.build.output.id}', count: '${vars.count}' },
  };
}

const IDS = ['build', 'route', 'prod', 'dev', 'wait', 'vars', 'done', 'extra', 'Bad', '', 'a_1'];
const TYPES = [...GATEWAY_TYPES, ...BUILTIN_NODE_TYPES, ...PLUGINS.map((p) => p.type), 'unknown.plugin'];

const specialPiece = fc.constantFrom(
  '${',
  '$${',
  '}',
  '{',
  '"',
  "'",
  '\\',
  'nodes.',
  'inputs.',
  ' ',
  '\n',
  '__proto__',
);
const messyString = fc
  .array(fc.oneof(fc.string({ maxLength: 6 }), specialPiece), { maxLength: 8 })
  .map((parts) => parts.join(''));

const expressionToken = fc.oneof(
  fc.constantFrom(
    'inputs.env',
    'inputs.replicas',
    'inputs.nope',
    'vars.count',
    'run.id',
    'secrets.x',
    'unknown.root',
    '1',
    '2.5',
    '"s"',
    'true',
    'null',
    '==',
    '&&',
    '+',
    '(',
    ')',
    '[',
    ']',
    '.map(x, x)',
    '.size()',
    '?',
    ':',
  ),
  fc.constantFrom(...IDS).map((id) => `nodes.${id}.output`),
  fc.constantFrom(...IDS).map((id) => `nodes['${id}'].status`),
);
const expression = fc.array(expressionToken, { minLength: 1, maxLength: 6 }).map((tokens) => tokens.join(' '));
const template = fc.oneof(
  expression.map((e) => `\${${e}}`),
  fc.tuple(messyString, expression, messyString).map(([a, e, b]) => `${a}\${${e}}${b}`),
  messyString,
);

const jsonish = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  template,
  fc.constantFrom('1s', '5m', '-1s', 'soon', 0, -1, 1.5),
);

/** One change to a definition, as data so that a failing case prints readably. */
type Mutation =
  | { drop: 'node' | 'edge'; at: number }
  | { rename: number; id: string }
  | { duplicate: number }
  | { edge: { from: string; to: string; when?: string; default?: boolean } }
  | { with: number; key: string; value: unknown }
  | { type: number; to: string }
  | { when: number; to: string }
  | { field: string; of: number; value: unknown }
  | { output: string; value: string }
  | { input: string; value: unknown }
  | { top: string; value: unknown };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ drop: fc.constantFrom('node' as const, 'edge' as const), at: fc.nat() }),
  fc.record({ rename: fc.nat(), id: fc.oneof(fc.constantFrom(...IDS), messyString) }),
  fc.record({ duplicate: fc.nat() }),
  fc.record({
    edge: fc.record(
      { from: fc.constantFrom(...IDS), to: fc.constantFrom(...IDS), when: expression, default: fc.boolean() },
      { requiredKeys: ['from', 'to'] },
    ),
  }),
  fc.record({
    with: fc.nat(),
    key: fc.constantFrom('url', 'command', 'method', 'duration', 'until', 'count', 'x'),
    value: jsonish,
  }),
  fc.record({ type: fc.nat(), to: fc.constantFrom(...TYPES) }),
  fc.record({ when: fc.nat(), to: fc.oneof(expression, messyString) }),
  fc.record({
    field: fc.constantFrom('retry', 'timeout', 'onFailure', 'name', 'version', 'wiht'),
    of: fc.nat(),
    value: fc.oneof(
      jsonish,
      fc.record(
        { maximumAttempts: jsonish, initialInterval: jsonish, backoffCoefficient: jsonish },
        { requiredKeys: [] },
      ),
      fc.record({ startToClose: jsonish, heartbeat: jsonish }, { requiredKeys: [] }),
    ),
  }),
  fc.record({ output: fc.constantFrom('artifact', 'count', 'other'), value: template }),
  fc.record({ input: fc.constantFrom('env', 'replicas', 'extra'), value: jsonish }),
  fc.record({ top: fc.constantFrom('name', 'nodes', 'edges', 'inputs', 'outputs', 'extra'), value: jsonish }),
);

function isRecord(value: unknown): value is Loose {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Applies a mutation where it still fits: earlier mutations may have replaced the lists themselves. */
function mutate(d: Loose, m: Mutation): void {
  const nodes: unknown[] = Array.isArray(d.nodes) ? d.nodes : [];
  const edges: unknown[] = Array.isArray(d.edges) ? d.edges : [];
  const nodeAt = (i: number): Loose =>
    nodes.length && isRecord(nodes[i % nodes.length]) ? nodes[i % nodes.length] : undefined;
  if ('drop' in m) {
    const list = m.drop === 'node' ? nodes : edges;
    if (list.length) list.splice(m.at % list.length, 1);
  } else if ('rename' in m) {
    const node = nodeAt(m.rename);
    if (node) node.id = m.id;
  } else if ('duplicate' in m) {
    if (nodes.length) nodes.push(JSON.parse(JSON.stringify(nodes[m.duplicate % nodes.length])));
  } else if ('edge' in m) {
    if (Array.isArray(d.edges)) d.edges.push({ ...m.edge });
  } else if ('with' in m) {
    const node = nodeAt(m.with);
    if (node) node.with = { ...(isRecord(node.with) ? node.with : {}), [m.key]: m.value };
  } else if ('type' in m) {
    const node = nodeAt(m.type);
    if (node) node.type = m.to;
  } else if ('when' in m) {
    const edge = edges.length ? edges[m.when % edges.length] : undefined;
    if (isRecord(edge)) edge.when = m.to;
  } else if ('field' in m) {
    const node = nodeAt(m.of);
    if (node) node[m.field] = m.value;
  } else if ('output' in m) {
    if (isRecord(d.outputs)) d.outputs[m.output] = m.value;
  } else if ('input' in m) {
    if (isRecord(d.inputs)) d.inputs[m.input] = m.value;
  } else {
    d[m.top] = m.value;
  }
}

function malformed(problems: Problem[]): string[] {
  return problems
    .filter((p) => typeof p.path !== 'string' || !p.path || typeof p.message !== 'string' || !p.message)
    .map((p) => `malformed problem ${JSON.stringify(p)}`);
}

/**
 * What must hold for any input: no throw, well-formed problems, a definition only without
 * problems, an accepted definition that compiles, and the same answer twice. Breaches are
 * collected and asserted once: Jest's expect is costly at thousands of runs.
 */
function invariantBreaches(raw: unknown): string[] {
  const result = validateDefinition(raw, catalog);
  const broken = [...malformed(result.problems), ...malformed(result.warnings)];
  for (const p of result.problems) if (p.message.startsWith('the validator failed')) broken.push(p.message);
  if (JSON.stringify(validateDefinition(raw, catalog)) !== JSON.stringify(result)) broken.push('not deterministic');
  if (result.problems.length > 0) {
    if (result.definition) broken.push('a definition despite problems');
    return broken;
  }
  const definition = result.definition;
  if (!definition) return [...broken, 'no definition without problems'];
  const plan = compilePlan(definition, catalog);
  const ids = new Set(definition.nodes.map((node) => node.id));
  if (ids.size !== definition.nodes.length) broken.push('duplicate ids');
  for (const edge of definition.edges ?? []) {
    if (!ids.has(edge.from) || !ids.has(edge.to)) broken.push(`edge ${edge.from} -> ${edge.to}`);
  }
  for (const node of definition.nodes) {
    const activity = activityPlanOf(plan, node.id);
    if (PLUGINS.some((p) => p.type === node.type)) {
      if (activity?.type !== node.type) broken.push(`no activity for ${node.id}`);
      else if (!((activity.startToCloseTimeoutMs ?? activity.scheduleToCloseTimeoutMs ?? 0) > 0)) {
        broken.push(`no timeout for ${node.id}`);
      }
    } else if (activity) broken.push(`activity for ${node.type} ${node.id}`);
  }
  return broken;
}

function checkInvariants(raw: unknown): void {
  const broken = invariantBreaches(raw);
  if (broken.length > 0) expect(broken).toEqual([]);
}

describe(`${validateDefinition.name} (fuzz, ${RUNS} runs per property)`, () => {
  it('accepts the definition the mutations start from', () => {
    const result = validateDefinition(base(), catalog);
    expect(result.problems).toEqual([]);
  });

  it('never throws on random JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (raw) => checkInvariants(raw)),
      { numRuns: RUNS },
    );
  });

  it('never throws on random JavaScript values', () => {
    fc.assert(
      fc.property(
        fc.anything({
          withBigInt: true,
          withDate: true,
          withMap: true,
          withSet: true,
          withNullPrototype: true,
          withSparseArray: true,
        }),
        (raw) => checkInvariants(raw),
      ),
      { numRuns: RUNS },
    );
  });

  it('never throws on random definitions built from the right keys', () => {
    const node = fc.record(
      {
        id: fc.oneof(fc.constantFrom(...IDS), messyString),
        type: fc.oneof(fc.constantFrom(...TYPES), messyString),
        with: fc.oneof(fc.dictionary(fc.constantFrom('url', 'command', 'duration', 'x'), jsonish), jsonish),
        retry: jsonish,
        timeout: jsonish,
        onFailure: fc.constantFrom('fail', 'skip', 'manual', 'nope'),
      },
      { requiredKeys: ['id', 'type'] },
    );
    const edge = fc.record(
      { from: fc.constantFrom(...IDS), to: fc.constantFrom(...IDS), when: expression, default: fc.boolean() },
      { requiredKeys: ['from', 'to'] },
    );
    const definition = fc.record(
      {
        name: fc.oneof(fc.string(), jsonish),
        nodes: fc.array(node, { maxLength: 8 }),
        edges: fc.array(edge, { maxLength: 12 }),
        outputs: fc.dictionary(fc.string({ maxLength: 5 }), template),
      },
      { requiredKeys: ['name', 'nodes'] },
    );
    fc.assert(
      fc.property(definition, (raw) => checkInvariants(raw)),
      { numRuns: RUNS },
    );
  });

  it('never throws on mutations of a valid definition, and compiles what it accepts', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 5 }), (mutations) => {
        const raw = base();
        for (const m of mutations) mutate(raw, m);
        const before = JSON.stringify(raw);
        checkInvariants(raw);
        // The validator does not touch its input.
        if (JSON.stringify(raw) !== before) expect(JSON.stringify(raw)).toBe(before);
        if (validateDefinition(raw, catalog).definition) accepted++;
      }),
      { numRuns: RUNS },
    );
    // Some mutations keep the definition valid (a new edge to a fresh branch, an output): both sides are exercised.
    expect(accepted).toBeGreaterThan(0);
  });

  it('parses random text without throwing, and validates what it parses', () => {
    const text = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 200 }),
      fc.jsonValue().map((value) => JSON.stringify(value)),
      fc
        .array(
          fc.constantFrom(
            'name: x',
            'nodes:',
            '  - id: a',
            '    type: noop',
            '  - [',
            '{',
            ': ',
            '---',
            '&a',
            '*a',
            '\t',
          ),
          {
            maxLength: 10,
          },
        )
        .map((lines) => lines.join('\n')),
    );
    fc.assert(
      fc.property(text, fc.constantFrom<'auto' | 'yaml' | 'json'>('auto', 'yaml', 'json'), (source, format) => {
        const parsed = parseDefinitionText(source, format);
        const broken = malformed(parsed.problems).concat(
          parsed.problems.filter((p) => !/^line \d+, column \d+$/.test(p.path)).map((p) => `path ${p.path}`),
        );
        if (broken.length > 0) expect(broken).toEqual([]);
        if (parsed.problems.length === 0) checkInvariants(parsed.value);
      }),
      { numRuns: RUNS },
    );
  });
});
