import { createHash } from 'node:crypto';
import { definePlugin } from '../../plugins/sdk';
import { PluginCatalogService } from '../../src/plugins-catalog/plugin-catalog.service';
import { TemplatesService } from '../../src/templates/templates.service';
import { errorCode, startTestApp, type GraphQLResponse, type TestApp } from './support/app';
import { queryDatabase } from './support/database';
import { Fixtures } from './support/fixtures';

const TEMPLATE_FIELDS = `id projectId name description archived archivedAt latestVersionNumber createdBy createdAt updatedAt
  latestVersion { id version definition contentHash author createdAt }`;
const CREATE = `mutation($input: CreateTemplateInput!) { createTemplate(input: $input) { ${TEMPLATE_FIELDS} } }`;
const UPDATE = `mutation($input: UpdateTemplateInput!) { updateTemplate(input: $input) { ${TEMPLATE_FIELDS} } }`;
const ARCHIVE = `mutation($id: ID!) { archiveTemplate(id: $id) { id archived archivedAt } }`;
const UNARCHIVE = `mutation($id: ID!) { unarchiveTemplate(id: $id) { id archived archivedAt } }`;
const TEMPLATE = `query($id: ID!) {
  template(id: $id) { ${TEMPLATE_FIELDS} versions { id version definition contentHash author } }
}`;
const TEMPLATES = `query($p: ID!, $search: String, $all: Boolean) {
  templates(projectId: $p, search: $search, includeArchived: $all) { id name archived }
}`;
const VERSION = `query($id: ID!) { templateVersion(id: $id) { id version definition contentHash template { id name } } }`;
const VALIDATE = `query($definition: JSON, $source: String) {
  validateDefinition(definition: $definition, source: $source) {
    valid problems { path message } warnings { path message } definition contentHash
  }
}`;

/** The PRODUCT.md shape, small: an input, an HTTP call with an interpolation, a no-op. */
const DEPLOY_YAML = `# deploy the web tier
name: deploy-web
description: Deploy the web tier
inputs:
  env: { type: string, enum: [dev, prod], default: dev }
nodes:
  - id: build
    type: http.request
    name: Build artifact
    with: { method: POST, url: "https://ci.local/build/\${inputs.env}" }
    retry: { maximumAttempts: 3, initialInterval: 1s }
  - { id: done, type: builtin.noop }
edges:
  - { from: build, to: done }
`;
const DEPLOY = {
  name: 'deploy-web',
  description: 'Deploy the web tier',
  inputs: { env: { type: 'string', enum: ['dev', 'prod'], default: 'dev' } },
  nodes: [
    {
      id: 'build',
      type: 'http.request',
      name: 'Build artifact',
      with: { method: 'POST', url: 'https://ci.local/build/${inputs.env}' },
      retry: { maximumAttempts: 3, initialInterval: '1s' },
    },
    { id: 'done', type: 'builtin.noop' },
  ],
  edges: [{ from: 'build', to: 'done' }],
};

/** Five problems of five kinds, at five paths. */
const BROKEN = {
  name: 'broken',
  nodes: [
    { id: 'a', type: 'no.such' },
    { id: 'a', type: 'builtin.noop' },
    { id: 'b', type: 'http.request', with: { method: 'POST' } },
    { id: 'c', type: 'builtin.noop', with: { x: '${nodes.zz.output' } },
  ],
  edges: [{ from: 'a', to: 'ghost' }],
};
const BROKEN_PATHS = ['nodes[0].type', 'nodes[1].id', 'edges[0].to', 'nodes[2].with.url', 'nodes[3].with.x'];

/** Independent of the service's code: sorted-key JSON, hashed. */
function expectedHash(value: unknown): string {
  const canonical = (v: unknown): string =>
    v === null || typeof v !== 'object'
      ? JSON.stringify(v)
      : Array.isArray(v)
        ? `[${v.map(canonical).join(',')}]`
        : `{${Object.keys(v)
            .sort()
            .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
            .join(',')}}`;
  return createHash('sha256').update(canonical(value)).digest('hex');
}

interface VersionView {
  id: string;
  version: number;
  definition: Record<string, unknown>;
  contentHash: string;
  author: string;
}
interface TemplateView {
  id: string;
  projectId: string;
  name: string;
  description: string | null;
  archived: boolean;
  archivedAt: string | null;
  latestVersionNumber: number;
  createdBy: string;
  updatedAt: string;
  latestVersion: VersionView;
  versions?: VersionView[];
}

