/**
 * `npm run bench:listing`: the GraphQL `runs` list over BENCH_LISTING_RUNS (default 100,000)
 * runs in a fresh PostgreSQL database (inserted with generate_series), against the bare SQL of
 * the same page on a plain pg connection. Pages: the first page, a page filtered by status, one
 * filtered by template and status, one by who started them, and a second page (cursor). Each is
 * timed BENCH_LISTING_REPS times (default 30), alternating GraphQL and SQL; the EXPLAIN of each
 * bare query shows which index answers it. `{ me { id } }` is timed too: the fixed cost of an
 * authenticated GraphQL request (HTTP, JWT, guards), which no index can remove.
 * Target (issue #7): GraphQL within 2x of the bare SQL. Writes bench/results/runs-listing.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { BENCH_ADMIN_PASSWORD, startBenchApi } from './support/api';

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

/** The SELECT the service issues (runs joined with their template), written by hand. */
const BARE_SELECT = `SELECT r.*, t.name AS template_name FROM runs r LEFT JOIN templates t ON t.id = r.template_id`;

async function main(): Promise<void> {
  // The listing never talks to Temporal; an unreachable address keeps the API from needing one.
  const api = await startBenchApi(process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:1');
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
    const cursorId = Buffer.from(cursor, 'base64url').toString('utf8').slice('run:'.length);
    const template = templates[1].id;

    const scenarios = [
      { name: 'first page', args: {}, where: 'r.project_id = $1', params: [projectId] },
      {
        name: 'status = FAILED',
        args: { status: 'FAILED' },
        where: `r.project_id = $1 AND r.status = 'FAILED'`,
        params: [projectId],
      },
      {
        name: 'template + status = RUNNING',
        args: { templateId: template, status: 'RUNNING' },
        where: `r.project_id = $1 AND r.template_id = $2 AND r.status = 'RUNNING'`,
        params: [projectId, template],
      },
      {
        name: 'startedBy = user7',
        args: { startedBy: 'user7' },
        where: `r.project_id = $1 AND r.started_by = 'user7'`,
        params: [projectId],
      },
      {
        name: 'second page (cursor)',
        args: { after: cursor },
        where: `r.project_id = $1 AND (r.created_at, r.id) < (SELECT c.created_at, c.id FROM runs c WHERE c.id = $2)`,
        params: [projectId, cursorId],
      },
    ];

    const query = `query($p: ID!, $status: RunStatus, $templateId: ID, $startedBy: String, $after: String) {
      runs(projectId: $p, first: ${PAGE}, status: $status, templateId: $templateId, startedBy: $startedBy, after: $after) {
        nodes { ${RUN_FIELDS} } pageInfo { hasNextPage endCursor } } }`;
    const timeGraphql = async (variables: Record<string, unknown>): Promise<number> => {
      const started = performance.now();
      const result = await api.gql(query, variables, admin);
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
      await api.gql('query { me { id } }', {}, admin);
      return performance.now() - started;
    };

    const rows = [];
    for (const scenario of scenarios) {
      const sql = `${BARE_SELECT} WHERE ${scenario.where} ORDER BY r.created_at DESC, r.id DESC LIMIT ${PAGE + 1}`;
      const variables = { p: projectId, ...scenario.args };
      for (let i = 0; i < 3; i++) {
        await timeGraphql(variables);
        await timeSql(sql, scenario.params);
      }
      const graphql: number[] = [];
      const bare: number[] = [];
      const me: number[] = [];
      for (let rep = 0; rep < REPS; rep++) {
        graphql.push(await timeGraphql(variables));
        bare.push(await timeSql(sql, scenario.params));
        me.push(await timeMe());
      }
      const plan = await api.sql<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, scenario.params);
      const planText = plan.map((line) => line['QUERY PLAN']);
      const indexes = [...new Set(planText.join('\n').match(/(?:IDX|UQ|PK)_\w+/g) ?? [])];
      const row = {
        scenario: scenario.name,
        graphqlMs: Number(median(graphql).toFixed(2)),
        bareSqlMs: Number(median(bare).toFixed(2)),
        ratio: Number((median(graphql) / median(bare)).toFixed(2)),
        authenticatedNoopGraphqlMs: Number(median(me).toFixed(2)),
        graphqlMinusNoopMs: Number((median(graphql) - median(me)).toFixed(2)),
        indexes,
        plan: planText,
      };
      rows.push(row);
      console.log(
        `${row.scenario.padEnd(28)} GraphQL ${String(row.graphqlMs).padStart(7)} ms   SQL ${String(row.bareSqlMs).padStart(6)} ms   ratio ${row.ratio}   ({ me } ${row.authenticatedNoopGraphqlMs} ms)   ${indexes.join(', ') || 'no index'}`,
      );
    }
    const report = {
      at: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model, loadAverage1m: Number(loadavg()[0].toFixed(2)) },
      runs: RUNS,
      runsInProject: Number(count),
      pageSize: PAGE,
      reps: REPS,
      target: 'GraphQL runs page within 2x of the bare SQL of the same page',
      insertMs: Math.round(insertMs),
      rows,
    };
    const dir = join(__dirname, 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'runs-listing.json'), JSON.stringify(report, null, 2) + '\n');
    console.log('written: bench/results/runs-listing.json');
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
