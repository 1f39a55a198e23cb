import { ACCESS_CACHE_TTL_MS } from '../../src/common/auth/access-cache';
import { errorCode, startTestApp, testConfig, type TestApp } from './support/app';
import { queryDatabase } from './support/database';
import { Fixtures } from './support/fixtures';

const PROJECT = 'query($id: ID!) { project(id: $id) { id myRole } }';
const RUNS = 'query($p: ID!) { runs(projectId: $p) { nodes { id } } }';
const CHANGE_MEMBER =
  'mutation($p: ID!, $u: String!, $r: ProjectRole!) { changeMember(projectId: $p, username: $u, role: $r) { role } }';
const REMOVE_MEMBER = 'mutation($p: ID!, $u: String!) { removeMember(projectId: $p, username: $u) { role } }';
const CREATE_TOKEN =
  'mutation($p: ID!, $r: ProjectRole!, $n: String!) { createApiToken(projectId: $p, role: $r, name: $n) { token apiToken { id } } }';
const CREATE_TEMPLATE = 'mutation($input: CreateTemplateInput!) { createTemplate(input: $input) { id } }';

/**
 * Access decisions are cached for a few seconds (AccessCache): what changes access through the API
 * applies at once; a change the API does not see (another process, the database edited by hand)
 * applies within the TTL.
 */
describe('the access cache', () => {
  // A short TTL so the "behind the API's back" case is quick to observe.
  const ttlMs = 1_000;
  let api: TestApp;
  let fixtures: Fixtures;
  let projectId: string;
  let owner: string;

  beforeAll(async () => {
    // `config.auth` replaces the whole section: a fresh one like testConfig's, with the short TTL.
    api = await startTestApp({ config: { auth: { ...testConfig('unused').auth, accessCacheMs: ttlMs } } });
    fixtures = new Fixtures(api);
    projectId = await fixtures.project('cached');
    owner = await fixtures.user('cache-owner');
    await fixtures.member(projectId, 'cache-owner', 'OWNER');
  });
  afterAll(() => api.close());

  it('defaults to a TTL of a few seconds', () => {
    expect(ACCESS_CACHE_TTL_MS).toBeGreaterThan(0);
    expect(ACCESS_CACHE_TTL_MS).toBeLessThanOrEqual(10_000);
  });

  it('refuses a removed member on the next request', async () => {
    const member = await fixtures.user('cache-removed');
    await fixtures.member(projectId, 'cache-removed', 'VIEWER');
    expect((await api.gql(RUNS, { p: projectId }, member)).errors).toBeUndefined();
    expect((await api.gql(RUNS, { p: projectId }, member)).errors).toBeUndefined();

    expect((await api.gql(REMOVE_MEMBER, { p: projectId, u: 'cache-removed' }, owner)).errors).toBeUndefined();
    expect(errorCode(await api.gql(RUNS, { p: projectId }, member))).toBe('NOT_FOUND');
  });

  it('applies a demotion on the next request', async () => {
    const editor = await fixtures.user('cache-editor');
    await fixtures.member(projectId, 'cache-editor', 'EDITOR');
    const input = (name: string) => ({ projectId, definition: { name, nodes: [{ id: 'a', type: 'builtin.noop' }] } });
    expect((await api.gql(CREATE_TEMPLATE, { input: input('by-editor') }, editor)).errors).toBeUndefined();

    await api.gql(CHANGE_MEMBER, { p: projectId, u: 'cache-editor', r: 'VIEWER' }, owner);
    expect(errorCode(await api.gql(CREATE_TEMPLATE, { input: input('by-viewer') }, editor))).toBe('FORBIDDEN');
    expect((await api.gql(PROJECT, { id: projectId }, editor)).data.project.myRole).toBe('VIEWER');
  });

  it('refuses a revoked API token on the next request', async () => {
    const { token, apiToken } = (await api.gql(CREATE_TOKEN, { p: projectId, r: 'VIEWER', n: 'cached' }, owner)).data
      .createApiToken;
    expect((await api.gql(RUNS, { p: projectId }, token)).errors).toBeUndefined();
    await api.gql('mutation($id: ID!) { revokeApiToken(id: $id) { id } }', { id: apiToken.id }, owner);
    expect(errorCode(await api.gql(RUNS, { p: projectId }, token))).toBe('UNAUTHENTICATED');
  });

  it('applies a change made behind its back within the TTL', async () => {
    const member = await fixtures.user('cache-behind');
    await fixtures.member(projectId, 'cache-behind', 'VIEWER');
    const { token } = (await api.gql(CREATE_TOKEN, { p: projectId, r: 'VIEWER', n: 'behind' }, member)).data
      .createApiToken;
    expect((await api.gql(RUNS, { p: projectId }, member)).errors).toBeUndefined();
    expect((await api.gql(RUNS, { p: projectId }, token)).errors).toBeUndefined();

    // Not through the API: another process, or an operator in psql.
    await queryDatabase(
      api.db.url,
      `DELETE FROM memberships WHERE user_id = (SELECT id FROM users WHERE username = 'cache-behind')`,
    );
    await queryDatabase(api.db.url, `UPDATE api_tokens SET revoked_at = now() WHERE name = 'behind'`);
    await new Promise((resolve) => setTimeout(resolve, ttlMs + 100));
    expect(errorCode(await api.gql(RUNS, { p: projectId }, member))).toBe('NOT_FOUND');
    expect(errorCode(await api.gql(RUNS, { p: projectId }, token))).toBe('UNAUTHENTICATED');
  });
});
