/**
 * `npm run bench:listing`: the GraphQL `runs` list over BENCH_LISTING_RUNS (default 100,000)
 * runs in a fresh PostgreSQL database (inserted with generate_series), against the bare SQL of
 * the same page on a plain pg connection. Like with like: the bare SQL is the very statement the
 * API runs for that page (`RunsService.pageQuery`, same columns, same filters, child runs left
 * out), and its EXPLAIN shows which index answers it. Pages: the first page, a page filtered by
 * status, one filtered by template and status, one by who started them, and a second page
 * (cursor). Each is timed BENCH_LISTING_REPS times (default 30), alternating GraphQL and SQL;
 * the GraphQL requests go through a lean node:http client (`leanGraphqlClient`), as the SQL goes
 * through the lean pg client.
 * Two more requests are timed beside them: `{ __typename }` without credentials, the floor of any
 * GraphQL request over HTTP (Express, logging, Apollo); and `{ me { id } }`, an authenticated
 * request (the floor plus the guard and one user lookup).
 * Target (issue #7): GraphQL within 2x of the bare SQL. Writes bench/results/runs-listing.json
 * with the load average before and after (the figures move with it; the ratios less).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { RunsService } from '../src/runs/runs.service';
import { machineFacts } from './support/machine';
import { BENCH_ADMIN_PASSWORD, startBenchApi } from './support/api';
import { leanGraphqlClient } from './support/graphql-http';

const RUNS = Number(process.env.BENCH_LISTING_RUNS ?? 100_000);
const REPS = Number(process.env.BENCH_LISTING_REPS ?? 30);
const PAGE = 50;
const STATUSES = ['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'RUNNING', 'WAITING', 'PAUSED'];

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const RUN_FIELDS = 'id projectId templateId templateName version status inputs startedBy createdAt startedAt endedAt';

const loadAverage = (): number[] => loadavg().map((value) => Number(value.toFixed(2)));

async function main(): Promise<void> {
  // The listing never talks to Temporal; an unreachable address keeps the API from needing one.
  const api = await startBenchApi(process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:1');
  const loadBefore = loadAverage();
  console.log(`load average ${loadBefore.join(' ')} (${cpus().length} cpus)`);
  try {
    const admin = await api.login('admin', BENCH_ADMIN_PASSWORD);
    const project = await api.gql('mutation { createProject(input: { name: "listing" }) { id } }', {}, admin);
    const projectId = project.data.createProject.id as string;
    const other = await api.gql('mutation { createProject(input: { name: "other" }) { id } }', {}, admin);
    const otherId = other.data.createProject.id as string;
    const templates: Array<{ id: string; versionId: string; projectId: string }> = [];
    for (const [i, pid] of [projectId, projectId, projectId, otherId].entries()) {
      const created = await api.gql(
        'mutation($input: CreateTemplateInput!) { createTemplate(input: $input) { id latestVersion { id } } }',
        { input: { projectId: pid, definition: { name: `tpl-${i}`, nodes: [{ id: 'a', type: 'builtin.noop' }] } } },
        admin,
      );
      templates.push({
        id: created.data.createTemplate.id,
        versionId: created.data.createTemplate.latestVersion.id,
        projectId: pid,
      });
    }

    const insertStarted = performance.now();
    // 90 % of the runs in the measured project, 10 % in another one; three templates, eight
    // statuses, twenty starters, one run a minute going back in time.
    await api.sql(
      `INSERT INTO runs (project_id, template_id, template_version_id, version, workflow_id, status, started_by,
                         inputs, created_at, started_at, finished_at, updated_at)
       SELECT (t.v->>'projectId')::uuid, (t.v->>'id')::uuid, (t.v->>'versionId')::uuid, 1, 'bench-' || g,
              ($2::text[])[1 + g % array_length($2::text[], 1)], 'user' || (g % 20),
              jsonb_build_object('env', CASE WHEN g % 2 = 0 THEN 'prod' ELSE 'dev' END, 'n', g),
              now() - g * interval '1 minute', now() - g * interval '1 minute', now() - g * interval '1 minute' + interval '30 seconds',
              now() - g * interval '1 minute'
         FROM generate_series(1, $1::int) AS g
         CROSS JOIN LATERAL (SELECT ($3::jsonb)->(CASE WHEN g % 10 = 0 THEN 3 ELSE g % 3 END) AS v) AS t`,
      [RUNS, STATUSES, JSON.stringify(templates)],
    );
    await api.sql('ANALYZE runs');
    const insertMs = performance.now() - insertStarted;
    const [{ count }] = await api.sql<{ count: string }>('SELECT count(*) FROM runs WHERE project_id = $1', [
      projectId,
    ]);
    console.log(`inserted ${RUNS} runs (${count} in the measured project) in ${Math.round(insertMs)} ms`);

    const firstPage = await api.gql(
      `query($p: ID!) { runs(projectId: $p) { pageInfo { endCursor } } }`,
      { p: projectId },
      admin,
    );
    const cursor = firstPage.data.runs.pageInfo.endCursor as string;
    const template = templates[1].id;

    const scenarios: Array<{ name: string; args: Record<string, string> }> = [
      { name: 'first page', args: {} },
      { name: 'status = FAILED', args: { status: 'FAILED' } },
      { name: 'template + status = RUNNING', args: { templateId: template, status: 'RUNNING' } },
      { name: 'startedBy = user7', args: { startedBy: 'user7' } },
      { name: 'second page (cursor)', args: { after: cursor } },
    ];
    const runsService = api.app.get(RunsService);

    const query = `query($p: ID!, $status: RunStatus, $templateId: ID, $startedBy: String, $after: String) {
      runs(projectId: $p, first: ${PAGE}, status: $status, templateId: $templateId, startedBy: $startedBy, after: $after) {
        nodes { ${RUN_FIELDS} } pageInfo { hasNextPage endCursor } } }`;
    const gql = leanGraphqlClient(api.baseUrl);
    const timeGraphql = async (variables: Record<string, unknown>): Promise<number> => {
      const started = performance.now();
      const result = await gql(query, variables, admin);
      const ms = performance.now() - started;
      if (!result.data?.runs) throw new Error(JSON.stringify(result.errors));
      return ms;
    };
    const timeSql = async (sql: string, params: unknown[]): Promise<number> => {
      const started = performance.now();
      await api.sql(sql, params);
      return performance.now() - started;
    };
    const timeMe = async (): Promise<number> => {
      const started = performance.now();
      await gql('query { me { id } }', {}, admin);
      return performance.now() - started;
    };
    const timeFloor = async (): Promise<number> => {
      const started = performance.now();
      await gql('query { __typename }');
      return performance.now() - started;
    };

    const rows = [];
    for (const scenario of scenarios) {
      const { sql, params } = runsService.pageQuery({ projectId, ...scenario.args }, PAGE + 1);
      const variables = { p: projectId, ...scenario.args };
      for (let i = 0; i < 3; i++) {
        await timeGraphql(variables);
        await timeSql(sql, params);
      }
      const graphql: number[] = [];
      const bare: number[] = [];
      const me: number[] = [];
      const floor: number[] = [];
      for (let rep = 0; rep < REPS; rep++) {
        graphql.push(await timeGraphql(variables));
        bare.push(await timeSql(sql, params));
        me.push(await timeMe());
        floor.push(await timeFloor());
      }
      const plan = await api.sql<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
      const planText = plan.map((line) => line['QUERY PLAN']);
      const indexes = [...new Set(planText.join('\n').match(/(?:IDX|UQ|PK)_\w+/g) ?? [])];
      const row = {
        scenario: scenario.name,
        graphqlMs: Number(median(graphql).toFixed(2)),
        bareSqlMs: Number(median(bare).toFixed(2)),
        ratio: Number((median(graphql) / median(bare)).toFixed(2)),
        authenticatedNoopGraphqlMs: Number(median(me).toFixed(2)),
        anonymousTypenameGraphqlMs: Number(median(floor).toFixed(2)),
        floorRatio: Number((median(floor) / median(bare)).toFixed(2)),
        graphqlMinusFloorMs: Number((median(graphql) - median(floor)).toFixed(2)),
        graphqlMinusNoopMs: Number((median(graphql) - median(me)).toFixed(2)),
        indexes,
        plan: planText,
      };
      rows.push(row);
      console.log(
        `${row.scenario.padEnd(28)} GraphQL ${String(row.graphqlMs).padStart(7)} ms   SQL ${String(row.bareSqlMs).padStart(6)} ms   ratio ${row.ratio}   ({ __typename } ${row.anonymousTypenameGraphqlMs} ms, { me } ${row.authenticatedNoopGraphqlMs} ms)   ${indexes.join(', ') || 'no index'}`,
      );
    }
    const report = {
      at: new Date().toISOString(),
      machine: machineFacts({ loadAverageBefore: loadBefore, loadAverageAfter: loadAverage() }),
      runs: RUNS,
      runsInProject: Number(count),
      pageSize: PAGE,
      reps: REPS,
      target: 'GraphQL runs page within 2x of the bare SQL of the same page',
      bareSql: 'RunsService.pageQuery: the statement the API runs for the page, on a plain pg connection',
      graphqlClient: 'node:http, one kept-alive connection (bench/support/graphql-http.ts)',
      insertMs: Math.round(insertMs),
      rows,
    };
    const dir = join(__dirname, 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'runs-listing.json'), JSON.stringify(report, null, 2) + '\n');
    console.log(`load average ${report.machine.loadAverageAfter.join(' ')}; written: bench/results/runs-listing.json`);
  } finally {
    await api.close();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
