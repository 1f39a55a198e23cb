/**
 * `npm run bench:api`: sustained throughput of ten-node runs started through GraphQL `startRun`
 * (auth, input validation, a run row, audit, search attributes, then the workflow start) against
 * the same runs started with the bare Temporal client, on one worker (the interpreter, the
 * built-in plugins, the progress recorder writing into the API's database) and one dev server.
 *
 * Each round starts BENCH_API_RUNS runs (default 40) with BENCH_API_CONCURRENCY starts in flight
 * (default 8) and waits for every run to finish; throughput = runs / (last end - first start).
 * Rounds alternate between the two paths (BENCH_API_ROUNDS, default 3 each).
 * Target (issue #7): GraphQL / bare >= 0.9. Writes bench/results/api-throughput.json.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { createPluginActivities } from '../activities/plugin-activities';
import { createBuiltinRegistry } from '../plugins';
import { createDataSource } from '../src/database/data-source';
import { createProgressSinks } from '../src/runs/progress-recorder';
import { INTERPRETER_WORKFLOW_TYPE, type InterpreterInput } from '../workflows/contract';
import { compilePlan } from '../workflows/definition/compile';
import { validateDefinition } from '../workflows/definition/validate';
import { payloadDataConverter } from '../src/temporal/payload-codec';
import { machineFacts } from './support/machine';
import { BENCH_ADMIN_PASSWORD, BENCH_PAYLOAD_KEYRING, startBenchApi } from './support/api';
import { startBenchTemporal } from './support/temporal';
import { chain } from './validate';

const RUNS = Number(process.env.BENCH_API_RUNS ?? 40);
const CONCURRENCY = Number(process.env.BENCH_API_CONCURRENCY ?? 8);
const ROUNDS = Number(process.env.BENCH_API_ROUNDS ?? 3);
const TASK_QUEUE = `bench-api-${Date.now()}`;
const registry = createBuiltinRegistry();

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Runs `start` RUNS times, CONCURRENCY at a time, each start followed by waiting for its run. */
async function round(
  start: (i: number) => Promise<string>,
  client: Client,
): Promise<{ runsPerSecond: number; ms: number }> {
  const started = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < RUNS) {
      const i = next++;
      const workflowId = await start(i);
      await client.workflow.getHandle(workflowId).result();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  const ms = performance.now() - started;
  return { runsPerSecond: Number(((RUNS * 1000) / ms).toFixed(2)), ms: Math.round(ms) };
}

async function main(): Promise<void> {
  const temporal = await startBenchTemporal();
  const api = await startBenchApi(temporal.address, TASK_QUEUE);
  const connection = await Connection.connect({ address: temporal.address });
  // The same encrypted payloads as the API's client: the comparison is GraphQL vs bare client, not codec vs none.
  const dataConverter = payloadDataConverter(BENCH_PAYLOAD_KEYRING);
  const client = new Client({ connection, namespace: 'default', dataConverter });
  const native = await NativeConnection.connect({ address: temporal.address });
  const dataSource = await createDataSource(api.databaseUrl).initialize();
  const recorder = createProgressSinks(dataSource, {});
  const worker = await Worker.create({
    connection: native,
    taskQueue: TASK_QUEUE,
    dataConverter,
    workflowBundle: await bundleWorkflowCode({
      workflowsPath: require.resolve('../workflows'),
      failureConverterPath: dataConverter.failureConverterPath,
      logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} },
    }),
    activities: createPluginActivities({ registry }),
    sinks: recorder.sinks,
  });
  const running = worker.run();
  try {
    const admin = await api.login('admin', BENCH_ADMIN_PASSWORD);
    const project = await api.gql('mutation { createProject(input: { name: "throughput" }) { id } }', {}, admin);
    const definition = { ...chain(10), name: 'ten-nodes' };
    const template = await api.gql(
      'mutation($input: CreateTemplateInput!) { createTemplate(input: $input) { id } }',
      { input: { projectId: project.data.createProject.id, definition } },
      admin,
    );
    const templateId = template.data.createTemplate.id as string;
    const plan = compilePlan(validateDefinition(definition, registry).definition!, registry);

    const viaGraphql = async (): Promise<string> => {
      const result = await api.gql(
        'mutation($input: StartRunInput!) { startRun(input: $input) { temporalWorkflowId } }',
        { input: { templateId } },
        admin,
      );
      if (!result.data?.startRun) throw new Error(JSON.stringify(result.errors));
      return result.data.startRun.temporalWorkflowId as string;
    };
    const viaClient = async (): Promise<string> => {
      const id = randomUUID();
      const input: InterpreterInput = {
        plan,
        inputs: {},
        run: { id, startedBy: 'bench', startedAt: new Date().toISOString() },
      };
      const handle = await client.workflow.start(INTERPRETER_WORKFLOW_TYPE, {
        taskQueue: TASK_QUEUE,
        workflowId: `bare-${id}`,
        args: [input],
      });
      return handle.workflowId;
    };

    // Warm-up: bundle load, connections, caches, JIT of both paths.
    await round(viaGraphql, client);
    await round(viaClient, client);
    const graphql: Array<{ runsPerSecond: number; ms: number }> = [];
    const bare: Array<{ runsPerSecond: number; ms: number }> = [];
    for (let r = 0; r < ROUNDS; r++) {
      // Alternate which goes first, so drift on a noisy machine hits both alike.
      if (r % 2 === 0) {
        graphql.push(await round(viaGraphql, client));
        bare.push(await round(viaClient, client));
      } else {
        bare.push(await round(viaClient, client));
        graphql.push(await round(viaGraphql, client));
      }
      console.log(
        `round ${r + 1}: GraphQL ${graphql[r].runsPerSecond} runs/s, bare client ${bare[r].runsPerSecond} runs/s`,
      );
    }
    const graphqlMedian = median(graphql.map((g) => g.runsPerSecond));
    const bareMedian = median(bare.map((b) => b.runsPerSecond));
    const ratio = Number((graphqlMedian / bareMedian).toFixed(3));
    console.log(
      `ten-node runs: GraphQL ${graphqlMedian} runs/s, bare client ${bareMedian} runs/s, ratio ${ratio} (target >= 0.9)`,
    );
    const report = {
      at: new Date().toISOString(),
      machine: machineFacts(),
      runsPerRound: RUNS,
      concurrency: CONCURRENCY,
      rounds: ROUNDS,
      target: 'GraphQL startRun throughput / bare Temporal client throughput >= 0.9',
      graphqlRunsPerSecond: graphqlMedian,
      bareClientRunsPerSecond: bareMedian,
      ratio,
      targetMet: ratio >= 0.9,
      graphqlRounds: graphql,
      bareClientRounds: bare,
      progressRecorder: recorder.stats,
    };
    const dir = join(__dirname, 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'api-throughput.json'), JSON.stringify(report, null, 2) + '\n');
    console.log('written: bench/results/api-throughput.json');
  } finally {
    worker.shutdown();
    await running;
    await recorder.close();
    await dataSource.destroy();
    await connection.close();
    await native.close();
    await api.close();
    await temporal.close();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
