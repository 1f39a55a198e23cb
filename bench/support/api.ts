/**
 * The real API for benchmarks and the fuzzer: a fresh migrated PostgreSQL database, the Nest app
 * (`bootstrapApi`) on a free port, a GraphQL client. Like test/platform/support/app.ts, which
 * bench code does not import (nothing imports test/).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import type { SwitchyardConfig } from '../../src/config/config';
import { generatePayloadKey, type PayloadKeyring } from '../../src/config/payload-keys';
import { createScratchDatabase } from './scratch-database';
import { bootstrapApi } from '../../src/main';

export const BENCH_ADMIN_PASSWORD = 'bench-admin-password';

export interface BenchApi {
  app: NestExpressApplication;
  baseUrl: string;
  databaseUrl: string;
  // Responses are read loosely: callers ask for known shapes.
  gql(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
  ): Promise<{ status: number; data?: any; errors?: any[] }>;
  login(username: string, password: string): Promise<string>;
  sql<T = Record<string, unknown>>(query: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/** The bench's payload keys: the API encrypts with them, so the bench's workers and clients must too. */
export const BENCH_PAYLOAD_KEYRING: PayloadKeyring = { keys: [generatePayloadKey('bench')], source: 'explicit' };

/** Starts the API over a fresh database; `temporalAddress` for the runs it starts. */
export async function startBenchApi(temporalAddress: string, taskQueue = 'switchyard'): Promise<BenchApi> {
  const database = await createScratchDatabase();
  const config: SwitchyardConfig = {
    port: 0,
    databaseUrl: database.url,
    temporal: { address: temporalAddress, namespace: 'default', taskQueue },
    auth: {
      jwtSecret: randomBytes(48).toString('base64url'),
      jwtSecretSource: 'explicit',
      jwtExpiresInSeconds: 3600,
      adminPassword: BENCH_ADMIN_PASSWORD,
    },
    dataDir: mkdtempSync(join(tmpdir(), 'switchyard-bench-')),
    payloads: { keyring: BENCH_PAYLOAD_KEYRING },
    graphql: { introspection: true },
    logLevel: 'error',
  };
  const app = await bootstrapApi(config, { logDestination: { write() {} }, shutdownHooks: false });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const baseUrl = `http://127.0.0.1:${port}`;
  const pool = new Client({ connectionString: database.url });
  await pool.connect();
  const gql: BenchApi['gql'] = async (query, variables, token) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const response = await fetch(`${baseUrl}/graphql`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, ...((await response.json()) as object) };
  };
  return {
    app,
    baseUrl,
    databaseUrl: database.url,
    gql,
    async login(username, password) {
      const result = await gql('mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }', {
        u: username,
        p: password,
      });
      if (!result.data?.login) throw new Error(`login ${username}: ${JSON.stringify(result.errors)}`);
      return result.data.login.token as string;
    },
    async sql(query, params = []) {
      return (await pool.query(query, params)).rows;
    },
    async close() {
      await pool.end();
      await app.close();
      await database.drop();
    },
  };
}
