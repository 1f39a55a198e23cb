import { Module } from '@nestjs/common';
import { Query, Resolver } from '@nestjs/graphql';
import { createClient } from 'graphql-ws';
import { createRequire } from 'node:module';
import { DataSource } from 'typeorm';
import { Permission } from '../../src/common/auth/permissions';
import { RequirePermission } from '../../src/common/auth/require-permission.decorator';
import { ADMIN_PASSWORD, errorCode, startTestApp, type TestApp } from './support/app';
import { Fixtures } from './support/fixtures';

/** The `ws` WebSocket class for graphql-ws in Node (the package ships no types). */
const WebSocket: unknown = createRequire(__filename)('ws');

/** Resolvers that fail the way real bugs do. */
@Resolver()
class BrokenResolver {
  constructor(private readonly dataSource: DataSource) {}

  @Query(() => String)
  @RequirePermission(Permission.SIGNED_IN)
  crash(): string {
    throw new Error('boom: internal detail that must not leak');
  }

  @Query(() => String)
  @RequirePermission(Permission.SIGNED_IN)
  async badSql(): Promise<string> {
    await this.dataSource.query('SELECT * FROM no_such_table WHERE secret = $1', ['hunter2-parameter']);
    return 'unreachable';
  }
}

@Module({ providers: [BrokenResolver] })
class BrokenModule {}

