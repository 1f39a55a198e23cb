/**
 * A seeded GraphQL fuzzer for the real API: two projects with their own members, templates,
 * runs and API tokens; requests built from every query and mutation with wrong types, huge
 * strings, deep nesting, aliases, unknown fields, malformed bodies and headers, missing or
 * forged auth, and the other project's ids. Every response is checked:
 *
 * - never HTTP 500 (nor any 5xx), nor an INTERNAL_SERVER_ERROR inside a 200;
 * - every GraphQL error carries `extensions.code`;
 * - no id, name or marker of a project the caller has no role in appears in the response
 *   unless the request itself carried it (echoing back what was sent leaks nothing).
 *
 * Shared by `npm run fuzz:graphql` (5,000 requests) and test/platform/graphql-fuzz.spec.ts (CI).
 */

/** A deterministic PRNG (mulberry32): the same seed replays the same requests. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(max: number): number {
    return Math.floor(this.next() * max);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** What one project holds, and the strings that must never reach a caller without a role in it. */
export interface FuzzProject {
  key: 'alpha' | 'beta';
  id: string;
  name: string;
  templateId: string;
  templateName: string;
  versionId: string;
  runIds: string[];
  tokenIds: string[];
  /** Every id, name and marker of the project: what a leak check looks for. */
  secrets: string[];
}

/** Someone sending requests: a user or API token of one project, an admin, or nobody. */
export interface FuzzCaller {
  label: string;
  /** The Authorization header value, if any. */
  authorization?: string;
  /** The project whose data this caller may read; undefined for admins (no leak check) and anonymous. */
  project?: 'alpha' | 'beta';
  admin?: boolean;
}

export interface FuzzWorld {
  projects: Record<'alpha' | 'beta', FuzzProject>;
  callers: FuzzCaller[];
}

/** What the world setup needs from the harness (the test app or the bench's own API). */
export interface FuzzHarness {
  // GraphQL responses are read loosely: the setup asks for known shapes.
  gql(query: string, variables: Record<string, unknown>, token?: string): Promise<{ data?: any; errors?: unknown }>;
  login(username: string, password: string): Promise<string>;
  adminToken: string;
  sql(query: string, params: unknown[]): Promise<unknown>;
}

async function must<T>(
  harness: FuzzHarness,
  query: string,
  variables: Record<string, unknown>,
  token: string,
  pick: (data: any) => T,
): Promise<T> {
  const result = await harness.gql(query, variables, token);
  if (!result.data) throw new Error(`fuzz setup failed: ${query.slice(0, 60)}: ${JSON.stringify(result.errors)}`);
  return pick(result.data);
}

/**
 * Creates the two projects through the API (users, members, a template, API tokens) and
 * inserts runs with SQL (no worker needed: the fuzzer reads and steers them, never runs them).
 */
