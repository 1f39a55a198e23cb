import * as argon2 from 'argon2';
import { createHash } from 'node:crypto';
import { ADMIN_PASSWORD, errorCode, startTestApp, type TestApp } from './support/app';
import { queryDatabase } from './support/database';
import { Fixtures } from './support/fixtures';

const ME = '{ me { username isAdmin } }';
const CREATE_TOKEN = `mutation($p: ID!, $r: ProjectRole!, $n: String!) {
  createApiToken(projectId: $p, role: $r, name: $n) { token apiToken { id prefix role name revokedAt } }
}`;
const PROJECT = 'query($id: ID!) { project(id: $id) { id name } }';

describe('authentication', () => {
  let api: TestApp;
  let fixtures: Fixtures;

  beforeAll(async () => {
    api = await startTestApp();
    fixtures = new Fixtures(api);
  });
  afterAll(() => api.close());

  describe('login', () => {
    it('returns a JWT and the user for the right password', async () => {
      const result = await api.gql(
        'mutation { login(username: "admin", password: "' +
          ADMIN_PASSWORD +
          '") { token expiresAt user { username isAdmin } } }',
      );
      expect(result.errors).toBeUndefined();
      const { token, expiresAt, user } = result.data.login;
      expect(token.split('.')).toHaveLength(3);
      expect(user).toEqual({ username: 'admin', isAdmin: true });
      expect(new Date(expiresAt).getTime()).toBeGreaterThan(Date.now() + 3500_000);

      const me = await api.gql(ME, undefined, token);
      expect(me.data.me).toEqual({ username: 'admin', isAdmin: true });
    });

    it('refuses a wrong password and an unknown user alike, with UNAUTHENTICATED', async () => {
      const wrong = await api.gql('mutation { login(username: "admin", password: "not-it-at-all") { token } }');
      const unknown = await api.gql('mutation { login(username: "nobody", password: "not-it-at-all") { token } }');
      for (const result of [wrong, unknown]) {
        expect(result.data).toBeNull();
        expect(errorCode(result)).toBe('UNAUTHENTICATED');
        expect(result.errors![0].message).toBe('Invalid username or password');
      }
    });

    it('stores passwords as argon2id hashes, never in plain text', async () => {
      await fixtures.user('hashcheck', 'correct horse battery');
      const [row] = await queryDatabase<{ password_hash: string }>(
        api.db.url,
        "SELECT password_hash FROM users WHERE username = 'hashcheck'",
      );
      expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$/);
      expect(row.password_hash).toContain('m=19456');
      expect(row.password_hash).not.toContain('correct horse battery');
      expect(await argon2.verify(row.password_hash, 'correct horse battery')).toBe(true);
      const [admin] = await queryDatabase<{ password_hash: string }>(
        api.db.url,
        "SELECT password_hash FROM users WHERE username = 'admin'",
      );
      expect(admin.password_hash).toMatch(/^\$argon2id\$/);
      expect(admin.password_hash).not.toContain(ADMIN_PASSWORD);
    });
  });

  describe('JWT', () => {
    it('is required: no token, a malformed header or a forged token give UNAUTHENTICATED', async () => {
      const none = await api.gql(ME);
      expect(errorCode(none)).toBe('UNAUTHENTICATED');
      expect(none.data).toBeNull();

      const forged = await api.gql(ME, undefined, 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl');
      expect(errorCode(forged)).toBe('UNAUTHENTICATED');

      const response = await fetch(`${api.baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Basic YWRtaW46eA==' },
        body: JSON.stringify({ query: ME }),
      });
      const body = (await response.json()) as { errors: Array<{ extensions: { code: string }; message: string }> };
      expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
      expect(body.errors[0].message).toMatch(/Bearer/);
    });

    it('signed with another secret is refused', async () => {
      const other = await startTestApp({ db: api.db });
      try {
        const foreign = await other.login('admin', ADMIN_PASSWORD);
        expect(errorCode(await api.gql(ME, undefined, foreign))).toBe('UNAUTHENTICATED');
        expect((await other.gql(ME, undefined, foreign)).data.me.username).toBe('admin');
      } finally {
        await other.close();
      }
    });
  });

  describe('API tokens', () => {
    let projectId: string;
    let otherProjectId: string;
    let ownerToken: string;

    beforeAll(async () => {
      projectId = await fixtures.project('tokens');
      otherProjectId = await fixtures.project('tokens-other');
      ownerToken = await fixtures.user('token-owner');
      await fixtures.member(projectId, 'token-owner', 'OWNER');
    });

    it('authenticates as Bearer sy_..., is shown once and stored only as its SHA-256', async () => {
      const created = await api.gql(CREATE_TOKEN, { p: projectId, r: 'OPERATOR', n: 'ci' }, ownerToken);
      expect(created.errors).toBeUndefined();
      const { token, apiToken } = created.data.createApiToken;
      expect(token).toMatch(/^sy_[A-Za-z0-9_-]{43}$/);
      expect(apiToken.prefix).toBe(token.slice(0, 11));
      expect(apiToken.role).toBe('OPERATOR');

      const read = await api.gql(PROJECT, { id: projectId }, token);
      expect(read.errors).toBeUndefined();
      expect(read.data.project).toEqual({ id: projectId, name: 'tokens' });

      const [row] = await queryDatabase<Record<string, unknown>>(api.db.url, 'SELECT * FROM api_tokens WHERE id = $1', [
        apiToken.id,
      ]);
      expect(row.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
      expect(JSON.stringify(row)).not.toContain(token);

      // Listing never shows the secret again: the type has no field for it.
      const listed = await api.gql(
        'query($p: ID!) { apiTokens(projectId: $p) { id prefix } }',
        { p: projectId },
        ownerToken,
      );
      expect(listed.data.apiTokens).toEqual([{ id: apiToken.id, prefix: apiToken.prefix }]);
      const secretField = await api.gql(
        'query($p: ID!) { apiTokens(projectId: $p) { token } }',
        { p: projectId },
        ownerToken,
      );
      expect(errorCode(secretField)).toBe('GRAPHQL_VALIDATION_FAILED');
    });

    it('is scoped to its project: another project is NOT_FOUND, `me` and admin operations are refused', async () => {
      const { token } = (await api.gql(CREATE_TOKEN, { p: projectId, r: 'VIEWER', n: 'scoped' }, ownerToken)).data
        .createApiToken;
      expect(errorCode(await api.gql(PROJECT, { id: otherProjectId }, token))).toBe('NOT_FOUND');
      expect(errorCode(await api.gql(ME, undefined, token))).toBe('FORBIDDEN');
      expect(errorCode(await api.gql('{ users { id } }', undefined, token))).toBe('FORBIDDEN');
      const projects = await api.gql('{ projects { id myRole } }', undefined, token);
      expect(projects.data.projects).toEqual([{ id: projectId, myRole: 'VIEWER' }]);
      // A token cannot mint tokens.
      expect(errorCode(await api.gql(CREATE_TOKEN, { p: projectId, r: 'VIEWER', n: 'child' }, token))).toBe(
        'FORBIDDEN',
      );
    });

    it('fails once revoked', async () => {
      const { token, apiToken } = (
        await api.gql(CREATE_TOKEN, { p: projectId, r: 'VIEWER', n: 'short-lived' }, ownerToken)
      ).data.createApiToken;
      expect((await api.gql(PROJECT, { id: projectId }, token)).errors).toBeUndefined();

      const revoked = await api.gql(
        'mutation($id: ID!) { revokeApiToken(id: $id) { id revokedAt } }',
        { id: apiToken.id },
        ownerToken,
      );
      expect(revoked.errors).toBeUndefined();
      expect(revoked.data.revokeApiToken.revokedAt).not.toBeNull();

      const after = await api.gql(PROJECT, { id: projectId }, token);
      expect(errorCode(after)).toBe('UNAUTHENTICATED');
      expect(after.data).toBeNull();
    });

    it('cannot carry a role above its creator, and follows the creator down', async () => {
      const viewer = await fixtures.user('token-viewer');
      await fixtures.member(projectId, 'token-viewer', 'VIEWER');
      const above = await api.gql(CREATE_TOKEN, { p: projectId, r: 'OPERATOR', n: 'too-strong' }, viewer);
      expect(errorCode(above)).toBe('FORBIDDEN');
      expect(above.errors![0].message).toMatch(/above your own role VIEWER/);

      const editor = await fixtures.user('token-editor');
      await fixtures.member(projectId, 'token-editor', 'EDITOR');
      const { token } = (await api.gql(CREATE_TOKEN, { p: projectId, r: 'EDITOR', n: 'editor-token' }, editor)).data
        .createApiToken;
      const roleOf = async () => (await api.gql('{ projects { myRole } }', undefined, token)).data?.projects[0]?.myRole;
      expect(await roleOf()).toBe('EDITOR');

      const demote =
        'mutation($p: ID!, $u: String!, $r: ProjectRole!) { changeMember(projectId: $p, username: $u, role: $r) { role } }';
      await api.gql(demote, { p: projectId, u: 'token-editor', r: 'VIEWER' }, ownerToken);
      expect(await roleOf()).toBe('VIEWER');

      await api.gql(
        'mutation($p: ID!, $u: String!) { removeMember(projectId: $p, username: $u) { id } }',
        {
          p: projectId,
          u: 'token-editor',
        },
        ownerToken,
      );
      expect(errorCode(await api.gql('{ projects { id } }', undefined, token))).toBe('UNAUTHENTICATED');
    });
  });
});