interface AuditEntry {
  action: string;
  actor: string;
  outcome: string;
  errorCode: string | null;
  resourceType: string | null;
  resourceId: string | null;
  projectId: string | null;
  detail: { args: { input?: { source?: string } } };
}

function ok<T>(result: GraphQLResponse<T>): T {
  expect(result.errors).toBeUndefined();
  return result.data!;
}

describe('templates', () => {
  let api: TestApp;
  let fixtures: Fixtures;
  let alpha: string;
  let beta: string;
  let editor: string;
  let viewer: string;
  let outsider: string;
  let deployId: string;

  beforeAll(async () => {
    api = await startTestApp({ config: { logLevel: 'silent' } });
    fixtures = new Fixtures(api);
    alpha = await fixtures.project('alpha');
    beta = await fixtures.project('beta');
    editor = await fixtures.user('ed');
    viewer = await fixtures.user('vi');
    outsider = await fixtures.user('out');
    await fixtures.member(alpha, 'ed', 'EDITOR');
    await fixtures.member(alpha, 'vi', 'VIEWER');
    await fixtures.member(beta, 'out', 'OWNER');
  });
  afterAll(() => api.close());

  const create = (input: Record<string, unknown>, token = editor) =>
    api.gql<{ createTemplate: TemplateView }>(CREATE, { input: { projectId: alpha, ...input } }, token);
  const update = (input: Record<string, unknown>, token = editor) =>
    api.gql<{ updateTemplate: TemplateView }>(UPDATE, { input }, token);
  const read = (id: string, token = editor) => api.gql<{ template: TemplateView }>(TEMPLATE, { id }, token);
  const list = (variables: Record<string, unknown> = {}, token = editor) =>
    api.gql<{ templates: Array<{ id: string; name: string; archived: boolean }> }>(
      TEMPLATES,
      { p: alpha, ...variables },
      token,
    );

  describe('createTemplate', () => {
    it('creates version 1 from YAML source: parsed, hashed, authored', async () => {
      const { createTemplate: created } = ok(await create({ source: DEPLOY_YAML }));
      deployId = created.id;
      expect(created).toMatchObject({
        projectId: alpha,
        name: 'deploy-web', // from the definition
        description: 'Deploy the web tier',
        archived: false,
        archivedAt: null,
        latestVersionNumber: 1,
        createdBy: 'ed',
      });
      expect(created.latestVersion).toMatchObject({ version: 1, author: 'ed', definition: DEPLOY });
      expect(created.latestVersion.contentHash).toBe(expectedHash(DEPLOY));

      const rows = await queryDatabase<{ version: number; content_hash: string; definition: unknown }>(
        api.db.url,
        'SELECT version, content_hash, definition FROM template_versions WHERE template_id = $1',
        [created.id],
      );
      expect(rows).toEqual([{ version: 1, content_hash: expectedHash(DEPLOY), definition: DEPLOY }]);
    });

    it('creates from a JSON object, with its own name and description; same content, same hash', async () => {
      const { createTemplate: created } = ok(
        await create({ name: 'deploy-web copy', description: 'a copy', definition: DEPLOY }),
      );
      expect(created).toMatchObject({ name: 'deploy-web copy', description: 'a copy', latestVersionNumber: 1 });
      expect(created.latestVersion.definition).toEqual(DEPLOY);
      expect(created.latestVersion.contentHash).toBe(expectedHash(DEPLOY));
    });

    it('also takes JSON text as source, and records an API token as author', async () => {
      const minted = await api.gql(
        'mutation($p: ID!) { createApiToken(projectId: $p, role: EDITOR, name: "ci") { token } }',
        { p: alpha },
        editor,
      );
      const token = ok(minted).createApiToken.token as string;
      const source = JSON.stringify({ ...DEPLOY, name: 'from-json-text' }, null, 2);
      const { createTemplate: created } = ok(await create({ source }, token));
      expect(created).toMatchObject({ name: 'from-json-text', createdBy: 'token:ci' });
      expect(created.latestVersion.author).toBe('token:ci');
    });

    it('refuses a name taken in the project (CONFLICT), not in another project', async () => {
      const taken = await create({ definition: DEPLOY });
      expect(errorCode(taken)).toBe('CONFLICT');
      expect(taken.errors![0].message).toContain('deploy-web');
      const elsewhere = await api.gql(CREATE, { input: { projectId: beta, definition: DEPLOY } }, outsider);
      expect(ok(elsewhere).createTemplate.name).toBe('deploy-web');
    });

    it('refuses an invalid definition with every problem and its path, and stores nothing', async () => {
      const before = ok(await list({ all: true })).templates.length;
      const result = await create({ name: 'broken', definition: BROKEN });
      expect(result.data).toBeNull();
      expect(errorCode(result)).toBe('BAD_USER_INPUT');
      const problems = result.errors![0].extensions!.problems as Array<{ path: string; message: string }>;
      expect(problems.map((p) => p.path).sort()).toEqual([...BROKEN_PATHS].sort());
      expect(problems.find((p) => p.path === 'nodes[0].type')!.message).toMatch(/unknown node type no\.such/);
      expect(problems.find((p) => p.path === 'nodes[1].id')!.message).toMatch(/duplicate id a/);
      expect(ok(await list({ all: true })).templates).toHaveLength(before);
    });

    it('refuses a definition whose plan (subflows included) is too large to run, with its size; stores nothing', async () => {
      // Each part fits the API's 1 MB request body; together, as one run's plan, they do not fit 1.5 MB.
      const note = 'x'.repeat(500);
      const part = (name: string) => ({
        name,
        nodes: Array.from({ length: 1_000 }, (_, i) => ({ id: `n${i}`, type: 'builtin.noop', with: { note } })),
      });
      for (const name of ['big-part-a', 'big-part-b', 'big-part-c']) {
        expect(ok(await create({ name, definition: part(name) })).createTemplate.name).toBe(name);
      }
      const before = ok(await list({ all: true })).templates.length;
      const whole = (parts: string[]) => ({
        name: 'whole',
        nodes: parts.map((template, i) => ({ id: `part${i}`, type: 'subflow', with: { template } })),
      });
      const result = await create({ name: 'whole', definition: whole(['big-part-a', 'big-part-b', 'big-part-c']) });
      expect(result.data).toBeNull();
      expect(errorCode(result)).toBe('BAD_USER_INPUT');
      const [, size] = /compiled plan is (\d\.\d\d) MB \(subflows included\), over the 1\.50 MB/.exec(result.errors![0].message)!;
      expect(Number(size)).toBeGreaterThan(1.5);
      expect(ok(await list({ all: true })).templates).toHaveLength(before);
      // Two of the parts fit.
      expect(ok(await create({ name: 'whole', definition: whole(['big-part-a', 'big-part-b']) })).createTemplate.name).toBe(
        'whole',
      );
    });

    it('reports YAML syntax errors by line and column', async () => {
      const result = await create({ source: 'name: x\nnodes: [ { id: a, type: builtin.noop }\n' });
      expect(errorCode(result)).toBe('BAD_USER_INPUT');
      const problems = result.errors![0].extensions!.problems as Array<{ path: string }>;
      expect(problems.length).toBeGreaterThan(0);
      for (const problem of problems) expect(problem.path).toMatch(/^line \d+, column \d+$/);
    });

    it('wants exactly one of definition and source', async () => {
      const both = await create({ name: 'x', definition: DEPLOY, source: DEPLOY_YAML });
      expect(errorCode(both)).toBe('BAD_USER_INPUT');
      expect(both.errors![0].extensions!.problems).toEqual([
        { path: 'definition', message: 'give either definition or source, not both' },
      ]);
      const neither = await create({ name: 'x' });
      expect(errorCode(neither)).toBe('BAD_USER_INPUT');
      const notAnObject = await create({ name: 'x', definition: [1, 2] });
      expect(errorCode(notAnObject)).toBe('BAD_USER_INPUT');
    });
  });

  describe('updateTemplate', () => {
    let v1: VersionView;
    const V2 = {
      ...DEPLOY,
      nodes: [...DEPLOY.nodes, { id: 'notify', type: 'builtin.noop', with: { text: 'deployed ${inputs.env}' } }],
      edges: [...DEPLOY.edges, { from: 'done', to: 'notify' }],
    };

    it('publishes a new immutable version N+1; version 1 stays readable', async () => {
      v1 = ok(await read(deployId)).template.latestVersion;
      const { updateTemplate: updated } = ok(await update({ id: deployId, definition: V2 }));
      expect(updated.latestVersionNumber).toBe(2);
      expect(updated.latestVersion).toMatchObject({ version: 2, definition: V2, contentHash: expectedHash(V2) });

      const { template } = ok(await read(deployId));
      expect(template.versions!.map((v) => v.version)).toEqual([2, 1]);
      const { createdAt: _createdAt, ...v1Fields } = v1 as VersionView & { createdAt: string };
      expect(template.versions![1]).toEqual(v1Fields);

      const old = ok(await api.gql(VERSION, { id: v1.id }, editor)).templateVersion;
      expect(old).toEqual({
        id: v1.id,
        version: 1,
        definition: DEPLOY,
        contentHash: v1.contentHash,
        template: { id: deployId, name: 'deploy-web' },
      });
      const byNumber = await api.gql(
        'query($id: ID!) { template(id: $id) { one: version(number: 1) { id } none: version(number: 9) { id } } }',
        { id: deployId },
        editor,
      );
      expect(ok(byNumber).template).toEqual({ one: { id: v1.id }, none: null });
    });

    it('publishes nothing when the content equals the latest version (key order and format aside)', async () => {
      const before = ok(await read(deployId)).template;
      const reordered = {
        edges: V2.edges,
        nodes: V2.nodes,
        inputs: V2.inputs,
        description: V2.description,
        name: V2.name,
      };
      const same = ok(await update({ id: deployId, definition: reordered })).updateTemplate;
      expect(same.latestVersionNumber).toBe(2);
      expect(same.updatedAt).toBe(before.updatedAt);
      const asYaml = ok(await update({ id: deployId, source: JSON.stringify(V2) })).updateTemplate;
      expect(asYaml.latestVersionNumber).toBe(2);
      const count = await queryDatabase(api.db.url, 'SELECT 1 FROM template_versions WHERE template_id = $1', [
        deployId,
      ]);
      expect(count).toHaveLength(2);
    });

    it('changes only the description without a new version', async () => {
      const changed = ok(await update({ id: deployId, description: 'Deploys web' })).updateTemplate;
      expect(changed).toMatchObject({ description: 'Deploys web', latestVersionNumber: 2 });
      const nothing = await update({ id: deployId });
      expect(errorCode(nothing)).toBe('BAD_USER_INPUT');
    });

    it('refuses an invalid new version with all problems, keeping the latest', async () => {
      const result = await update({ id: deployId, definition: BROKEN });
      expect(errorCode(result)).toBe('BAD_USER_INPUT');
      const problems = result.errors![0].extensions!.problems as Array<{ path: string }>;
      expect(problems.map((p) => p.path).sort()).toEqual([...BROKEN_PATHS].sort());
      expect(ok(await read(deployId)).template.latestVersionNumber).toBe(2);
    });

    it('numbers concurrent updates without gaps or collisions', async () => {
      const { createTemplate: t } = ok(await create({ name: 'busy', definition: DEPLOY }));
      const results = await Promise.all(
        [1, 2, 3, 4].map((n) => update({ id: t.id, definition: { ...DEPLOY, description: `change ${n}` } })),
      );
      for (const result of results) expect(result.errors).toBeUndefined();
      const { template } = ok(await read(t.id));
      expect(template.versions!.map((v) => v.version)).toEqual([5, 4, 3, 2, 1]);
      expect(template.latestVersionNumber).toBe(5);
    });
  });

  describe('archiveTemplate', () => {
    let archivedId: string;

    it('hides the template from the list; includeArchived and search still find it', async () => {
      const { createTemplate: t } = ok(await create({ name: 'old-runbook', definition: { ...DEPLOY, name: 'old' } }));
      archivedId = t.id;
      const archived = ok(await api.gql(ARCHIVE, { id: t.id }, editor)).archiveTemplate;
      expect(archived.archived).toBe(true);
      expect(Date.parse(archived.archivedAt)).not.toBeNaN();

      const active = ok(await list()).templates.map((x) => x.name);
      expect(active).not.toContain('old-runbook');
      expect(active).toContain('deploy-web');
      const all = ok(await list({ all: true })).templates;
      expect(all.find((x) => x.id === t.id)).toEqual({ id: t.id, name: 'old-runbook', archived: true });
      expect(ok(await list({ search: 'RUNBOOK', all: true })).templates.map((x) => x.id)).toEqual([t.id]);
      expect(ok(await list({ search: 'runbook' })).templates).toEqual([]);
      expect(ok(await list({ search: '%' })).templates).toEqual([]);
      // Still readable by id, versions included.
      expect(ok(await read(t.id)).template).toMatchObject({ archived: true, latestVersionNumber: 1 });
    });

    it('refuses to archive twice, to update an archived template, and to start runs of it', async () => {
      expect(errorCode(await api.gql(ARCHIVE, { id: archivedId }, editor))).toBe('CONFLICT');
      expect(errorCode(await update({ id: archivedId, description: 'x' }))).toBe('CONFLICT');
      const templates = api.app.get(TemplatesService);
      await expect(templates.getVersion(archivedId)).rejects.toMatchObject({ code: 'CONFLICT' });
    });

    it('frees the name; unarchiving needs it free again', async () => {
      const { createTemplate: again } = ok(await create({ name: 'old-runbook', definition: DEPLOY }));
      expect(errorCode(await api.gql(UNARCHIVE, { id: archivedId }, editor))).toBe('CONFLICT');
      ok(await api.gql(ARCHIVE, { id: again.id }, editor));
      const back = ok(await api.gql(UNARCHIVE, { id: archivedId }, editor)).unarchiveTemplate;
      expect(back).toEqual({ id: archivedId, archived: false, archivedAt: null });
      expect(ok(await list()).templates.map((x) => x.id)).toContain(archivedId);
      expect(errorCode(await api.gql(UNARCHIVE, { id: archivedId }, editor))).toBe('CONFLICT');
    });
  });

  describe('TemplatesService.getVersion (for runs)', () => {
    it('answers the latest version, a given one, NOT_FOUND otherwise', async () => {
      const templates = api.app.get(TemplatesService);
      const latest = await templates.getVersion(deployId);
      expect(latest).toMatchObject({ templateId: deployId, version: 2, template: { id: deployId, projectId: alpha } });
      expect(latest.definition).toMatchObject({ name: 'deploy-web' });
      expect((await templates.getVersion(deployId, 1)).definition).toEqual(DEPLOY);
      await expect(templates.getVersion(deployId, 3)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(templates.getVersion('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
    });
  });

  describe('access', () => {
    it('lets a viewer read but not write (FORBIDDEN)', async () => {
      expect(ok(await list({}, viewer)).templates.map((x) => x.name)).toContain('deploy-web');
      const { template } = ok(await read(deployId, viewer));
      expect(template.versions!.length).toBe(2);
      ok(await api.gql(VERSION, { id: template.versions![1].id }, viewer));

      const attempts = [
        await create({ name: 'nope', definition: DEPLOY }, viewer),
        await update({ id: deployId, description: 'nope' }, viewer),
        await api.gql(ARCHIVE, { id: deployId }, viewer),
        await api.gql(UNARCHIVE, { id: deployId }, viewer),
      ];
      for (const attempt of attempts) {
        expect(attempt.data).toBeNull();
        expect(errorCode(attempt)).toBe('FORBIDDEN');
      }
      expect(ok(await read(deployId)).template.description).toBe('Deploys web');
    });

    it("shows another project's member nothing: NOT_FOUND, as for a template that does not exist", async () => {
      const { template } = ok(await read(deployId));
      const versionId = template.versions![0].id;
      const attempts = [
        await list({}, outsider),
        await read(deployId, outsider),
        await api.gql(VERSION, { id: versionId }, outsider),
        await update({ id: deployId, description: 'mine now' }, outsider),
        await api.gql(ARCHIVE, { id: deployId }, outsider),
        await api.gql(CREATE, { input: { projectId: alpha, name: 'intruder', definition: DEPLOY } }, outsider),
      ];
      for (const attempt of attempts) {
        expect(attempt.data).toBeNull();
        expect(errorCode(attempt)).toBe('NOT_FOUND');
        expect(JSON.stringify(attempt)).not.toContain('deploy-web');
      }
      expect(errorCode(await read('00000000-0000-4000-8000-000000000000', outsider))).toBe('NOT_FOUND');
      expect(errorCode(await read(deployId, ''))).toBe('UNAUTHENTICATED');
    });
  });

  describe('audit log', () => {
    it('records create, update and archive with the template, and refused attempts', async () => {
      const log = ok(
        await api.gql(
          `query($p: ID!) { auditLog(projectId: $p, first: 200) {
            nodes { action actor outcome errorCode resourceType resourceId projectId detail }
          } }`,
          { p: alpha },
          editor,
        ),
      ).auditLog.nodes as AuditEntry[];
      const of = (action: string, outcome = 'SUCCESS') =>
        log.filter((e) => e.action === action && e.outcome === outcome && e.resourceId === deployId);

      expect(of('createTemplate')).toEqual([
        expect.objectContaining({ actor: 'ed', resourceType: 'template', projectId: alpha, errorCode: null }),
      ]);
      expect(of('createTemplate')[0].detail.args.input?.source).toBe(DEPLOY_YAML);
      // Two updates that changed something, two that changed nothing: all four are in the log.
      expect(of('updateTemplate').length).toBeGreaterThanOrEqual(4);
      expect(of('updateTemplate')[0]).toMatchObject({ actor: 'ed', resourceType: 'template', projectId: alpha });
      expect(of('updateTemplate', 'FAILED').map((e) => e.errorCode)).toContain('BAD_USER_INPUT');
      // Newest first: the outsider's probe, then the viewer's attempt.
      expect(of('updateTemplate', 'DENIED')).toEqual([
        expect.objectContaining({ actor: 'out', errorCode: 'NOT_FOUND', projectId: alpha }),
        expect.objectContaining({ actor: 'vi', errorCode: 'FORBIDDEN', projectId: alpha }),
      ]);

      const archives = log.filter((e) => e.action === 'archiveTemplate' && e.outcome === 'SUCCESS');
      expect(archives.length).toBe(2);
      for (const entry of archives)
        expect(entry).toMatchObject({ actor: 'ed', resourceType: 'template', projectId: alpha });
      expect(log.filter((e) => e.action === 'unarchiveTemplate' && e.outcome === 'SUCCESS')).toHaveLength(1);

      const rejected = log.find((e) => e.action === 'createTemplate' && e.outcome === 'FAILED');
      expect(rejected).toMatchObject({ errorCode: 'BAD_USER_INPUT', actor: 'ed', projectId: alpha });
    });
  });

  describe('validateDefinition', () => {
    it('answers valid with the parsed definition and its hash, for YAML text and for JSON', async () => {
      const fromYaml = ok(await api.gql(VALIDATE, { source: DEPLOY_YAML }, viewer)).validateDefinition;
      expect(fromYaml).toEqual({
        valid: true,
        problems: [],
        warnings: [],
        definition: DEPLOY,
        contentHash: expectedHash(DEPLOY),
      });
      const fromJson = ok(await api.gql(VALIDATE, { definition: DEPLOY }, outsider)).validateDefinition;
      expect(fromJson).toEqual(fromYaml);
    });

    it('answers every problem with its path, without throwing', async () => {
      const result = ok(await api.gql(VALIDATE, { definition: BROKEN }, viewer)).validateDefinition;
      expect(result.valid).toBe(false);
      expect(result.definition).toBeNull();
      expect(result.contentHash).toBeNull();
      expect(result.problems.map((p: { path: string }) => p.path).sort()).toEqual([...BROKEN_PATHS].sort());
      const syntax = ok(await api.gql(VALIDATE, { source: 'name: [unclosed' }, viewer)).validateDefinition;
      expect(syntax.valid).toBe(false);
      expect(syntax.problems[0].path).toMatch(/^line \d+, column \d+$/);
    });

    it('warns about a deprecated plugin but stays valid', async () => {
      api.app.get(PluginCatalogService).register([
        definePlugin({
          type: 'acme.legacy',
          version: '1.0.0',
          title: 'Legacy',
          deprecated: 'use builtin.noop',
          inputSchema: { type: 'object' },
          execute: () => Promise.resolve({}),
        }),
      ]);
      const result = ok(
        await api.gql(VALIDATE, { definition: { name: 'x', nodes: [{ id: 'a', type: 'acme.legacy' }] } }, viewer),
      ).validateDefinition;
      expect(result.valid).toBe(true);
      expect(result.warnings.map((w: { path: string }) => w.path)).toEqual(['nodes[0].type']);
    });

    it('wants exactly one of definition and source, and a signed-in caller', async () => {
      expect(errorCode(await api.gql(VALIDATE, {}, viewer))).toBe('BAD_USER_INPUT');
      expect(errorCode(await api.gql(VALIDATE, { definition: DEPLOY, source: DEPLOY_YAML }, viewer))).toBe(
        'BAD_USER_INPUT',
      );
      expect(errorCode(await api.gql(VALIDATE, { source: DEPLOY_YAML }))).toBe('UNAUTHENTICATED');
    });
  });
});