export async function setupFuzzWorld(harness: FuzzHarness, runsPerProject = 5): Promise<FuzzWorld> {
  const admin = harness.adminToken;
  const callers: FuzzCaller[] = [{ label: 'admin', authorization: `Bearer ${admin}`, admin: true }];
  const projects = {} as Record<'alpha' | 'beta', FuzzProject>;
  for (const key of ['alpha', 'beta'] as const) {
    const name = `fuzzproj-${key}-7f3a`;
    const id = await must(
      harness,
      'mutation($input: CreateProjectInput!) { createProject(input: $input) { id } }',
      { input: { name, description: `marker-${key}-description-91c2` } },
      admin,
      (d) => d.createProject.id as string,
    );
    const users = { owner: `fuzzuser-${key}-owner`, viewer: `fuzzuser-${key}-viewer`, operator: `fuzzuser-${key}-op` };
    for (const [role, username] of Object.entries(users)) {
      await must(
        harness,
        'mutation($input: CreateUserInput!) { createUser(input: $input) { id } }',
        { input: { username, password: `${username}-pw-123456` } },
        admin,
        (d) => d.createUser.id as string,
      );
      await must(
        harness,
        'mutation($p: ID!, $u: String!, $r: ProjectRole!) { addMember(projectId: $p, username: $u, role: $r) { id } }',
        { p: id, u: username, r: role === 'op' ? 'OPERATOR' : role.toUpperCase() },
        admin,
        (d) => d.addMember.id as string,
      );
    }
    const templateName = `fuzztpl-${key}-c0de`;
    const definition = {
      name: templateName,
      inputs: { env: { type: 'string', default: 'dev' } },
      nodes: [
        { id: 'gate', type: 'approval', with: { message: `marker-${key}-approval-77d1` } },
        { id: 'ship', type: 'builtin.noop', with: { note: `marker-${key}-note-5e6f` } },
      ],
      edges: [{ from: 'gate', to: 'ship' }],
    };
    const template = await must(
      harness,
      'mutation($input: CreateTemplateInput!) { createTemplate(input: $input) { id latestVersion { id } } }',
      { input: { projectId: id, definition, description: `marker-${key}-template-0b9e` } },
      admin,
      (d) => ({ id: d.createTemplate.id as string, versionId: d.createTemplate.latestVersion.id as string }),
    );
    const ownerToken = await harness.login(users.owner, `${users.owner}-pw-123456`);
    const viewerToken = await harness.login(users.viewer, `${users.viewer}-pw-123456`);
    const operatorToken = await harness.login(users.operator, `${users.operator}-pw-123456`);
    const apiToken = await must(
      harness,
      'mutation($p: ID!, $n: String!) { createApiToken(projectId: $p, name: $n, role: OPERATOR) { token apiToken { id } } }',
      { p: id, n: `fuzztoken-${key}-aa11` },
      ownerToken,
      (d) => ({ token: d.createApiToken.token as string, id: d.createApiToken.apiToken.id as string }),
    );
    const runIds: string[] = [];
    for (let i = 0; i < runsPerProject; i++) {
      const rows = (await harness.sql(
        `INSERT INTO runs (project_id, template_id, template_version_id, version, workflow_id, status, started_by, inputs)
         VALUES ($1, $2, $3, 1, $4, $5, $6, $7) RETURNING id`,
        [
          id,
          template.id,
          template.versionId,
          `fuzz-${key}-${i}-${Date.now()}`,
          ['RUNNING', 'WAITING', 'SUCCEEDED', 'FAILED', 'PAUSED'][i % 5],
          users.operator,
          JSON.stringify({ env: `marker-${key}-input-${i}-4d4d` }),
        ],
      )) as Array<{ id: string }>;
      runIds.push(rows[0].id);
    }
    projects[key] = {
      key,
      id,
      name,
      templateId: template.id,
      templateName,
      versionId: template.versionId,
      runIds,
      tokenIds: [apiToken.id],
      secrets: [
        id,
        name,
        template.id,
        templateName,
        template.versionId,
        ...runIds,
        apiToken.id,
        ...Object.values(users),
        `fuzztoken-${key}-aa11`,
        `marker-${key}-`,
      ],
    };
    callers.push(
      { label: `${key}-owner`, authorization: `Bearer ${ownerToken}`, project: key },
      { label: `${key}-viewer`, authorization: `Bearer ${viewerToken}`, project: key },
      { label: `${key}-operator`, authorization: `Bearer ${operatorToken}`, project: key },
      { label: `${key}-api-token`, authorization: `Bearer ${apiToken.token}`, project: key },
    );
  }
  callers.push(
    { label: 'anonymous' },
    { label: 'garbage-bearer', authorization: 'Bearer not.a.jwt' },
    { label: 'forged-jwt', authorization: `Bearer ${forgedJwt()}` },
    { label: 'basic', authorization: 'Basic YWRtaW46YWRtaW4=' },
    { label: 'empty-bearer', authorization: 'Bearer ' },
    { label: 'sy-prefix-garbage', authorization: 'Bearer sy_' + 'x'.repeat(60) },
  );
  return { projects, callers };
}

