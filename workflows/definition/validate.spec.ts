import type { PluginCatalog, PluginDescriptor } from '../../plugins/sdk/plugin';
import { parseDefinitionText } from './parse';
import type { Problem } from './problems';
import { validateDefinition } from './validate';

// Test definitions are built loosely and broken on purpose.
type Loose = Record<string, any>;

const PLUGINS: PluginDescriptor[] = [
  {
    type: 'http.request',
    version: '1.0.0',
    title: 'HTTP request',
    inputSchema: {
      type: 'object',
      properties: {
        url: { type: 'string', format: 'uri' },
        method: { enum: ['GET', 'POST', 'PUT', 'DELETE'] },
        headers: { type: 'object', additionalProperties: { type: 'string' } },
        retries: { type: 'integer', minimum: 0 },
      },
      required: ['url'],
      additionalProperties: false,
    },
    defaults: { retry: { maximumAttempts: 5 }, timeout: { startToClose: '1m' } },
  },
  {
    type: 'http.request',
    version: '0.9.0',
    title: 'HTTP request (old)',
    inputSchema: { type: 'object' },
    deprecated: 'use http.request 1.0.0',
  },
  {
    type: 'shell.exec',
    version: '1.0.0',
    title: 'Shell command',
    inputSchema: {
      type: 'object',
      properties: { command: { type: 'string' }, args: { type: 'array', items: { type: 'string' } } },
      required: ['command'],
    },
  },
];

function catalogOf(plugins: PluginDescriptor[]): PluginCatalog {
  return {
    find: (type, version) =>
      plugins.filter((p) => p.type === type && (version === undefined || p.version === version))[0],
    list: () => [...plugins],
  };
}

const catalog = catalogOf(PLUGINS);

/** The example of PRODUCT.md. */
const EXAMPLE = `
name: deploy-web
inputs:
  env:      { type: string, enum: [dev, prod], default: dev }
  replicas: { type: integer, default: 2 }
nodes:
  - id: build
    type: http.request
    name: Build artifact
    with: { method: POST, url: "https://ci.local/build/\${inputs.env}" }
    retry: { maximumAttempts: 3, initialInterval: 1s, backoffCoefficient: 2, maximumInterval: 30s, nonRetryableErrorTypes: [BadRequest] }
    timeout: { startToClose: 30s, scheduleToClose: 5m, heartbeat: 10s }
    onFailure: fail
  - { id: route, type: gateway.exclusive }
  - { id: prod, type: http.request, with: { url: "https://deploy.local/prod?n=\${inputs.replicas}" } }
  - { id: dev,  type: shell.exec,   with: { command: "echo \${nodes.build.output.body.artifact}" } }
  - { id: done, type: gateway.join }
edges:
  - { from: build, to: route }
  - { from: route, to: prod, when: "inputs.env == 'prod'" }
  - { from: route, to: dev, default: true }
  - { from: prod, to: done }
  - { from: dev,  to: done }
outputs:
  artifact: "\${nodes.build.output.body.artifact}"
`;

function example(): Loose {
  return parseDefinitionText(EXAMPLE).value as Loose;
}

/** A minimal valid definition: nodes in a chain, in the order given. */
function chain(...nodes: Array<Record<string, unknown>>): Loose {
  return {
    name: 'test',
    nodes,
    edges: nodes.slice(1).map((node, i) => ({ from: nodes[i].id, to: node.id })),
  };
}

function lines(problems: Problem[]): string[] {
  return problems.map((p) => `${p.path}: ${p.message}`);
}

function problemsOf(raw: unknown, plugins: PluginCatalog = catalog): Problem[] {
  return validateDefinition(raw, plugins).problems;
}

function pathsOf(raw: unknown, plugins: PluginCatalog = catalog): string[] {
  return problemsOf(raw, plugins).map((p) => p.path);
}

function expectValid(raw: unknown, plugins: PluginCatalog = catalog): void {
  const result = validateDefinition(raw, plugins);
  expect(lines(result.problems)).toEqual([]);
  expect(result.definition).toBeDefined();
}

const http = (id: string, url = 'https://x.local/', extra: Record<string, unknown> = {}) => ({
  id,
  type: 'http.request',
  with: { url },
  ...extra,
});
const shell = (id: string, command: string) => ({ id, type: 'shell.exec', with: { command } });

