/**
 * `npm run fuzz:graphql`: the long GraphQL fuzz (FUZZ_REQUESTS, default 5,000; FUZZ_SEED) against
 * the real API on a fresh PostgreSQL database and a Temporal dev server (TEMPORAL_ADDRESS or the
 * pinned CLI). Prints the summary, writes bench/results/graphql-fuzz.json, exits 1 on a finding.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runGraphqlFuzz, setupFuzzWorld } from './fuzz/graphql-fuzz';
import { BENCH_ADMIN_PASSWORD, startBenchApi } from './support/api';
import { startBenchTemporal } from './support/temporal';

const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 5000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261121);

async function main(): Promise<number> {
  const temporal = await startBenchTemporal();
  const api = await startBenchApi(temporal.address, `fuzz-${Date.now()}`);
  try {
    const world = await setupFuzzWorld({
      gql: (query, variables, token) => api.gql(query, variables, token),
      login: (username, password) => api.login(username, password),
      adminToken: await api.login('admin', BENCH_ADMIN_PASSWORD),
      sql: (sql, params) => api.sql(sql, params),
    });
    const summary = await runGraphqlFuzz({ baseUrl: api.baseUrl, world, requests: REQUESTS, seed: SEED });
    const report = {
      at: new Date().toISOString(),
      target: 'zero HTTP 5xx, every error with extensions.code, zero leaks across projects',
      targetMet: summary.findings.length === 0,
      ...summary,
      findings: summary.findings.slice(0, 200),
      findingCount: summary.findings.length,
    };
    console.log(
      `${summary.requests} requests in ${summary.durationMs} ms, seed ${summary.seed}\n` +
        `HTTP: ${JSON.stringify(summary.byStatus)}\ncodes: ${JSON.stringify(summary.byCode)}\n` +
        `requests with data: ${summary.withData}\nfindings: ${summary.findings.length}`,
    );
    for (const finding of summary.findings.slice(0, 10)) console.log(JSON.stringify(finding));
    const dir = join(__dirname, 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'graphql-fuzz.json'), JSON.stringify(report, null, 2) + '\n');
    console.log('written: bench/results/graphql-fuzz.json');
    return summary.findings.length === 0 ? 0 : 1;
  } finally {
    await api.close();
    await temporal.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