/** A well-formed JWT signed with the wrong key, claiming to be the admin. */
function forgedJwt(): string {
  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'admin', admin: true, exp: 4102444800 })}.${'A'.repeat(43)}`;
}

// ---- request generation --------------------------------------------------------------------------

const RUN_SELECTION = 'id projectId templateName status inputs startedBy nodes { nodeId status output }';
const TEMPLATE_SELECTION = 'id name description projectId latestVersion { id definition }';

/** Every operation of the schema the fuzzer drives, with its variables' kinds. */
interface Operation {
  query: string;
  /** Variable name to a kind the generator fills: a right value most of the time, a wrong one otherwise. */
  variables: Record<string, VariableKind>;
}

type VariableKind =
  | 'projectId'
  | 'runId'
  | 'templateId'
  | 'versionId'
  | 'tokenId'
  | 'scheduleId'
  | 'nodeId'
  | 'username'
  | 'role'
  | 'string'
  | 'int'
  | 'json'
  | 'definition'
  | 'cursor'
  | 'status'
  | 'startRunInput'
  | 'createTemplateInput';

const OPERATIONS: Operation[] = [
  { query: 'query { me { id username isAdmin } }', variables: {} },
  { query: 'query { projects { id name description myRole members { user { username } role } } }', variables: {} },
  {
    query: 'query($id: ID!) { project(id: $id) { id name description members { user { username } } } }',
    variables: { id: 'projectId' },
  },
  {
    query: `query($p: ID!, $first: Int, $after: String, $status: RunStatus, $t: ID, $by: String) {
      runs(projectId: $p, first: $first, after: $after, status: $status, templateId: $t, startedBy: $by) {
        nodes { ${RUN_SELECTION} } pageInfo { endCursor hasNextPage } } }`,
    variables: { p: 'projectId', first: 'int', after: 'cursor', status: 'status', t: 'templateId', by: 'username' },
  },
  { query: `query($id: ID!) { run(id: $id) { ${RUN_SELECTION} waitingOn } }`, variables: { id: 'runId' } },
  {
    query: `query($p: ID!, $s: String) { templates(projectId: $p, search: $s, includeArchived: true) { ${TEMPLATE_SELECTION} } }`,
    variables: { p: 'projectId', s: 'string' },
  },
  {
    query: `query($id: ID!) { template(id: $id) { ${TEMPLATE_SELECTION} versions { id version } } }`,
    variables: { id: 'templateId' },
  },
  {
    query: 'query($id: ID!) { templateVersion(id: $id) { id definition template { id name } } }',
    variables: { id: 'versionId' },
  },
  { query: 'query($p: ID!) { schedules(projectId: $p) { id name templateName } }', variables: { p: 'projectId' } },
  { query: 'query($id: ID!) { schedule(id: $id) { id name } }', variables: { id: 'scheduleId' } },
  {
    query:
      'query($p: ID!, $first: Int, $after: String) { auditLog(projectId: $p, first: $first, after: $after) { nodes { action actor resourceId detail } pageInfo { endCursor } } }',
    variables: { p: 'projectId', first: 'int', after: 'cursor' },
  },
  { query: 'query($p: ID!) { apiTokens(projectId: $p) { id name projectId } }', variables: { p: 'projectId' } },
  { query: 'query { plugins { type version title } }', variables: {} },
  { query: 'query($t: String!) { plugin(type: $t) { type version inputSchema } }', variables: { t: 'string' } },
  {
    query:
      'query($d: JSON, $s: String) { validateDefinition(definition: $d, source: $s) { valid problems { path message } contentHash } }',
    variables: { d: 'definition', s: 'string' },
  },
  { query: 'query { users { id username } }', variables: {} },
  {
    query: 'query($after: String) { systemAuditLog(after: $after) { nodes { action actor } } }',
    variables: { after: 'cursor' },
  },
  {
    query: `mutation($input: StartRunInput!) { startRun(input: $input) { ${RUN_SELECTION} } }`,
    variables: { input: 'startRunInput' },
  },
  { query: `mutation($id: ID!) { cancelRun(id: $id, reason: "fuzz") { id status } }`, variables: { id: 'runId' } },
  { query: `mutation($id: ID!) { pauseRun(id: $id) { id status } }`, variables: { id: 'runId' } },
  { query: `mutation($id: ID!) { resumeRun(id: $id) { id status } }`, variables: { id: 'runId' } },
  {
    query: `mutation($r: ID!, $n: String!, $c: String, $v: JSON) { approveNode(runId: $r, nodeId: $n, comment: $c, values: $v) { id status } }`,
    variables: { r: 'runId', n: 'nodeId', c: 'string', v: 'json' },
  },
  {
    query: `mutation($r: ID!, $n: String!) { skipNode(runId: $r, nodeId: $n) { id status } }`,
    variables: { r: 'runId', n: 'nodeId' },
  },
  {
    query: `mutation($r: ID!, $n: String!, $w: JSON) { retryNode(runId: $r, nodeId: $n, with: $w) { id status } }`,
    variables: { r: 'runId', n: 'nodeId', w: 'json' },
  },
  { query: `mutation($r: ID!) { cloneRun(runId: $r) { id projectId } }`, variables: { r: 'runId' } },
  {
    query: `mutation($input: CreateTemplateInput!) { createTemplate(input: $input) { id name projectId } }`,
    variables: { input: 'createTemplateInput' },
  },
  { query: `mutation($id: ID!) { archiveTemplate(id: $id) { id archived } }`, variables: { id: 'templateId' } },
  {
    query: `mutation($p: ID!, $u: String!, $r: ProjectRole!) { addMember(projectId: $p, username: $u, role: $r) { id } }`,
    variables: { p: 'projectId', u: 'username', r: 'role' },
  },
  {
    query: `mutation($p: ID!, $n: String!, $r: ProjectRole!) { createApiToken(projectId: $p, name: $n, role: $r) { apiToken { id projectId } } }`,
    variables: { p: 'projectId', n: 'string', r: 'role' },
  },
  { query: `mutation($id: ID!) { revokeApiToken(id: $id) { id } }`, variables: { id: 'tokenId' } },
  { query: `mutation($id: ID!) { deleteSchedule(id: $id) }`, variables: { id: 'scheduleId' } },
  {
    query: `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`,
    variables: { u: 'username', p: 'string' },
  },
];

const HOSTILE_STRINGS = [
  '',
  ' ',
  "' OR 1=1 --",
  '"; DROP TABLE runs; --',
  '../../etc/passwd',
  '\u0000',
  '\ud800',
  '%00',
  '${inputs.env}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  'null',
  'undefined',
  '__proto__',
  'constructor',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  'not-a-uuid',
  '9'.repeat(40),
  '-1',
  'é中文🙂',
];

function wrongValue(rng: Rng): unknown {
  switch (rng.int(10)) {
    case 0:
      return rng.int(2) ? 2 ** 31 : -(2 ** 53);
    case 1:
      return 1.5;
    case 2:
      return true;
    case 3:
      return null;
    case 4:
      return [1, 'two', { three: 3 }];
    case 5:
      return { nested: { deeper: ['x'] } };
    case 6:
      return 'x'.repeat(rng.pick([1_000, 10_000, 60_000]));
    case 7:
      return deepJson(rng.pick([50, 70, 500]));
    case 8:
      return rng.pick(HOSTILE_STRINGS);
    default:
      return { __proto__: { admin: true }, constructor: { prototype: { admin: true } } };
  }
}

function deepJson(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
}

function randomUuid(rng: Rng): string {
  const hex = () => rng.int(16).toString(16);
  const part = (n: number) => Array.from({ length: n }, hex).join('');
  return `${part(8)}-${part(4)}-4${part(3)}-8${part(3)}-${part(12)}`;
}

/** The ids of `kind` in a project. */
function idsOf(project: FuzzProject, kind: VariableKind): string[] {
  switch (kind) {
    case 'projectId':
      return [project.id];
    case 'runId':
      return project.runIds;
    case 'templateId':
      return [project.templateId];
    case 'versionId':
      return [project.versionId];
    case 'tokenId':
      return project.tokenIds;
    default:
      return [];
  }
}

function valueFor(kind: VariableKind, rng: Rng, world: FuzzWorld, own: FuzzProject, other: FuzzProject): unknown {
  if (rng.chance(0.15)) return wrongValue(rng);
  // Other projects' ids are the point of a third of the requests.
  const project = rng.chance(0.35) ? other : own;
  switch (kind) {
    case 'projectId':
    case 'runId':
    case 'templateId':
    case 'versionId':
    case 'tokenId':
      return rng.chance(0.1) ? randomUuid(rng) : rng.pick(idsOf(project, kind));
    case 'scheduleId':
      return randomUuid(rng);
    case 'nodeId':
      return rng.pick(['gate', 'ship', 'nope', 'GATE', '']);
    case 'username':
      // Users of the caller's own project only: an owner may rightly add another project's user to
      // their project, after which that user rightly reads it, and the leak check would cry wolf.
      // Granting a role in the other project is still tried, through the other project's id.
      return rng.pick([
        `fuzzuser-${own.key}-owner`,
        `fuzzuser-${own.key}-viewer`,
        'admin',
        'nobody',
        rng.pick(HOSTILE_STRINGS),
      ]);
    case 'role':
      return rng.pick(['VIEWER', 'OPERATOR', 'EDITOR', 'OWNER', 'ADMIN', 'viewer']);
    case 'string':
      return rng.chance(0.5) ? rng.pick(HOSTILE_STRINGS) : `fuzz-${rng.int(1e6)}`;
    case 'int':
      return rng.pick([1, 2, 50, 200, 201, 0, -1, 2 ** 31 - 1]);
    case 'json':
      return rng.pick([{}, { ticket: 'CHG-1' }, deepJson(30), [1, 2], 'text', 12]);
    case 'cursor':
      return rng.pick([
        undefined,
        'eyJjcmVhdGVkQXQiOiIyMDI2LTAxLTAxIiwiaWQiOiJ4In0',
        Buffer.from(JSON.stringify({ createdAt: 'not a date', id: "'; --" })).toString('base64url'),
        Buffer.from(JSON.stringify({ projectId: other.id })).toString('base64'),
        '!!!',
        'x'.repeat(5000),
      ]);
    case 'status':
      return rng.pick([undefined, 'RUNNING', 'WAITING', 'SUCCEEDED', 'BOGUS']);
    case 'definition':
      return rng.pick([
        { name: 'x', nodes: [{ id: 'a', type: 'builtin.noop', with: { v: '${nodes.a.output}' } }] },
        { name: 'x', nodes: [] },
        { nodes: 'not a list' },
        deepJson(100),
        undefined,
      ]);
    case 'startRunInput':
      return {
        templateId: rng.chance(0.1) ? randomUuid(rng) : project.templateId,
        inputs: rng.pick([{}, { env: 'prod' }, { env: 5 }, { unknown: true }, 'text', deepJson(40)]),
        ...(rng.chance(0.3) ? { version: rng.pick([1, 2, -1, 0]) } : {}),
        ...(rng.chance(0.2) ? { requestId: rng.pick(HOSTILE_STRINGS) } : {}),
        ...(rng.chance(0.1) ? { callbackUrl: rng.pick(['http://127.0.0.1:1/x', 'file:///etc/passwd', 'nope']) } : {}),
      };
    case 'createTemplateInput':
      return {
        projectId: project.id,
        ...(rng.chance(0.5)
          ? {
              definition: rng.pick([
                { name: `fz${rng.int(1e9)}`, nodes: [{ id: 'a', type: 'builtin.noop' }] },
                { nodes: 1 },
                deepJson(80),
              ]),
            }
          : { source: rng.pick(['name: y\nnodes: [{id: a, type: builtin.noop}]', 'a: &a [*a]', ': : :', '- - -']) }),
      };
  }
}

/** One HTTP request to send. */
export interface FuzzRequest {
  caller: FuzzCaller;
  /** How the request is malformed, for the summary. */
  mutation: string;
  method: 'POST' | 'GET';
  headers: Record<string, string>;
  body?: string;
  query?: string;
}

function aliased(query: string, count: number): string {
  const open = query.indexOf('{');
  const inner = query.slice(open + 1, query.lastIndexOf('}'));
  const head = query.slice(0, open + 1);
  return `${head}${Array.from({ length: count }, (_, i) => ` a${i}: ${inner.trim()}`).join('')} }`;
}

/** Template -> latestVersion -> template -> ... : the schema's one cycle, nested `depth` times. */
function nested(depth: number, templateId: string): string {
  const open = 'latestVersion { template { '.repeat(depth);
  return `query { template(id: "${templateId}") { ${open} id name ${'} } '.repeat(depth)} } }`;
}

/** Builds request number `index` of the seeded sequence. */
export function buildRequest(rng: Rng, world: FuzzWorld): FuzzRequest {
  const caller = rng.pick(world.callers);
  const own = world.projects[caller.project ?? rng.pick(['alpha', 'beta'] as const)];
  const other = world.projects[own.key === 'alpha' ? 'beta' : 'alpha'];
  const operation = rng.pick(OPERATIONS);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (caller.authorization !== undefined) headers.authorization = caller.authorization;
  let query = operation.query;
  const variables: Record<string, unknown> = {};
  for (const [name, kind] of Object.entries(operation.variables)) {
    const value = valueFor(kind, rng, world, own, other);
    if (value !== undefined) variables[name] = value;
  }
  // An admin may grant anyone anything: its grants would change who may read what mid-run.
  if (caller.admin && operation.query.includes('addMember(')) variables.u = 'nobody';
  let mutation = 'plain';
  let body: string | undefined;
  const roll = rng.int(20);
  if (roll === 0) {
    mutation = 'aliases';
    query = aliased(query, rng.pick([5, 50, 500]));
  } else if (roll === 1) {
    mutation = 'deep-nesting';
    query = nested(rng.pick([3, 12, 40]), rng.pick([own.templateId, other.templateId]));
  } else if (roll === 2) {
    mutation = 'unknown-field';
    query = query.replace(
      /\{ id/,
      `{ id ${rng.pick(['secret', 'passwordHash', '__schema { types { name } }', 'id(x: 1)'])}`,
    );
  } else if (roll === 3) {
    mutation = 'missing-variables';
    body = JSON.stringify({ query });
  } else if (roll === 4) {
    mutation = 'huge-query';
    query = `${query} ${'#'.repeat(rng.pick([1_000, 90_000]))}`;
  } else if (roll === 5) {
    mutation = 'malformed-body';
    body = rng.pick([
      '{',
      '[]',
      'null',
      '"query"',
      JSON.stringify([{ query }, { query }]),
      JSON.stringify({ query: 5 }),
      '',
    ]);
  } else if (roll === 6) {
    mutation = 'wrong-content-type';
    headers['content-type'] = rng.pick(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data']);
  } else if (roll === 7) {
    mutation = 'get';
    return {
      caller,
      mutation,
      method: 'GET',
      headers: { ...headers, 'apollo-require-preflight': 'true' },
      query: `?query=${encodeURIComponent(query)}&variables=${encodeURIComponent(JSON.stringify(variables))}`,
    };
  } else if (roll === 8) {
    mutation = 'syntax-error';
    query = query.slice(0, rng.int(query.length));
  } else if (roll === 9) {
    mutation = 'operation-name';
    body = JSON.stringify({ query, variables, operationName: rng.pick(['Nope', '', 5]) });
  } else if (roll === 10) {
    mutation = 'fragments';
    query = `${query.replace(/^(query|mutation)/, '$1 Q')} fragment F on Query { __typename }`;
  }
  body ??= JSON.stringify({ query, variables });
  return { caller, mutation, method: 'POST', headers, body };
}

// ---- checking ------------------------------------------------------------------------------------

export interface FuzzFinding {
  index: number;
  caller: string;
  mutation: string;
  kind: '5xx' | 'internal' | 'no-code' | 'leak' | 'network' | 'not-json';
  detail: string;
  request: string;
}

export interface FuzzSummary {
  seed: number;
  requests: number;
  byStatus: Record<string, number>;
  byCode: Record<string, number>;
  byMutation: Record<string, number>;
  withData: number;
  findings: FuzzFinding[];
  durationMs: number;
}

function leakedSecrets(world: FuzzWorld, caller: FuzzCaller, requestText: string, responseText: string): string[] {
  if (caller.admin) return [];
  const foreign =
    caller.project === undefined
      ? [...world.projects.alpha.secrets, ...world.projects.beta.secrets]
      : world.projects[caller.project === 'alpha' ? 'beta' : 'alpha'].secrets;
  return foreign.filter((secret) => responseText.includes(secret) && !requestText.includes(secret));
}

/**
 * Sends `requests` seeded requests to `baseUrl` (`concurrency` at a time) and checks each
 * response. Deterministic in what it sends for a given seed and world.
 */
export async function runGraphqlFuzz(options: {
  baseUrl: string;
  world: FuzzWorld;
  requests: number;
  seed: number;
  concurrency?: number;
}): Promise<FuzzSummary> {
  const { baseUrl, world, requests, seed } = options;
  const rng = new Rng(seed);
  const planned = Array.from({ length: requests }, () => buildRequest(rng, world));
  const summary: FuzzSummary = {
    seed,
    requests,
    byStatus: {},
    byCode: {},
    byMutation: {},
    withData: 0,
    findings: [],
    durationMs: 0,
  };
  const count = (table: Record<string, number>, key: string) => (table[key] = (table[key] ?? 0) + 1);
  const started = performance.now();
  let next = 0;
  const workerLoop = async () => {
    while (next < planned.length) {
      const index = next++;
      const request = planned[index];
      const requestText = `${request.body ?? ''}${request.query ?? ''}`;
      const finding = (kind: FuzzFinding['kind'], detail: string) =>
        summary.findings.push({
          index,
          caller: request.caller.label,
          mutation: request.mutation,
          kind,
          detail: detail.slice(0, 500),
          request: requestText.slice(0, 500),
        });
      count(summary.byMutation, request.mutation);
      let status: number;
      let text: string;
      try {
        const response = await fetch(`${baseUrl}/graphql${request.query ?? ''}`, {
          method: request.method,
          headers: request.headers,
          body: request.body,
        });
        status = response.status;
        text = await response.text();
      } catch (err) {
        finding('network', (err as Error).message);
        continue;
      }
      count(summary.byStatus, String(status));
      if (status >= 500) finding('5xx', `${status}: ${text}`);
      for (const secret of leakedSecrets(world, request.caller, requestText, text)) {
        finding('leak', `${secret} in ${text}`);
      }
      let body: { data?: unknown; errors?: Array<{ extensions?: { code?: unknown } }> };
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        // Express answers some malformed requests (bad JSON, huge bodies) in plain text or HTML: fine unless 5xx.
        if (status < 400) finding('not-json', `${status}: ${text}`);
        count(summary.byCode, `http-${status}`);
        continue;
      }
      if (body.data && Object.values(body.data).some((value) => value !== null)) summary.withData++;
      for (const error of body.errors ?? []) {
        const code = error.extensions?.code;
        if (typeof code !== 'string' || code === '') finding('no-code', JSON.stringify(error));
        else count(summary.byCode, code);
        // An unexpected error answered with HTTP 200 is a 500 all the same.
        if (code === 'INTERNAL_SERVER_ERROR') finding('internal', JSON.stringify(error));
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, workerLoop));
  summary.durationMs = Math.round(performance.now() - started);
  return summary;
}
