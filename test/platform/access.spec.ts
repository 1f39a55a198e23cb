import { errorCode, startTestApp, type TestApp } from './support/app';
import { Fixtures } from './support/fixtures';

const ADD_MEMBER =
  'mutation($p: ID!, $u: String!, $r: ProjectRole!) { addMember(projectId: $p, username: $u, role: $r) { role user { username } } }';
const CHANGE_MEMBER =
  'mutation($p: ID!, $u: String!, $r: ProjectRole!) { changeMember(projectId: $p, username: $u, role: $r) { role } }';
const REMOVE_MEMBER = 'mutation($p: ID!, $u: String!) { removeMember(projectId: $p, username: $u) { role } }';
const PROJECT = 'query($id: ID!) { project(id: $id) { id name members { role user { username } } myRole } }';

describe('access control', () => {
  let api: TestApp;
  let fixtures: Fixtures;
  let projectA: string;
  let projectB: string;
  let ownerA: string;
  let viewerA: string;
  let ownerB: string;

  beforeAll(async () => {
    api = await startTestApp();
    fixtures = new Fixtures(api);
    projectA = await fixtures.project('alpha');
    projectB = await fixtures.project('bravo');
    ownerA = await fixtures.user('owner-a');
    viewerA = await fixtures.user('viewer-a');
    ownerB = await fixtures.user('owner-b');
    await fixtures.user('newcomer');
    await fixtures.member(projectA, 'owner-a', 'OWNER');
    await fixtures.member(projectA, 'viewer-a', 'VIEWER');
    await fixtures.member(projectB, 'owner-b', 'OWNER');
  });
  afterAll(() => api.close());

  it('lets a viewer read its project, members included', async () => {
    const result = await api.gql(PROJECT, { id: projectA }, viewerA);
    expect(result.errors).toBeUndefined();
    expect(result.data.project.myRole).toBe('VIEWER');
    expect(result.data.project.members).toEqual([
      { role: 'OWNER', user: { username: 'owner-a' } },
      { role: 'VIEWER', user: { username: 'viewer-a' } },
    ]);
  });

  it('refuses addMember to a viewer with FORBIDDEN, and changes nothing', async () => {
    const result = await api.gql(ADD_MEMBER, { p: projectA, u: 'newcomer', r: 'EDITOR' }, viewerA);
    expect(errorCode(result)).toBe('FORBIDDEN');
    expect(result.errors![0].message).toBe('Requires role OWNER or higher in this project');
    expect(result.data).toBeNull();
    const members = (await api.gql(PROJECT, { id: projectA }, ownerA)).data.project.members;
    expect(members.map((m: { user: { username: string } }) => m.user.username)).not.toContain('newcomer');
  });

  it('lets an owner add, change and remove members', async () => {
    const added = await api.gql(ADD_MEMBER, { p: projectA, u: 'newcomer', r: 'OPERATOR' }, ownerA);
    expect(added.data.addMember).toEqual({ role: 'OPERATOR', user: { username: 'newcomer' } });
    expect(errorCode(await api.gql(ADD_MEMBER, { p: projectA, u: 'newcomer', r: 'VIEWER' }, ownerA))).toBe('CONFLICT');
    expect(
      (await api.gql(CHANGE_MEMBER, { p: projectA, u: 'newcomer', r: 'EDITOR' }, ownerA)).data.changeMember.role,
    ).toBe('EDITOR');
    expect((await api.gql(REMOVE_MEMBER, { p: projectA, u: 'newcomer' }, ownerA)).data.removeMember.role).toBe(
      'EDITOR',
    );
    expect(errorCode(await api.gql(REMOVE_MEMBER, { p: projectA, u: 'newcomer' }, ownerA))).toBe('NOT_FOUND');
    expect(errorCode(await api.gql(ADD_MEMBER, { p: projectA, u: 'ghost', r: 'VIEWER' }, ownerA))).toBe('NOT_FOUND');
  });

  it('keeps at least one owner', async () => {
    const demote = await api.gql(CHANGE_MEMBER, { p: projectA, u: 'owner-a', r: 'EDITOR' }, ownerA);
    expect(errorCode(demote)).toBe('CONFLICT');
    expect(errorCode(await api.gql(REMOVE_MEMBER, { p: projectA, u: 'owner-a' }, ownerA))).toBe('CONFLICT');
  });

  it('shows a member of A nothing of B: NOT_FOUND, the same as for a project that does not exist', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const id of [projectB, missing]) {
      const read = await api.gql(PROJECT, { id }, ownerA);
      expect(errorCode(read)).toBe('NOT_FOUND');
      expect(read.errors![0].message).toBe(`Project "${id}" not found`);
      expect(errorCode(await api.gql(ADD_MEMBER, { p: id, u: 'owner-a', r: 'OWNER' }, ownerA))).toBe('NOT_FOUND');
      expect(
        errorCode(await api.gql('query($p: ID!) { auditLog(projectId: $p) { nodes { id } } }', { p: id }, ownerA)),
      ).toBe('NOT_FOUND');
      expect(errorCode(await api.gql('query($p: ID!) { apiTokens(projectId: $p) { id } }', { p: id }, ownerA))).toBe(
        'NOT_FOUND',
      );
    }
    expect(errorCode(await api.gql(PROJECT, { id: 'not-a-uuid' }, ownerA))).toBe('NOT_FOUND');

    const projects = await api.gql('{ projects { name myRole } }', undefined, ownerA);
    expect(projects.data.projects).toEqual([{ name: 'alpha', myRole: 'OWNER' }]);

    // B's tokens are invisible too: revoking one by id is NOT_FOUND.
    const tokenB = await api.gql(
      'mutation($p: ID!) { createApiToken(projectId: $p, role: VIEWER, name: "b") { apiToken { id } } }',
      { p: projectB },
      ownerB,
    );
    const revoke = await api.gql(
      'mutation($id: ID!) { revokeApiToken(id: $id) { id } }',
      { id: tokenB.data.createApiToken.apiToken.id },
      ownerA,
    );
    expect(errorCode(revoke)).toBe('NOT_FOUND');
    expect(revoke.errors![0].message).toMatch(/^API token ".*" not found$/);
  });

  it('keeps global operations for admins: createProject, createUser, users', async () => {
    expect(
      errorCode(await api.gql('mutation { createProject(input: { name: "mine" }) { id } }', undefined, ownerA)),
    ).toBe('FORBIDDEN');
    expect(
      errorCode(
        await api.gql(
          'mutation { createUser(input: { username: "sneaky", password: "long-enough" }) { id } }',
          undefined,
          ownerA,
        ),
      ),
    ).toBe('FORBIDDEN');
    expect(errorCode(await api.gql('{ users { id } }', undefined, ownerA))).toBe('FORBIDDEN');
    expect(errorCode(await api.gql('{ systemAuditLog { nodes { id } } }', undefined, ownerA))).toBe('FORBIDDEN');

    const admin = await fixtures.admin();
    const users = await api.gql('{ users { username } }', undefined, admin);
    expect(users.data.users.map((u: { username: string }) => u.username)).toEqual(
      expect.arrayContaining(['admin', 'owner-a', 'owner-b', 'viewer-a']),
    );
    const everything = await api.gql('{ projects { name myRole } }', undefined, admin);
    expect(everything.data.projects).toEqual([
      { name: 'alpha', myRole: 'OWNER' },
      { name: 'bravo', myRole: 'OWNER' },
    ]);
  });
});