describe('the API surface', () => {
  let api: TestApp;
  let fixtures: Fixtures;
  let admin: string;

  beforeAll(async () => {
    api = await startTestApp({
      app: {
        imports: [BrokenModule],
        readinessChecks: [{ name: 'flaky', check: () => Promise.resolve() }],
      },
    });
    fixtures = new Fixtures(api);
    admin = await fixtures.admin();
  });
  afterAll(() => api.close());

  describe('errors', () => {
    it('BAD_USER_INPUT lists every problem with its path', async () => {
      const result = await api.gql(
        'mutation($input: CreateUserInput!) { createUser(input: $input) { id } }',
        { input: { username: 'Not Valid!', password: 'short' } },
        admin,
      );
      expect(errorCode(result)).toBe('BAD_USER_INPUT');
      expect(result.errors![0].message).toBe('Invalid input (2 problems)');
      expect(result.errors![0].extensions!.problems).toEqual([
        { path: 'username', message: expect.stringMatching(/^must be 2 to 64 lowercase letters/) },
        { path: 'password', message: 'must be 8 to 256 characters' },
      ]);
    });

    it('CONFLICT on a duplicate', async () => {
      await fixtures.project('twice');
      const again = await api.gql('mutation { createProject(input: { name: "twice" }) { id } }', undefined, admin);
      expect(errorCode(again)).toBe('CONFLICT');
      expect(again.errors![0].message).toBe('A project named "twice" exists');
    });

    it('an unexpected error is "Internal error" with a correlation id; the stack goes to the log only', async () => {
      const result = await api.gql('{ crash }', undefined, admin);
      expect(result.data).toBeNull();
      const [error] = result.errors!;
      expect(error.message).toBe('Internal error');
      expect(error.extensions).toEqual({
        code: 'INTERNAL_SERVER_ERROR',
        correlationId: result.headers.get('x-request-id'),
      });
      expect(JSON.stringify(result)).not.toMatch(/boom|stack|\.ts:/);

      const logged = api.logs.entries().find((entry) => entry.correlationId === error.extensions!.correlationId);
      expect(logged).toMatchObject({ level: 50, msg: 'Unhandled error', reqId: error.extensions!.correlationId });
      expect((logged!.err as { stack: string }).stack).toContain('boom: internal detail');
    });

    it('a failing SQL statement leaks neither SQL to the client nor parameters to the log', async () => {
      const result = await api.gql('{ badSql }', undefined, admin);
      expect(result.errors![0].message).toBe('Internal error');
      expect(JSON.stringify(result)).not.toMatch(/no_such_table|SELECT|hunter2/);
      const logged = api.logs
        .entries()
        .find((entry) => entry.correlationId === result.errors![0].extensions!.correlationId);
      expect(JSON.stringify(logged)).toContain('no_such_table');
      expect(api.logs.text()).not.toContain('hunter2-parameter');
    });
  });

  describe('limits', () => {
    it('refuses too many aliases, too many tokens and batches', async () => {
      const aliases = Array.from({ length: 16 }, (_, i) => `a${i}: me { username }`).join(' ');
      const tooManyAliases = await api.gql(`{ ${aliases} }`, undefined, admin);
      expect(tooManyAliases.data).toBeUndefined();
      expect(tooManyAliases.errors![0].message).toMatch(/aliases/i);
      const fifteen = Array.from({ length: 15 }, (_, i) => `a${i}: me { username }`).join(' ');
      expect((await api.gql(`{ ${fifteen} }`, undefined, admin)).errors).toBeUndefined();

      const tokens = `{ ${Array.from({ length: 6000 }, () => '__typename').join(' ')} }`;
      const tooManyTokens = await api.gql(tokens, undefined, admin);
      expect(tooManyTokens.errors![0].message).toMatch(/token/i);
      expect(tooManyTokens.status).toBe(400);
      const syntaxError = await api.gql('query { me { id', undefined, admin);
      expect(syntaxError.status).toBe(400);
      expect(syntaxError.errors![0].extensions!.code).toBe('GRAPHQL_PARSE_FAILED');

      const batch = await fetch(`${api.baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]),
      });
      expect(batch.status).toBe(400);
    });

    it('refuses a body over 1 MB with 413', async () => {
      const response = await fetch(`${api.baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }', variables: { padding: 'x'.repeat(1_100_000) } }),
      });
      expect(response.status).toBe(413);
      expect(await response.json()).toEqual({ error: { message: 'Request body too large', code: 'BAD_USER_INPUT' } });

      const malformed = await fetch(`${api.baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"query": ',
      });
      expect(malformed.status).toBe(400);
    });
  });

  describe('probes and metrics', () => {
    it('/healthz says the process is up; /readyz checks the database and registered checks', async () => {
      const health = await fetch(`${api.baseUrl}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });

      const ready = await fetch(`${api.baseUrl}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready', ready: true, checks: { database: 'up', flaky: 'up' } });
    });

    it('/readyz answers 503 when a check fails', async () => {
      const other = await startTestApp({
        db: api.db,
        app: { readinessChecks: [{ name: 'temporal', check: () => Promise.reject(new Error('connection refused')) }] },
      });
      try {
        const ready = await fetch(`${other.baseUrl}/readyz`);
        expect(ready.status).toBe(503);
        expect(await ready.json()).toEqual({
          status: 'unready',
          ready: false,
          checks: { database: 'up', temporal: 'down' },
        });
      } finally {
        await other.close();
      }
    });

    it('/metrics counts HTTP requests and GraphQL operations by name and outcome', async () => {
      await api.gql('mutation { login(username: "admin", password: "definitely wrong") { token } }');
      await api.gql('{ me { username } }', undefined, admin);
      const response = await fetch(`${api.baseUrl}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/plain');
      const text = await response.text();
      expect(text).toMatch(
        /switchyard_graphql_operations_total\{type="mutation",name="login",outcome="success"\} [1-9]/,
      );
      expect(text).toMatch(/switchyard_graphql_operations_total\{type="mutation",name="login",outcome="error"\} [1-9]/);
      expect(text).toMatch(/switchyard_graphql_operations_total\{type="query",name="me",outcome="success"\} [1-9]/);
      expect(text).toMatch(/switchyard_http_requests_total\{method="POST",route="\/graphql",status="200"\} [1-9]/);
      expect(text).toMatch(/switchyard_http_requests_total\{method="GET",route="\/healthz",status="200"\} [1-9]/);
      expect(text).toContain('switchyard_process_cpu_seconds_total');
    });
  });

  describe('logs', () => {
    it('carry the request id on every request line, and no passwords or tokens', async () => {
      const project = await fixtures.project('logged');
      const token = (
        await api.gql(
          'mutation($p: ID!) { createApiToken(projectId: $p, role: VIEWER, name: "logcheck") { token } }',
          { p: project },
          admin,
        )
      ).data.createApiToken.token;
      const response = await fetch(`${api.baseUrl}/graphql?debug=${encodeURIComponent(token)}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
          'x-request-id': 'trace-me-123',
        },
        body: JSON.stringify({ query: '{ projects { id } }' }),
      });
      expect(response.headers.get('x-request-id')).toBe('trace-me-123');
      await response.json();

      const requestLines = api.logs.entries().filter((entry) => entry.msg === 'request completed');
      expect(requestLines.length).toBeGreaterThan(5);
      for (const line of requestLines) expect(line.reqId).toEqual(expect.any(String));
      expect(requestLines).toContainEqual(expect.objectContaining({ reqId: 'trace-me-123' }));

      const text = api.logs.text();
      for (const secret of [ADMIN_PASSWORD, admin, token, 'definitely wrong']) expect(text).not.toContain(secret);
      expect(text).not.toMatch(/authorization/i);
    });
  });

  describe('subscriptions transport', () => {
    it('serves graphql-ws on /graphql, authenticated by the connection_init payload', async () => {
      const run = (authorization?: string) =>
        new Promise<{ data?: unknown; errors?: Array<{ extensions?: { code?: string } }> }>((resolve, reject) => {
          const client = createClient({
            url: `${api.baseUrl.replace('http', 'ws')}/graphql`,
            webSocketImpl: WebSocket,
            connectionParams: authorization ? { authorization } : {},
            retryAttempts: 0,
          });
          let result: { data?: unknown; errors?: never } = {};
          client.subscribe(
            { query: '{ me { username } }' },
            {
              next: (value) => (result = value as typeof result),
              error: (error) => {
                void client.dispose();
                if (Array.isArray(error)) resolve({ errors: error });
                else reject(error instanceof Error ? error : new Error(JSON.stringify(error)));
              },
              complete: () => {
                void client.dispose();
                resolve(result);
              },
            },
          );
        });
      expect(await run(`Bearer ${admin}`)).toEqual({ data: { me: { username: 'admin' } } });
      const anonymous = await run();
      expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });
  });

  it('marks every GraphQL answer Cache-Control: no-store, data and errors alike', async () => {
    expect((await api.gql('{ me { id } }', undefined, admin)).headers.get('cache-control')).toBe('no-store');
    expect((await api.gql('{ crash }', undefined, admin)).headers.get('cache-control')).toBe('no-store');
    expect((await api.gql('{ __typename }')).headers.get('cache-control')).toBe('no-store');
  });
});

describe('introspection', () => {
  it('follows GRAPHQL_INTROSPECTION', async () => {
    const api = await startTestApp({ config: { graphql: { introspection: false } } });
    try {
      const result = await api.gql('{ __schema { queryType { name } } }');
      expect(result.errors![0].message).toMatch(/introspection/i);
      expect(result.data).toBeUndefined();
    } finally {
      await api.close();
    }
  });
});
