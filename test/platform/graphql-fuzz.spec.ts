/**
 * The GraphQL fuzz (issue 7), short form: seeded requests against the real API on a fresh
 * PostgreSQL database and the real Temporal dev server (no worker: runs are rows, steered but
 * never executed). Zero 5xx, every error with extensions.code, nothing of the other project in
 * any response. `npm run fuzz:graphql` runs the long form (5,000 requests) and writes a summary.
 */
import { runGraphqlFuzz, setupFuzzWorld, type FuzzWorld } from '../../bench/fuzz/graphql-fuzz';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from './support/app';
import { queryDatabase } from './support/database';

const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 500);
const SEED = Number(process.env.FUZZ_SEED ?? 20261121);

describe('GraphQL fuzz', () => {
  let api: TestApp;
  let world: FuzzWorld;

  beforeAll(async () => {
    api = await startTestApp({
      config: {
        temporal: {
          address: process.env.SWITCHYARD_TEST_TEMPORAL_ADDRESS,
          namespace: 'default',
          taskQueue: `fuzz-${Date.now()}`,
        },
        logLevel: 'error',
      },
    });
    world = await setupFuzzWorld({
      gql: (query, variables, token) => api.gql(query, variables, token),
      login: (username, password) => api.login(username, password),
      adminToken: await api.login('admin', ADMIN_PASSWORD),
      sql: (sql, params) => queryDatabase(api.db.url, sql, params),
    });
  });

  afterAll(() => api?.close());

  it('sees its own project and not the other one (the leak check has teeth)', async () => {
    const owner = world.callers.find((caller) => caller.label === 'alpha-owner')!;
    const runs = await api.gql(
      'query($p: ID!) { runs(projectId: $p) { nodes { id } } }',
      { p: world.projects.alpha.id },
      owner.authorization!.slice('Bearer '.length),
    );
    expect(runs.data.runs.nodes.map((run: { id: string }) => run.id).sort()).toEqual(
      [...world.projects.alpha.runIds].sort(),
    );
    const foreign = await api.gql(
      'query($id: ID!) { run(id: $id) { id } }',
      { id: world.projects.beta.runIds[0] },
      owner.authorization!.slice('Bearer '.length),
    );
    expect(foreign.data).toBeNull();
    expect(foreign.errors?.[0]?.extensions?.code).toMatch(/NOT_FOUND|FORBIDDEN/);
  });

  it(`answers ${REQUESTS} hostile requests without a 5xx, an uncoded error or a leak`, async () => {
    const summary = await runGraphqlFuzz({ baseUrl: api.baseUrl, world, requests: REQUESTS, seed: SEED });
    expect(summary.findings).toEqual([]);
    // The generator must reach resolvers with data, and refusals of every kind.
    expect(summary.withData).toBeGreaterThan(REQUESTS / 20);
    expect(Object.keys(summary.byCode)).toEqual(
      expect.arrayContaining(['BAD_USER_INPUT', 'UNAUTHENTICATED', 'GRAPHQL_VALIDATION_FAILED']),
    );
  });
});