describe(validateDefinition.name, () => {
  it('accepts the example of the product contract and returns a plain copy of it', () => {
    const raw = example();
    const result = validateDefinition(raw, catalog);
    expect(lines(result.problems)).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.definition).toEqual(raw);
    expect(result.definition).not.toBe(raw);
    expect(result.definition?.nodes[0]).not.toBe(raw.nodes[0]);
  });

  describe('shape', () => {
    it.each([null, undefined, 5, 'text', [], true])('refuses %p as a whole', (raw) => {
      const problems = problemsOf(raw);
      expect(problems).toHaveLength(1);
      expect(problems[0].path).toBe('definition');
    });

    it('needs a non-empty name and a non-empty list of nodes', () => {
      expect(pathsOf({})).toEqual(['name', 'nodes']);
      expect(lines(problemsOf({ name: ' ', nodes: [] }))).toEqual([
        'name: must be a non-empty string',
        'nodes: must hold at least one node',
      ]);
      expect(lines(problemsOf({ name: 'x', nodes: { a: 1 } }))).toEqual(['nodes: must be a list of nodes']);
      expectValid({ name: 'x', nodes: [http('a')] });
    });

    it('needs nodes and edges to be objects', () => {
      expect(lines(problemsOf({ name: 'x', nodes: [http('a'), 'b'], edges: [7] }))).toEqual([
        'nodes[1]: must be an object with id and type',
        'edges[0]: must be an object with from and to',
      ]);
      expect(lines(problemsOf({ name: 'x', nodes: [http('a')], edges: {} }))).toEqual([
        'edges: must be a list of edges',
      ]);
    });

    it('reports unknown keys at every level, with a suggestion for typos', () => {
      const raw = {
        name: 'x',
        node: [],
        nodes: [{ id: 'a', type: 'http.request', wiht: { url: 'https://x.local/' } }, http('b')],
        edges: [{ from: 'a', to: 'b', When: 'true' }],
      };
      expect(lines(problemsOf(raw))).toEqual([
        'node: unknown key node (did you mean nodes?)',
        'nodes[0].wiht: unknown key wiht (did you mean with?)',
        'edges[0].When: unknown key When (did you mean when?)',
        'nodes[0].with.url: is required',
      ]);
    });

    it('ignores top-level x- keys, which hold what YAML anchors share', () => {
      const { value } = parseDefinitionText(
        [
          'name: x',
          'x-retry: &retry { maximumAttempts: 3, initialInterval: 1s }',
          'nodes:',
          '  - { id: a, type: http.request, with: { url: "https://x.local/" }, retry: *retry }',
          '  - { id: b, type: http.request, with: { url: "https://x.local/" }, retry: { <<: *retry, maximumAttempts: 5 }, x-note: 1 }',
          'edges: [{ from: a, to: b }]',
        ].join('\n'),
      );
      expect(lines(problemsOf(value))).toEqual(['nodes[1].x-note: unknown key x-note']);
    });

    it('checks the types of node and edge fields', () => {
      const raw = chain(
        { id: 'a', type: 'http.request', name: 3, version: 1, with: [], onFailure: 'explode' },
        { id: 'b', type: 5 },
      );
      raw.edges[0].default = 'yes';
      raw.edges[0].when = 12;
      expect(lines(problemsOf(raw))).toEqual([
        'nodes[0].version: must be a string',
        'nodes[0].name: must be a string',
        'nodes[0].with: must be an object',
        'nodes[0].onFailure: must be one of: fail, skip, manual',
        'nodes[1].type: must be a non-empty string',
        'edges[0].default: must be true or false',
        'edges[0].when: must be a non-empty CEL expression',
        'nodes[0].with.url: is required',
      ]);
    });
  });

  describe('node ids', () => {
    it('must match [a-z][a-z0-9_]*', () => {
      expect(lines(problemsOf({ name: 'x', nodes: [http('Build')] }))).toEqual([
        'nodes[0].id: Build must match ^[a-z][a-z0-9_]*$',
      ]);
      expect(pathsOf({ name: 'x', nodes: [http('9a')] })).toEqual(['nodes[0].id']);
      expect(pathsOf({ name: 'x', nodes: [{ type: 'http.request', with: { url: 'https://x.local/' } }] })).toEqual([
        'nodes[0].id',
      ]);
      expectValid({ name: 'x', nodes: [http('build_2')] });
    });

    it('must be unique, naming the other index', () => {
      const raw = chain(http('a'), http('b'), http('a'));
      expect(lines(problemsOf(raw))).toContain('nodes[2].id: duplicate id a (also nodes[0])');
    });
  });

  describe('node types', () => {
    it('reports an unknown type by name, with a suggestion', () => {
      expect(lines(problemsOf({ name: 'x', nodes: [{ id: 'a', type: 'http.reqest' }] }))).toEqual([
        'nodes[0].type: unknown node type http.reqest: not a gateway, a built-in node or a registered plugin (did you mean http.request?)',
      ]);
    });

    it('reports an unknown version of a known plugin', () => {
      const raw = { name: 'x', nodes: [http('a', 'https://x.local/', { version: '2.0.0' })] };
      expect(lines(problemsOf(raw))).toEqual([
        'nodes[0].version: plugin http.request has no version 2.0.0 (known: 1.0.0, 0.9.0)',
      ]);
      expectValid({ name: 'x', nodes: [http('a', 'https://x.local/', { version: '1.0.0' })] });
    });

    it('warns about a deprecated plugin', () => {
      const result = validateDefinition({ name: 'x', nodes: [http('a', 'u', { version: '0.9.0' })] }, catalog);
      expect(result.problems).toEqual([]);
      expect(lines(result.warnings)).toEqual([
        'nodes[0].type: plugin http.request@0.9.0 is deprecated: use http.request 1.0.0',
      ]);
    });

    it('accepts gateways and built-in nodes without the catalog', () => {
      const empty = catalogOf([]);
      expectValid(
        chain(
          { id: 'a', type: 'vars.set', with: { x: 1 } },
          { id: 'b', type: 'gateway.parallel' },
          { id: 'c', type: 'approval' },
          { id: 'd', type: 'timer.sleep', with: { duration: '1s' } },
          { id: 'e', type: 'subflow', with: { template: 't' } },
          { id: 'f', type: 'gateway.join' },
        ),
        empty,
      );
    });

    it('reports a catalog that throws as a problem', () => {
      const broken: PluginCatalog = {
        find: () => {
          throw new Error('registry down');
        },
        list: () => [],
      };
      expect(lines(problemsOf({ name: 'x', nodes: [http('a')] }, broken))).toEqual([
        'nodes[0].type: the plugin catalog failed to look up http.request: registry down',
      ]);
    });
  });

  describe('edges', () => {
    it('must name existing nodes', () => {
      const raw = chain(http('a'), http('b'));
      raw.edges.push({ from: 'a', to: 'zzz' }, { from: 'nope', to: 'b' }, { to: 'b' });
      expect(lines(problemsOf(raw))).toEqual([
        'edges[1].to: unknown node zzz',
        'edges[2].from: unknown node nope',
        'edges[3].from: is required',
      ]);
    });

    it('must not loop on one node', () => {
      const raw = chain(http('a'), http('b'));
      raw.edges.push({ from: 'b', to: 'b' });
      expect(lines(problemsOf(raw))).toEqual(['edges[1]: self-loop: b -> b']);
    });

    it('must not repeat', () => {
      const raw = chain(http('a'), http('b'));
      raw.edges.push({ from: 'a', to: 'b', when: 'true' });
      expect(lines(problemsOf(raw))).toEqual(['edges[1]: duplicate edge a -> b (also edges[0])']);
    });

    it('allow one default edge per source node', () => {
      const raw = {
        name: 'x',
        nodes: [{ id: 'g', type: 'gateway.exclusive' }, http('a'), http('b')],
        edges: [
          { from: 'g', to: 'a', default: true },
          { from: 'g', to: 'b', default: true },
        ],
      };
      expect(lines(problemsOf(raw))).toEqual(['edges[1].default: g already has a default edge (edges[0])']);
      raw.edges[1] = { from: 'g', to: 'b', when: 'true' } as never;
      expectValid(raw);
    });

    it('are either conditional or the default', () => {
      const raw = {
        name: 'x',
        nodes: [{ id: 'g', type: 'gateway.exclusive' }, http('a')],
        edges: [{ from: 'g', to: 'a', default: true, when: 'true' }],
      };
      expect(pathsOf(raw)).toEqual(['edges[0].default']);
    });

    it('need a when that parses as CEL and gives a bool', () => {
      const raw = chain(http('a'), http('b'));
      raw.edges[0].when = 'inputs.x ==';
      expect(lines(problemsOf(raw))).toEqual(['edges[0].when: Unexpected token: EOF in `inputs.x ==`']);
      raw.edges[0].when = '${inputs.x}';
      expect(lines(problemsOf(raw))).toEqual(['edges[0].when: when is a bare CEL expression: write it without ${...}']);
      raw.edges[0].when = '1 + 2';
      expect(lines(problemsOf(raw))).toEqual(['edges[0].when: a condition must give a bool, `1 + 2` gives int']);
      raw.edges[0].when = "nodes.a.output.code == 200 && 'x' in nodes.a.output.tags";
      expectValid(raw);
    });

    it('warn about a default edge after a node that is not a choosing gateway', () => {
      const raw = chain(http('a'), http('b'));
      raw.edges[0].default = true;
      const result = validateDefinition(raw, catalog);
      expect(result.problems).toEqual([]);
      expect(lines(result.warnings)).toEqual([
        'edges[0].default: only matters after gateway.exclusive or gateway.inclusive, not http.request',
      ]);
    });
  });

  describe('cycles', () => {
    it('reports a cycle by its nodes, at the edge that closes it', () => {
      const raw = chain(http('s'), http('a'), http('b'), http('c'));
      raw.edges.push({ from: 'c', to: 'a' });
      expect(lines(problemsOf(raw))).toEqual(['edges[3]: cycle: a -> b -> c -> a']);
    });

    it('reports each cycle', () => {
      const raw = chain(http('s'), http('a'), http('b'), http('c'), http('d'));
      raw.edges.push({ from: 'b', to: 'a' }, { from: 'd', to: 'c' });
      expect(lines(problemsOf(raw))).toEqual(['edges[4]: cycle: a -> b -> a', 'edges[5]: cycle: c -> d -> c']);
    });

    it('finds cycles in long chains without recursion', () => {
      const nodes = Array.from({ length: 20_000 }, (_, i) => ({ id: `n${i}`, type: 'gateway.join' }));
      const raw = chain(...nodes);
      raw.edges.push({ from: 'n19999', to: 'n1' });
      const problems = problemsOf(raw);
      expect(problems).toHaveLength(1);
      expect(problems[0].path).toBe('edges[19999]');
      expect(problems[0].message).toMatch(/^cycle: n1 -> n2 -> .* -> n19999 -> n1$/);
      expect(problems[0].message).toContain('n29 -> ... (19969 more) -> n19999');
    });

    it('lists at most 100 cycles, cheaply, however many there are', () => {
      const nodes = Array.from({ length: 5_000 }, (_, i) => ({ id: `n${i}`, type: 'gateway.join' }));
      const raw = chain(...nodes);
      for (let i = 2; i < 5_000; i++) raw.edges.push({ from: `n${i}`, to: 'n1' });
      const problems = problemsOf(raw);
      expect(problems).toHaveLength(101);
      expect(problems[0].message).toBe('cycle: n1 -> n2 -> n1');
      expect(problems[100]).toEqual({ path: 'edges', message: '4898 more cycles not listed' });
    });

    it('accepts a diamond (not a cycle)', () => {
      const raw = {
        name: 'x',
        nodes: [http('a'), http('b'), http('c'), { id: 'd', type: 'gateway.join' }],
        edges: [
          { from: 'a', to: 'b' },
          { from: 'a', to: 'c' },
          { from: 'b', to: 'd' },
          { from: 'c', to: 'd' },
        ],
      };
      expectValid(raw);
    });
  });

  describe('reachability', () => {
    it('reports nodes no start node leads to', () => {
      const raw = chain(http('s'), http('a'));
      raw.nodes.push(http('b'), http('c'), http('d'));
      raw.edges.push({ from: 'b', to: 'c' }, { from: 'c', to: 'b' }, { from: 'c', to: 'd' });
      expect(lines(problemsOf(raw))).toEqual([
        'nodes[2]: node b is unreachable: no path leads to it from a start node',
        'nodes[3]: node c is unreachable: no path leads to it from a start node',
        'nodes[4]: node d is unreachable: no path leads to it from a start node',
        'edges[2]: cycle: b -> c -> b',
      ]);
    });

    it('needs a start node', () => {
      const raw = chain(http('a'), http('b'));
      raw.edges.push({ from: 'b', to: 'a' });
      expect(lines(problemsOf(raw))).toEqual([
        'nodes: no start node: every node has an incoming edge, so nothing can start',
        'edges[1]: cycle: a -> b -> a',
      ]);
    });

    it('accepts several start nodes', () => {
      const raw = {
        name: 'x',
        nodes: [http('a'), http('b'), { id: 'j', type: 'gateway.join' }],
        edges: [
          { from: 'a', to: 'j' },
          { from: 'b', to: 'j' },
        ],
      };
      expectValid(raw);
    });
  });

  describe('gateway.exclusive', () => {
    it('needs a way out', () => {
      const raw = chain(http('a'), { id: 'g', type: 'gateway.exclusive' });
      expect(lines(problemsOf(raw))).toEqual([
        'nodes[1]: gateway.exclusive g has no way out: it needs at least one outgoing edge',
      ]);
    });

    it('needs a when or default on every outgoing edge', () => {
      const raw = chain(http('a'), { id: 'g', type: 'gateway.exclusive' }, http('b'));
      expect(lines(problemsOf(raw))).toEqual([
        'edges[1]: edge without when or default: gateway.exclusive g takes the first edge whose when holds, else the default one',
      ]);
      raw.edges[1].default = true;
      expectValid(raw);
    });

    it('warns when it has no default edge', () => {
      const raw = chain(http('a'), { id: 'g', type: 'gateway.exclusive' }, http('b'));
      raw.edges[1].when = 'true';
      const result = validateDefinition(raw, catalog);
      expect(result.problems).toEqual([]);
      expect(lines(result.warnings)).toEqual([
        'nodes[1]: gateway.exclusive g has no default edge: the run fails when no when holds',
      ]);
    });

    it('takes no with (no gateway does)', () => {
      const raw = chain(http('a'), { id: 'g', type: 'gateway.parallel', with: { x: 1 } });
      expect(lines(problemsOf(raw))).toEqual(['nodes[1].with: gateway.parallel takes no with']);
    });
  });

  describe('expressions', () => {
    it('must parse, wherever they are in with', () => {
      const raw = chain(
        {
          id: 'a',
          type: 'shell.exec',
          with: { command: 'echo ${inputs.', args: ['ok', '${1 +}'], env: { deep: ['${)}'] } },
        },
        shell('b', 'echo ${}'),
      );
      raw.inputs = { x: { type: 'string' } };
      expect(lines(problemsOf(raw))).toEqual([
        'nodes[0].with.command: unterminated `${` in `echo ${inputs.`',
        'nodes[0].with.args[1]: Unexpected token: EOF in `1 +`',
        'nodes[0].with.env.deep[0]: Unexpected token: RPAREN in `)`',
        'nodes[1].with.command: empty `${}` in `echo ${}`',
      ]);
    });

    it('report type errors CEL finds before running', () => {
      const raw = chain(shell('a', "${'a' + 1}"), shell('b', '${unknownFunction(1)}'));
      expect(lines(problemsOf(raw))).toEqual([
        "nodes[0].with.command: no such overload: string + int in `'a' + 1`",
        "nodes[1].with.command: found no matching overload for 'unknownFunction(int)' in `unknownFunction(1)`",
      ]);
    });

    it('leave $${ and braces inside strings alone', () => {
      expectValid(chain(shell('a', 'echo $${HOME} ${ {"k": "}"}["k"] } ${"{"}')));
    });

    it('start from a known root', () => {
      const raw = chain(shell('a', 'echo ${env.HOME} ${run.id} ${secrets.TOKEN} ${type(1) == int}'));
      expect(lines(problemsOf(raw))).toEqual([
        'nodes[0].with.command: unknown name env in `env.HOME`: expressions start from inputs, vars, nodes, run, secrets',
      ]);
    });

    it('read only declared inputs', () => {
      const raw = chain(shell('a', '${inputs.env} ${inputs["replicas"]} ${inputs.nope}'));
      raw.inputs = { env: { type: 'string', default: 'dev' }, replicas: { type: 'integer', default: 1 } };
      expect(lines(problemsOf(raw))).toEqual(['nodes[0].with.command: inputs.nope is not a declared input']);
    });

    it('read only existing nodes', () => {
      const raw = chain(http('a'), shell('b', '${nodes.nope.output}'));
      expect(lines(problemsOf(raw))).toEqual(['nodes[1].with.command: nodes.nope does not exist']);
    });

    it('in with read only nodes upstream', () => {
      const raw = chain(http('a'), http('b'), http('c'));
      raw.nodes.push({ id: 'side', type: 'shell.exec', with: { command: 'x' } });
      raw.edges.push({ from: 'a', to: 'side' });
      raw.nodes[0].with.url = 'https://x.local/${nodes.a.output}';
      raw.nodes[1].with.url = 'https://x.local/${nodes.c.output}';
      raw.nodes[2].with.url = 'https://x.local/${nodes.side.status}/${nodes.a.output}';
      expect(lines(problemsOf(raw))).toEqual([
        'nodes[0].with.url: nodes.a is this node itself: a node reads only nodes upstream of it',
        'nodes[1].with.url: nodes.c is not upstream of b: a node reads only nodes that run before it',
        'nodes[2].with.url: nodes.side is not upstream of c: a node reads only nodes that run before it',
      ]);
      raw.nodes[0].with.url = 'https://x.local/';
      raw.nodes[1].with.url = 'https://x.local/${nodes.a.output}';
      raw.nodes[2].with.url = 'https://x.local/${nodes["a"].output}/${nodes.b.status}';
      expectValid(raw);
    });

    it('in a when read the edge source and its ancestors only', () => {
      const raw = chain(http('a'), http('b'), http('c'));
      raw.edges[1].when = "nodes.b.status == 'SUCCEEDED' && nodes.a.output.ok";
      expectValid(raw);
      raw.edges[1].when = 'nodes.c.output.ok';
      expect(lines(problemsOf(raw))).toEqual(['edges[1].when: nodes.c is not upstream of b, the source of this edge']);
    });

    it('in outputs read any existing node', () => {
      const raw = chain(http('a'), http('b'));
      raw.outputs = { first: '${nodes.a.output}', both: ['${nodes.b.output}', { deep: 'x${nodes.a.status}' }] };
      expectValid(raw);
      raw.outputs.missing = '${nodes.zz.output}';
      raw.outputs.bad = { deep: ['${nodes.}'] };
      expect(lines(problemsOf(raw))).toEqual([
        'outputs.missing: nodes.zz does not exist',
        'outputs.bad.deep[0]: Expected IDENTIFIER, got EOF in `nodes.`',
      ]);
      expect(lines(problemsOf({ ...raw, outputs: 'x' }))).toEqual(['outputs: must be an object of output values']);
    });

    it('understand macro variables and cel.bind', () => {
      const raw = chain(
        http('a'),
        shell('b', "${nodes.a.output.items.filter(i, i.ok).map(i, i.name).join(',')} ${cel.bind(n, 2, n * 2)}"),
      );
      expectValid(raw);
    });

    it('warn when nodes are read by a computed key', () => {
      const raw = chain(http('a'), shell('b', '${nodes[inputs.which].output}'));
      raw.inputs = { which: { type: 'string' } };
      const result = validateDefinition(raw, catalog);
      expect(result.problems).toEqual([]);
      expect(result.warnings.map((w) => w.path)).toEqual(['nodes[1].with.command']);
    });

    it('use plain keys in paths and quote the others', () => {
      const raw = chain(http('a', 'https://x.local/', {}));
      raw.nodes[0].with.headers = { 'X-Trace': '${nodes.zz.output}', 'a b': '${nodes.zz.output}' };
      expect(pathsOf(raw)).toEqual(['nodes[0].with.headers.X-Trace', 'nodes[0].with.headers["a b"]']);
    });
  });

  describe('plugin inputs', () => {
    it('are checked against the plugin schema, with paths into with', () => {
      const raw = chain(http('a', 'not a url', {}));
      raw.nodes[0].with.method = 'PATCH';
      raw.nodes[0].with.extra = true;
      raw.nodes[0].with.headers = { 'X-A': 5 };
      expect(lines(problemsOf(raw))).toEqual([
        'nodes[0].with.extra: is not a known property',
        'nodes[0].with.url: must match format "uri"',
        'nodes[0].with.method: must be one of: GET, POST, PUT, DELETE',
        'nodes[0].with.headers.X-A: must be string',
      ]);
    });

    it('report a missing required field at its path, also without with', () => {
      expect(lines(problemsOf({ name: 'x', nodes: [{ id: 'a', type: 'http.request' }] }))).toEqual([
        'nodes[0].with.url: is required',
      ]);
      expect(pathsOf({ name: 'x', nodes: [{ id: 'a', type: 'shell.exec', with: { args: ['${inputs.x}'] } }] })).toEqual(
        expect.arrayContaining(['nodes[0].with.command']),
      );
    });

    it('skip values holding expressions, which are only known at run time', () => {
      const raw = chain(http('a'), http('b', '${nodes.a.output.next}', {}));
      raw.nodes[1].with.retries = '${inputs.n}';
      raw.nodes[1].with.method = '${inputs.m}';
      raw.nodes[1].with.headers = '${nodes.a.output.headers}';
      raw.inputs = { n: { type: 'integer', default: 1 }, m: { type: 'string', default: 'GET' } };
      expectValid(raw);
      raw.nodes[1].with.retries = -1;
      expect(lines(problemsOf(raw))).toEqual(['nodes[1].with.retries: must be >= 0']);
    });

    it('report a schema that does not compile', () => {
      const broken = catalogOf([
        { type: 'bad.plugin', version: '1.0.0', title: 'x', inputSchema: { type: 'nonsense' } },
      ]);
      const problems = problemsOf({ name: 'x', nodes: [{ id: 'a', type: 'bad.plugin' }] }, broken);
      expect(problems.map((p) => p.path)).toEqual(['nodes[0].type']);
      expect(problems[0].message).toMatch(/^the input schema of bad\.plugin does not compile: /);
    });

    it('compile each schema once per type and version', () => {
      let reads = 0;
      const descriptor = {
        type: 'counted.plugin',
        version: '1.0.0',
        title: 'x',
        get inputSchema() {
          reads++;
          return { type: 'object', required: ['a'] };
        },
      };
      const counted = catalogOf([descriptor]);
      const raw = chain(
        { id: 'a', type: 'counted.plugin', with: { a: 1 } },
        { id: 'b', type: 'counted.plugin', with: { a: 1 } },
      );
      expectValid(raw, counted);
      expectValid(raw, counted);
      expect(pathsOf(chain({ id: 'a', type: 'counted.plugin' }), counted)).toEqual(['nodes[0].with.a']);
      expect(reads).toBe(1);
    });

    it('accept draft-07 schemas too', () => {
      const draft7 = catalogOf([
        {
          type: 'old.plugin',
          version: '1.0.0',
          title: 'x',
          inputSchema: {
            $schema: 'http://json-schema.org/draft-07/schema#',
            type: 'object',
            properties: { n: { type: 'integer' } },
          },
        },
      ]);
      expectValid(chain({ id: 'a', type: 'old.plugin', with: { n: 1 } }), draft7);
      expect(pathsOf(chain({ id: 'a', type: 'old.plugin', with: { n: 'x' } }), draft7)).toEqual(['nodes[0].with.n']);
    });
  });

  describe('built-in nodes', () => {
    const sleep = (with_?: unknown) => chain({ id: 's', type: 'timer.sleep', ...(with_ ? { with: with_ } : {}) });

    it('timer.sleep needs exactly one of duration or until', () => {
      expect(lines(problemsOf(sleep()))).toEqual(['nodes[0].with: timer.sleep needs exactly one of duration or until']);
      expect(lines(problemsOf(sleep({ duration: '1s', until: '2026-01-01T00:00:00Z' })))).toEqual([
        'nodes[0].with: timer.sleep needs exactly one of duration or until',
      ]);
      expectValid(sleep({ duration: '90s' }));
      expectValid(sleep({ duration: '1h30m' }));
      expectValid(sleep({ until: '2026-01-01T09:00:00+02:00' }));
      expectValid({ ...sleep({ duration: '${inputs.wait}' }), inputs: { wait: { type: 'string', default: '1s' } } });
    });

    it('timer.sleep checks the duration and the time', () => {
      expect(lines(problemsOf(sleep({ duration: '5 minutes' })))).toEqual([
        'nodes[0].with.duration: must be a duration like 250ms, 30s, 5m or 1h30m',
      ]);
      expect(lines(problemsOf(sleep({ until: 'tomorrow' })))).toEqual([
        'nodes[0].with.until: must match format "date-time"',
      ]);
      expect(lines(problemsOf(sleep({ duration: '1s', extra: 1 })))).toEqual([
        'nodes[0].with.extra: is not a known property',
      ]);
    });

    it('vars.set takes keys that can be read as vars.<key>', () => {
      expect(lines(problemsOf(chain({ id: 'v', type: 'vars.set', with: { Bad: 1, 'a-b': 2, ok: 3 } })))).toEqual([
        'nodes[0].with.Bad: name must match pattern "^[a-z][a-z0-9_]*$"',
        'nodes[0].with.a-b: name must match pattern "^[a-z][a-z0-9_]*$"',
      ]);
      expectValid(chain({ id: 'v', type: 'vars.set', with: { ok: { any: ['value'] }, n2: 1 } }));
    });

    it('subflow names its template (written out) and an optional version', () => {
      expectValid(
        chain({ id: 's', type: 'subflow', with: { template: 'x', version: 'latest', inputs: { a: '${run.id}' } } }),
      );
      expectValid(chain({ id: 's', type: 'subflow', with: { template: 'x', version: 3 } }));
      expect(lines(problemsOf(chain({ id: 's', type: 'subflow', with: { version: 0, extra: 1 } })))).toEqual(
        expect.arrayContaining([
          'nodes[0].with.template: is required',
          'nodes[0].with.extra: is not a known property',
          'nodes[0].with.version: must be >= 1',
        ]),
      );
      expect(lines(problemsOf(chain({ id: 's', type: 'subflow', with: { template: '${inputs.t}' } })))).toContain(
        'nodes[0].with.template: must be written out, not an expression: the child template is resolved when the run starts',
      );
    });

    it('approval and subflow take an object', () => {
      expectValid(chain({ id: 'a', type: 'approval', with: { approvers: ['ops'] } }));
      expectValid(chain({ id: 's', type: 'subflow', with: { template: 'x', inputs: {} } }));
      expect(lines(problemsOf(chain({ id: 'a', type: 'approval', with: 'yes' })))).toEqual([
        'nodes[0].with: must be an object',
      ]);
    });

    it('warn about retry and timeout, which only plugin nodes have', () => {
      const result = validateDefinition(
        chain({ id: 'g', type: 'gateway.join', retry: { maximumAttempts: 1 }, timeout: { startToClose: '1s' } }),
        catalog,
      );
      expect(result.problems).toEqual([]);
      expect(lines(result.warnings)).toEqual([
        'nodes[0].retry: has no effect on a gateway (gateway.join)',
        'nodes[0].timeout: has no effect on a gateway (gateway.join)',
      ]);
    });
  });

  describe('retry, timeout and onFailure', () => {
    it('check every field of retry', () => {
      const raw = chain(
        http('a', 'https://x.local/', {
          retry: {
            maximumAttempts: 1.5,
            initialInterval: 'soon',
            backoffCoefficient: 0.5,
            maximumInterval: '0s',
            nonRetryableErrorTypes: ['A', 3],
            maximumAtempts: 3,
          },
        }),
      );
      expect(lines(problemsOf(raw))).toEqual([
        'nodes[0].retry.maximumAtempts: unknown key maximumAtempts (did you mean maximumAttempts?)',
        'nodes[0].retry.maximumAttempts: must be an integer >= 0 (0 means unlimited)',
        'nodes[0].retry.initialInterval: must be a duration like 250ms, 30s, 5m or 1h30m',
        'nodes[0].retry.maximumInterval: must be longer than 0',
        'nodes[0].retry.backoffCoefficient: must be a number >= 1',
        'nodes[0].retry.nonRetryableErrorTypes[1]: must be a non-empty string',
      ]);
      raw.nodes[0].retry = { initialInterval: '10s', maximumInterval: '1s' };
      expect(lines(problemsOf(raw))).toEqual([
        'nodes[0].retry.maximumInterval: must not be shorter than initialInterval',
      ]);
      raw.nodes[0].retry = { maximumAttempts: 0, initialInterval: '1s', backoffCoefficient: 1, maximumInterval: '1m' };
      expectValid(raw);
    });

    it('check every field of timeout', () => {
      const raw = chain(
        http('a', 'https://x.local/', {
          timeout: { startToClose: 30, scheduleToClose: '5m', scheduleToStart: '', heartbeat: '1x', total: '1s' },
        }),
      );
      expect(lines(problemsOf(raw))).toEqual([
        'nodes[0].timeout.total: unknown key total',
        'nodes[0].timeout.startToClose: must be a duration like 250ms, 30s, 5m or 1h30m',
        'nodes[0].timeout.scheduleToStart: must be a duration like 250ms, 30s, 5m or 1h30m',
        'nodes[0].timeout.heartbeat: must be a duration like 250ms, 30s, 5m or 1h30m',
      ]);
      raw.nodes[0].timeout = { startToClose: '30s', scheduleToClose: '5m', scheduleToStart: '1m', heartbeat: '10s' };
      expectValid(raw);
      raw.nodes[0].timeout = [];
      expect(lines(problemsOf(raw))).toEqual(['nodes[0].timeout: must be an object']);
    });

    it('accept each onFailure value', () => {
      for (const onFailure of ['fail', 'skip', 'manual'])
        expectValid(chain(http('a', 'https://x.local/', { onFailure })));
      expect(pathsOf(chain(http('a', 'https://x.local/', { onFailure: 'retry' })))).toEqual(['nodes[0].onFailure']);
    });
  });

  describe('input declarations', () => {
    const withInputs = (inputs: unknown) => ({ ...chain(http('a')), inputs });

    it('need a known type, and defaults and enums of that type', () => {
      const raw = withInputs({
        env: { type: 'string', enum: ['dev', 3], default: 'dev' },
        replicas: { type: 'integer', default: 2.5 },
        ratio: { type: 'float' },
        flag: { type: 'boolean', default: 'yes' },
        region: { type: 'string', enum: ['eu', 'us'], default: 'asia' },
        'bad name': { type: 'string' },
        plain: 'string',
      });
      expect(lines(problemsOf(raw))).toEqual([
        'inputs.env.enum[1]: must be string',
        'inputs.replicas.default: must be integer',
        'inputs.ratio.type: unknown type float (one of string, integer, number, boolean, object, array)',
        'inputs.flag.default: must be boolean',
        'inputs.region.default: must be one of: eu, us',
        'inputs["bad name"]: input names must match ^[A-Za-z_][A-Za-z0-9_]*$',
        'inputs.plain: must be an object like { type: string, default: ... }',
      ]);
    });

    it('accept every type with a matching default', () => {
      expectValid(
        withInputs({
          s: { type: 'string', default: 'x', minLength: 1, pattern: '^x$' },
          i: { type: 'integer', default: 2, minimum: 0 },
          n: { type: 'number', default: 2.5 },
          b: { type: 'boolean', default: false },
          o: { type: 'object', default: { a: 1 } },
          a: { type: 'array', default: [1], maxItems: 3 },
          e: { type: 'string', enum: ['dev', 'prod'], default: 'prod', description: 'where' },
          r: { type: 'string', required: false },
          any: {},
        }),
      );
    });

    it('check constraint keywords and warn about unknown ones', () => {
      const raw = withInputs({
        n: { type: 'integer', default: 0, minimum: 1, pattern: '(' },
        m: { type: 'string', colour: 'red' },
      });
      expect(lines(problemsOf(raw))).toEqual(['inputs.n.pattern: must be a valid regular expression']);
      const ok = withInputs({ n: { type: 'integer', default: 0, minimum: 1 }, m: { type: 'string', colour: 'red' } });
      const result = validateDefinition(ok, catalog);
      expect(lines(result.problems)).toEqual(['inputs.n.default: must be >= 1']);
      expect(lines(result.warnings)).toEqual(['inputs.m.colour: unknown keyword colour is ignored']);
    });
  });

  it('reports all the problems of a definition at once', () => {
    const raw = example();
    raw.nodes[0].wiht = raw.nodes[0].with; // typo, so url is missing
    delete raw.nodes[0].with;
    raw.nodes[2].with.url = 'https://deploy.local/${nodes.dev.output}'; // not upstream
    raw.nodes[3].type = 'shell.exce'; // unknown plugin
    raw.nodes[4].id = 'route'; // duplicate id
    raw.nodes.push({ id: 'loop', type: 'http.request', with: { url: 'https://x.local/' } });
    raw.edges.push({ from: 'loop', to: 'loop' }); // self-loop
    raw.edges[2] = { from: 'route', to: 'dev' }; // exclusive edge without when/default
    raw.edges[1].when = "inputs.env = 'prod'"; // does not parse
    raw.outputs.artifact = '${nodes.nope.output}'; // unknown node
    raw.inputs.replicas.default = 'two'; // default of the wrong type
    raw.nodes[0].retry.initialInterval = '1 second'; // bad duration

    const result = validateDefinition(raw, catalog);
    expect(result.definition).toBeUndefined();
    expect(lines(result.problems).sort()).toEqual(
      [
        'inputs.replicas.default: must be integer',
        'nodes[0].wiht: unknown key wiht (did you mean with?)',
        'nodes[0].retry.initialInterval: must be a duration like 250ms, 30s, 5m or 1h30m',
        'nodes[3].type: unknown node type shell.exce: not a gateway, a built-in node or a registered plugin (did you mean shell.exec?)',
        'nodes[4].id: duplicate id route (also nodes[1])',
        'edges[3].to: unknown node done',
        'edges[4].to: unknown node done',
        'edges[5]: self-loop: loop -> loop',
        'edges[2]: edge without when or default: gateway.exclusive route takes the first edge whose when holds, else the default one',
        "edges[1].when: Unexpected character: = in `inputs.env = 'prod'`",
        'nodes[0].with.url: is required',
        'nodes[2].with.url: nodes.dev is not upstream of prod: a node reads only nodes that run before it',
        'outputs.artifact: nodes.nope does not exist',
      ].sort(),
    );
  });

  describe('hostile input', () => {
    it('refuses keys named __proto__ anywhere', () => {
      const raw = JSON.parse(
        '{"name": "x", "__proto__": {"polluted": 1}, "nodes": [{"id": "a", "type": "vars.set", "with": {"__proto__": {"x": 1}}}]}',
      );
      expect(lines(problemsOf(raw))).toEqual([
        '__proto__: the key __proto__ is not allowed',
        'nodes[0].with.__proto__: the key __proto__ is not allowed',
      ]);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('reports what is not JSON', () => {
      const raw: Loose = chain({ id: 'a', type: 'vars.set', with: {} });
      raw.nodes[0].with = { f: () => 1, d: new Date(0), n: NaN, m: new Map(), big: 10n, sparse: [1, , 3] }; // eslint-disable-line no-sparse-arrays
      expect(lines(problemsOf(raw))).toEqual([
        'nodes[0].with.f: function is not a JSON value',
        'nodes[0].with.d: Date is not a JSON value',
        'nodes[0].with.n: NaN is not a JSON number',
        'nodes[0].with.m: Map is not a JSON value',
        'nodes[0].with.big: bigint is not a JSON value',
        'nodes[0].with.sparse[1]: undefined is not a JSON value',
      ]);
    });

    it('survives deep nesting, cycles and huge strings', () => {
      let deep: unknown = 'bottom';
      for (let i = 0; i < 100_000; i++) deep = [deep];
      const cyclic: Record<string, unknown> = { id: 'a', type: 'vars.set' };
      cyclic.with = { self: cyclic };
      const huge = 'x'.repeat(5_000_000) + '${';

      expect(pathsOf(chain({ id: 'a', type: 'vars.set', with: { deep } }))).toEqual([
        `nodes[0].with.deep${'[0]'.repeat(60)}`,
      ]);
      expect(problemsOf({ name: 'x', nodes: [cyclic] })[0].message).toBe('nested deeper than 64 levels');
      expect(lines(problemsOf(chain({ id: 'a', type: 'vars.set', with: { huge } })))).toEqual([
        expect.stringMatching(/^nodes\[0\]\.with\.huge: unterminated `\$\{`/),
      ]);
    });

    it('reports a definition whose reading throws', () => {
      const trap = new Proxy(
        {},
        {
          ownKeys: () => {
            throw new Error('trapped');
          },
        },
      );
      expect(lines(problemsOf(trap))).toEqual(['definition: the validator failed: trapped']);
    });
  });

  describe('performance', () => {
    const budgetMs = Number(process.env.VALIDATE_BUDGET_MS ?? 1000);
    const size = 10_000;

    /** The fastest of three validations (after one to warm up): the machine is shared. */
    function timed(raw: unknown): { ms: number; problems: Problem[] } {
      let { problems } = validateDefinition(raw, catalog);
      let ms = Infinity;
      for (let i = 0; i < 3; i++) {
        const start = performance.now();
        problems = validateDefinition(raw, catalog).problems;
        ms = Math.min(ms, performance.now() - start);
      }
      return { ms, problems };
    }

    const readingChain = (length: number) =>
      chain(
        ...Array.from({ length }, (_, i) =>
          http(`n${i}`, i === 0 ? 'https://x.local/' : `https://x.local/\${nodes.n${i - 1}.output.id}`),
        ),
      );

    it('grows linearly, not quadratically, with the number of nodes', () => {
      const small = timed(readingChain(size / 4)).ms;
      const large = timed(readingChain(size)).ms;
      // Linear growth gives a ratio near 4; quadratic growth near 16.
      expect(large / small).toBeLessThan(10);
    });

    it(`validates a ${size}-node chain whose nodes read their predecessor`, () => {
      const { ms, problems } = timed(readingChain(size));
      expect(problems).toEqual([]);
      expect(ms).toBeLessThan(budgetMs);
    });

    it(`validates a ${size}-node chain whose nodes read the first node`, () => {
      const nodes = Array.from({ length: size }, (_, i) =>
        http(`n${i}`, i === 0 ? 'https://x.local/' : `https://x.local/\${nodes.n0.output.id}`),
      );
      const { ms, problems } = timed(chain(...nodes));
      expect(problems).toEqual([]);
      expect(ms).toBeLessThan(budgetMs);
    });

    it(`validates a ${size}-node fan-out whose leaves read the root`, () => {
      const nodes = [
        http('root'),
        ...Array.from({ length: size - 1 }, (_, i) => http(`n${i}`, `https://x.local/\${nodes.root.output.id}/${i}`)),
      ];
      const edges = nodes.slice(1).map((node) => ({ from: 'root', to: node.id }));
      const { ms, problems } = timed({ name: 'fan', nodes, edges });
      expect(problems).toEqual([]);
      expect(ms).toBeLessThan(budgetMs);
    });

    it(`finds the one bad reference in a ${size}-node chain`, () => {
      const nodes = Array.from({ length: size }, (_, i) =>
        http(
          `n${i}`,
          i === 0 ? 'https://x.local/${nodes.n9999.output}' : `https://x.local/\${nodes.n${i - 1}.output.id}`,
        ),
      );
      const { ms, problems } = timed(chain(...nodes));
      expect(lines(problems)).toEqual([
        'nodes[0].with.url: nodes.n9999 is not upstream of n0: a node reads only nodes that run before it',
      ]);
      expect(ms).toBeLessThan(budgetMs);
    });
  });
});

describe('foreach and callback nodes', () => {
  it('accepts foreach on plugin and callback nodes, with item and index in their with', () => {
    expectValid({
      name: 'loop',
      inputs: { hosts: { type: 'array' } },
      nodes: [
        http('each', 'https://${item}/deploy?n=${index}', {
          foreach: { items: '${inputs.hosts}', concurrency: 5, maxItems: 200 },
        }),
        {
          id: 'wait',
          type: 'callback',
          with: { deadline: '2h', message: 'host ${item}' },
          foreach: { items: '${nodes.each.output}' },
        },
      ],
      edges: [{ from: 'each', to: 'wait' }],
    });
  });

  it('reports item and index outside a foreach, bad foreach fields and foreach on other built-ins, with paths', () => {
    const problems = lines(
      problemsOf({
        name: 'bad',
        nodes: [
          http('a', 'https://${item}/'),
          http('b', 'https://x/', { foreach: { items: 'inputs.hosts', concurrency: 0, maxItems: 10_001, extra: 1 } }),
          { id: 'c', type: 'timer.sleep', with: { duration: '1s' }, foreach: { items: '${[1]}' } },
          http('d', 'https://x/', { foreach: { items: '${nodes.e.output}' } }),
          http('e', 'https://x/'),
          { id: 'f', type: 'callback', with: { deadline: 'soon', other: 1 } },
        ],
        outputs: { x: '${index}' },
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'nodes[0].with.url: item is in scope only in the with of a node with foreach, in `item`',
        'nodes[1].foreach.items: must be an expression giving a list, like "${inputs.hosts}"',
        'nodes[1].foreach.concurrency: must be an integer from 1 to 1000',
        'nodes[1].foreach.maxItems: must be an integer from 1 to 10000',
        'nodes[1].foreach.extra: unknown key extra',
        'nodes[2].foreach: timer.sleep cannot loop: foreach repeats plugin, subflow and callback nodes',
        'nodes[3].foreach.items: nodes.e is not upstream of d: a node reads only nodes that run before it',
        'nodes[5].with.deadline: must be a duration like 250ms, 30s, 5m or 1h30m',
        'nodes[5].with.other: is not a known property',
        'outputs.x: index is in scope only in the with of a node with foreach, in `index`',
      ]),
    );
  });
});
