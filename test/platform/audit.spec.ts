import { ADMIN_PASSWORD, errorCode, startTestApp, type TestApp } from './support/app';
import { queryDatabase } from './support/database';
import { Fixtures } from './support/fixtures';

const AUDIT_LOG = `query($p: ID!, $first: Int, $after: String) {
  auditLog(projectId: $p, first: $first, after: $after) {
    nodes { id action actor outcome errorCode resourceType resourceId projectId detail requestId }
    pageInfo { hasNextPage endCursor }
  }
}`;
const SYSTEM_LOG = `{ systemAuditLog(first: 200) { nodes { action actor actorUserId outcome errorCode resourceType detail } } }`;

interface Entry {
  id: string;
  action: string;
  actor: string;
  outcome: string;
  errorCode: string | null;
  resourceType: string | null;
  resourceId: string | null;
  projectId: string | null;
  detail: { args: Record<string, unknown>; error?: string };
  requestId: string | null;
}

describe('audit log', () => {
  let api: TestApp;
  let fixtures: Fixtures;
  let admin: string;
  let projectId: string;
  let otherProjectId: string;
  let owner: string;
  let viewer: string;
  let secretToken: string;

  beforeAll(async () => {
    api = await startTestApp();
    fixtures = new Fixtures(api);
    admin = await fixtures.admin();
    projectId = await fixtures.project('audited');
    otherProjectId = await fixtures.project('elsewhere');
    owner = await fixtures.user('auditor');
    viewer = await fixtures.user('onlooker');
    await fixtures.user('extra');
    await fixtures.member(projectId, 'auditor', 'OWNER');
    await fixtures.member(projectId, 'onlooker', 'VIEWER');
  });
  afterAll(() => api.close());

  async function projectLog(id = projectId, token = owner): Promise<Entry[]> {
    const result = await api.gql<{ auditLog: { nodes: Entry[] } }>(AUDIT_LOG, { p: id, first: 200 }, token);
    expect(result.errors).toBeUndefined();
    return result.data!.auditLog.nodes;
  }

  it('records every mutation of a project with who, what, on what and the outcome', async () => {
    const add = await api.gql(
      'mutation($p: ID!) { addMember(projectId: $p, username: "extra", role: VIEWER) { id } }',
      { p: projectId },
      owner,
    );
    const requestId = add.headers.get('x-request-id');
    expect(requestId).toBeTruthy();
    await api.gql(
      'mutation($p: ID!) { changeMember(projectId: $p, username: "extra", role: EDITOR) { id } }',
      { p: projectId },
      owner,
    );
    await api.gql(
      'mutation($p: ID!) { removeMember(projectId: $p, username: "extra") { id } }',
      { p: projectId },
      owner,
    );
    const created = await api.gql(
      'mutation($p: ID!) { createApiToken(projectId: $p, role: VIEWER, name: "robot") { token apiToken { id } } }',
      { p: projectId },
      owner,
    );
    secretToken = created.data.createApiToken.token;
    const tokenId = created.data.createApiToken.apiToken.id;
    await api.gql('mutation($id: ID!) { revokeApiToken(id: $id) { id } }', { id: tokenId }, owner);

    const log = await projectLog();
    const newestFirst = log.map((e) => [e.action, e.actor, e.outcome]);
    expect(newestFirst.slice(0, 5)).toEqual([
      ['revokeApiToken', 'auditor', 'SUCCESS'],
      ['createApiToken', 'auditor', 'SUCCESS'],
      ['removeMember', 'auditor', 'SUCCESS'],
      ['changeMember', 'auditor', 'SUCCESS'],
      ['addMember', 'auditor', 'SUCCESS'],
    ]);
    const addEntry = log[4];
    expect(addEntry).toMatchObject({
      resourceType: 'membership',
      resourceId: 'extra',
      projectId,
      errorCode: null,
      requestId,
      detail: { args: { projectId, username: 'extra', role: 'viewer' } },
    });
    expect(log[0]).toMatchObject({ resourceType: 'apiToken', resourceId: tokenId });
    expect(log[1]).toMatchObject({ resourceType: 'apiToken', resourceId: tokenId });
    // createProject lands in the new project's log, done by the admin.
    expect(log[log.length - 1]).toMatchObject({ action: 'createProject', actor: 'admin', resourceId: projectId });
  });

  it('records denied attempts: too low a role, another project, no credentials', async () => {
    const denied = await api.gql(
      'mutation($p: ID!) { addMember(projectId: $p, username: "extra", role: OWNER) { id } }',
      { p: projectId },
      viewer,
    );
    expect(errorCode(denied)).toBe('FORBIDDEN');
    const foreign = await api.gql(
      'mutation($p: ID!) { addMember(projectId: $p, username: "onlooker", role: OWNER) { id } }',
      { p: otherProjectId },
      owner,
    );
    expect(errorCode(foreign)).toBe('NOT_FOUND');
    const anonymous = await api.gql('mutation($p: ID!) { removeMember(projectId: $p, username: "auditor") { id } }', {
      p: projectId,
    });
    expect(errorCode(anonymous)).toBe('UNAUTHENTICATED');

    const [latest] = await projectLog();
    expect(latest).toMatchObject({
      action: 'addMember',
      actor: 'onlooker',
      outcome: 'DENIED',
      errorCode: 'FORBIDDEN',
      projectId,
      detail: { args: { username: 'extra', role: 'owner' }, error: 'Requires role OWNER or higher in this project' },
    });
    // The probe of the other project is in THAT project's log, for its owners to see.
    const elsewhere = await projectLog(otherProjectId, admin);
    expect(elsewhere[0]).toMatchObject({
      action: 'addMember',
      actor: 'auditor',
      outcome: 'DENIED',
      errorCode: 'NOT_FOUND',
    });

    const system = (await api.gql(SYSTEM_LOG, undefined, admin)).data.systemAuditLog.nodes;
    expect(system).toContainEqual(
      expect.objectContaining({
        action: 'removeMember',
        actor: 'anonymous',
        outcome: 'DENIED',
        errorCode: 'UNAUTHENTICATED',
      }),
    );
  });

  it('records failures and logins, never passwords nor tokens', async () => {
    const failed = await api.gql(
      'mutation($p: ID!) { addMember(projectId: $p, username: "nobody", role: VIEWER) { id } }',
      { p: projectId },
      owner,
    );
    expect(errorCode(failed)).toBe('NOT_FOUND');
    const [latest] = await projectLog();
    expect(latest).toMatchObject({ action: 'addMember', outcome: 'FAILED', errorCode: 'NOT_FOUND' });

    await api.gql('mutation { login(username: "admin", password: "wrong-password") { token } }');
    const system = (await api.gql(SYSTEM_LOG, undefined, admin)).data.systemAuditLog.nodes;
    const logins = system.filter((e: Entry) => e.action === 'login');
    expect(logins[0]).toMatchObject({
      outcome: 'DENIED',
      errorCode: 'UNAUTHENTICATED',
      actor: 'anonymous',
      detail: { args: { username: 'admin', password: '[REDACTED]' } },
    });
    expect(logins).toContainEqual(
      expect.objectContaining({
        outcome: 'SUCCESS',
        actor: 'admin',
        actorUserId: expect.any(String),
        resourceType: 'user',
      }),
    );
    expect(system).toContainEqual(
      expect.objectContaining({ action: 'createUser', actor: 'admin', outcome: 'SUCCESS' }),
    );

    const everything = JSON.stringify(await queryDatabase(api.db.url, 'SELECT * FROM audit_log'));
    expect(everything).not.toContain(ADMIN_PASSWORD);
    expect(everything).not.toContain('wrong-password');
    expect(everything).not.toContain('auditor-password');
    expect(everything).not.toContain(secretToken);
  });

  it('pages newest first with a cursor', async () => {
    const all = await projectLog();
    const first = await api.gql(AUDIT_LOG, { p: projectId, first: 2 }, owner);
    expect(first.data.auditLog.nodes.map((e: Entry) => e.id)).toEqual(all.slice(0, 2).map((e) => e.id));
    expect(first.data.auditLog.pageInfo.hasNextPage).toBe(true);
    const second = await api.gql(
      AUDIT_LOG,
      { p: projectId, first: 2, after: first.data.auditLog.pageInfo.endCursor },
      owner,
    );
    expect(second.data.auditLog.nodes.map((e: Entry) => e.id)).toEqual(all.slice(2, 4).map((e) => e.id));
    expect(errorCode(await api.gql(AUDIT_LOG, { p: projectId, first: 0 }, owner))).toBe('BAD_USER_INPUT');
    expect(errorCode(await api.gql(AUDIT_LOG, { p: projectId, after: 'bogus' }, owner))).toBe('BAD_USER_INPUT');
  });

  it('is append-only in the database', async () => {
    await expect(queryDatabase(api.db.url, "UPDATE audit_log SET actor = 'someone-else'")).rejects.toThrow(/immutable/);
    await expect(queryDatabase(api.db.url, 'DELETE FROM audit_log')).rejects.toThrow(/immutable/);
  });
});
