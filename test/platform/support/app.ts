import type { NestExpressApplication } from '@nestjs/platform-express';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppModuleOptions } from '../../../src/app.module';
import type { SwitchyardConfig } from '../../../src/config/config';
import { bootstrapApi } from '../../../src/main';
import { createTestDatabase, type TestDatabase } from './database';

export const ADMIN_PASSWORD = 'admin-password-for-tests';

/** A configuration for tests: port 0, a random JWT secret, a temporary data directory. */
export function testConfig(databaseUrl: string, overrides: Partial<SwitchyardConfig> = {}): SwitchyardConfig {
  return {
    port: 0,
    databaseUrl,
    temporal: { namespace: 'default', taskQueue: 'switchyard' },
    auth: {
      jwtSecret: randomBytes(48).toString('base64url'),
      jwtSecretSource: 'explicit',
      jwtExpiresInSeconds: 3600,
      adminPassword: ADMIN_PASSWORD,
    },
    dataDir: mkdtempSync(join(tmpdir(), 'switchyard-test-')),
    graphql: { introspection: true },
    logLevel: 'info',
    secrets: { keys: [{ id: 'test', key: randomBytes(32) }], source: 'explicit' },
    ...overrides,
  };
}

/** The same, without SWITCHYARD_ADMIN_PASSWORD: the first start generates the admin password. */
export function withoutAdminPassword(config: SwitchyardConfig): SwitchyardConfig {
  return { ...config, auth: { ...config.auth, adminPassword: undefined } };
}

/** Collects the app's JSON log lines, to assert on what is (not) logged. */
export class LogCapture {
  readonly lines: string[] = [];

  write(chunk: string): void {
    this.lines.push(...chunk.split('\n').filter(Boolean));
  }

  text(): string {
    return this.lines.join('\n');
  }

  entries(): Array<Record<string, unknown>> {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}

// Responses are loosely typed on purpose: specs read whatever shape the query asked for.
 
export interface GraphQLResponse<T = any> {
  status: number;
  headers: Headers;
  data?: T;
   
  errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, any> }>;
}

/** A running API on a random port, over a fresh database. */
export interface TestApp {
  app: NestExpressApplication;
  db: TestDatabase;
  config: SwitchyardConfig;
  baseUrl: string;
  logs: LogCapture;
   
  gql<T = any>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLResponse<T>>;
  login(username: string, password: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Starts the real API (`bootstrapApi`) listening on port 0, over a fresh migrated database
 * (or `options.db`), with logs captured. `close()` stops it and drops the database it created.
 */
export async function startTestApp(
  options: {
    config?: Partial<SwitchyardConfig>;
    app?: AppModuleOptions;
    db?: TestDatabase;
    /** Start without SWITCHYARD_ADMIN_PASSWORD (a first start then generates and prints one). */
    generatedAdminPassword?: boolean;
  } = {},
): Promise<TestApp> {
  const ownDb = !options.db;
  const db = options.db ?? (await createTestDatabase());
  const configured = testConfig(db.url, options.config);
  const config = options.generatedAdminPassword ? withoutAdminPassword(configured) : configured;
  const logs = new LogCapture();
  let app: NestExpressApplication;
  try {
    app = await bootstrapApi(config, { logDestination: logs, ...options.app });
  } catch (error) {
    if (ownDb) await db.drop();
    throw error;
  }
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const baseUrl = `http://127.0.0.1:${port}`;

  const gql = async <T>(query: string, variables?: Record<string, unknown>, token?: string) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const response = await fetch(`${baseUrl}/graphql`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as Omit<GraphQLResponse<T>, 'status' | 'headers'>;
    return { status: response.status, headers: response.headers, ...body };
  };

  const login = async (username: string, password: string) => {
    const result = await gql<{ login: { token: string } }>(
      'mutation Login($u: String!, $p: String!) { login(username: $u, password: $p) { token } }',
      { u: username, p: password },
    );
    if (!result.data?.login) throw new Error(`login ${username} failed: ${JSON.stringify(result.errors)}`);
    return result.data.login.token;
  };

  return {
    app,
    db,
    config,
    baseUrl,
    logs,
    gql,
    login,
    close: async () => {
      await app.close();
      if (ownDb) await db.drop();
    },
  };
}

/** The error code of the first GraphQL error, for terse assertions. */
export function errorCode(response: GraphQLResponse): string | undefined {
  return response.errors?.[0]?.extensions?.code as string | undefined;
}
