/**
 * Project secrets end to end (issue 5, section 4): managed over GraphQL with roles, encrypted in
 * PostgreSQL, used as `${secrets.NAME}` by real plugins on a real worker (http.request against a
 * local server that checks the Authorization header, shell.exec), rotated between runs; and the
 * values searched for in every place they must never reach: the workflow histories, the API's and
 * the worker's log lines, the run state (GraphQL and the runs/node_runs rows), every GraphQL
 * response of this spec, and the audit log.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import type { PluginLogger } from '../../plugins/sdk';
import { MetricsService } from '../../src/common/metrics/metrics.service';
import { EncryptionCodec } from '../../src/temporal/payload-codec';
import { testPayloadKeyring } from '../support/payload-keys';
import { testTemporal, uniqueTaskQueue } from '../support/temporal';
import { errorCode, type GraphQLResponse, LogCapture, startTestApp, type TestApp } from './support/app';
import { queryDatabase } from './support/database';
import { Fixtures } from './support/fixtures';
import { createTemplate, RUN_FIELDS, type RunView, waitForRun } from './support/runs';
import { startTestWorker, type TestWorker } from './support/worker';

const SECRET_FIELDS = 'name version createdAt createdBy rotatedAt rotatedBy';
const CREATE = `mutation($projectId: ID!, $name: String!, $value: String!) {
  createSecret(projectId: $projectId, name: $name, value: $value) { ${SECRET_FIELDS} } }`;
const ROTATE = `mutation($projectId: ID!, $name: String!, $value: String!) {
  rotateSecret(projectId: $projectId, name: $name, value: $value) { ${SECRET_FIELDS} } }`;
const DELETE = `mutation($projectId: ID!, $name: String!) {
  deleteSecret(projectId: $projectId, name: $name) { ${SECRET_FIELDS} } }`;
const LIST = `query($projectId: ID!) { secrets(projectId: $projectId) { ${SECRET_FIELDS} } }`;
const START_RUN = `mutation($input: StartRunInput!) { startRun(input: $input) { ${RUN_FIELDS} } }`;

const firstValue = `first-${randomBytes(12).toString('hex')}`;
const rotatedValue = `rotated-${randomBytes(12).toString('hex')}`;
const VALUES = [firstValue, rotatedValue];

/** The history with every platform-encrypted payload decrypted (test keys): the search must see through the codec. */
async function decrypted(value: unknown, codec: EncryptionCodec): Promise<unknown> {
  if (Array.isArray(value)) return Promise.all(value.map((item) => decrypted(item, codec)));
  if (!value || typeof value !== 'object' || value instanceof Uint8Array) return value;
  const record = value as Record<string, unknown>;
  if (record.metadata && record.data instanceof Uint8Array) return (await codec.decode([record]))[0];
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(record)) out[key] = await decrypted(item, codec);
  return out;
}

/** A history as JSON, with every payload's bytes decoded to text so a value inside one is findable. */
function historyText(history: unknown): string {
  return JSON.stringify(history, (key, value: unknown) => {
    // fetchHistory() gives payload bytes as base64 strings (`data`), or as bytes from other clients.
    if (key === 'data' && typeof value === 'string') return Buffer.from(value, 'base64').toString('utf8');
    if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
    return value;
  });
}

describe('project secrets', () => {
  let api: TestApp;
  let worker: TestWorker;
  let fixtures: Fixtures;
  let projectId: string;
  let otherProjectId: string;
  let editor: string;
  let operator: string;
  let viewer: string;
  let outsider: string;
  let server: Server;
  let base: string;
  const seenAuthorization: string[] = [];
  const workerLogs = new LogCapture();
  const responses: string[] = [];
  const runs: RunView[] = [];

  /** Every GraphQL call of this spec goes through here, so each response is searched at the end. */
  async function gql<T = any>(query: string, variables: Record<string, unknown>, token: string) {
    const result: GraphQLResponse<T> = await api.gql<T>(query, variables, token);
    responses.push(JSON.stringify({ data: result.data, errors: result.errors }));
    return result;
  }

  async function finished(id: string): Promise<RunView> {
    const run = await waitForRun(api, operator, id, (r) => ['SUCCEEDED', 'FAILED'].includes(r.status));
    responses.push(JSON.stringify(run));
    runs.push(run);
    return run;
  }

  beforeAll(async () => {
    server = createServer((req, res) => {
      seenAuthorization.push(req.headers.authorization ?? '');
      res.writeHead(200, { 'content-type': 'application/json' });
      // Echoes the header: the activity must scrub it from the output before it enters history.
      res.end(JSON.stringify({ seen: req.headers.authorization ?? null }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const taskQueue = uniqueTaskQueue('secrets-e2e');
    api = await startTestApp({
      config: {
        temporal: { address: process.env.SWITCHYARD_TEST_TEMPORAL_ADDRESS, namespace: 'default', taskQueue },
        logLevel: 'debug',
      },
    });
    const log = pino({ level: 'debug' }, { write: (chunk: string) => workerLogs.write(chunk) });
    const logger: PluginLogger = {
      debug: (message, attrs) => log.debug(attrs ?? {}, message),
      info: (message, attrs) => log.info(attrs ?? {}, message),
      warn: (message, attrs) => log.warn(attrs ?? {}, message),
      error: (message, attrs) => log.error(attrs ?? {}, message),
    };
    worker = await startTestWorker({
      databaseUrl: api.db.url,
      taskQueue,
      recorder: { registry: api.app.get(MetricsService).registry },
      secretsKeys: api.config.secrets!.keys,
      logger,
    });
    fixtures = new Fixtures(api);
    await fixtures.admin();
    projectId = await fixtures.project('secret-ops');
    otherProjectId = await fixtures.project('elsewhere');
    editor = await fixtures.user('eddie');
    operator = await fixtures.user('opal');
    viewer = await fixtures.user('vic');
    outsider = await fixtures.user('otto');
    await fixtures.member(projectId, 'eddie', 'EDITOR');
    await fixtures.member(projectId, 'opal', 'OPERATOR');
    await fixtures.member(projectId, 'vic', 'VIEWER');
    await fixtures.member(otherProjectId, 'otto', 'OWNER');
  });

  afterAll(async () => {
    await worker?.stop();
    await api?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('creates, lists, rotates and deletes secrets by role, never returning or storing a value in clear', async () => {
    const created = await gql(CREATE, { projectId, name: 'TOKEN', value: firstValue }, editor);
    expect(created.errors).toBeUndefined();
    expect(created.data.createSecret).toMatchObject({ name: 'TOKEN', version: 1, createdBy: 'eddie', rotatedAt: null });

    const listed = await gql(LIST, { projectId }, viewer);
    expect(listed.data.secrets).toEqual([expect.objectContaining({ name: 'TOKEN', version: 1 })]);

    // Viewers and operators read names only; writing takes an editor.
    expect(errorCode(await gql(CREATE, { projectId, name: 'MINE', value: 'viewer-value' }, viewer))).toBe('FORBIDDEN');
    expect(errorCode(await gql(ROTATE, { projectId, name: 'TOKEN', value: 'operator-value' }, operator))).toBe(
      'FORBIDDEN',
    );
    // Another project's owner learns nothing, not even that the project exists.
    expect(errorCode(await gql(LIST, { projectId }, outsider))).toBe('NOT_FOUND');
    expect(errorCode(await gql(DELETE, { projectId, name: 'TOKEN' }, outsider))).toBe('NOT_FOUND');

    const duplicate = await gql(CREATE, { projectId, name: 'TOKEN', value: 'again' }, editor);
    expect(errorCode(duplicate)).toBe('CONFLICT');
    const badName = await gql(CREATE, { projectId, name: 'lower-case', value: 'x-value' }, editor);
    expect(errorCode(badName)).toBe('BAD_USER_INPUT');
    expect(badName.errors![0].extensions!.problems).toEqual([
      { path: 'name', message: 'name must be upper case letters, digits and _, starting with a letter (DEPLOY_KEY)' },
    ]);
    expect(errorCode(await gql(ROTATE, { projectId, name: 'NOPE', value: 'x-value' }, editor))).toBe('NOT_FOUND');

    const temporary = await gql(CREATE, { projectId, name: 'TEMPORARY', value: 'short-lived-value' }, editor);
    expect(temporary.errors).toBeUndefined();
    const deleted = await gql(DELETE, { projectId, name: 'TEMPORARY' }, editor);
    expect(deleted.data.deleteSecret).toMatchObject({ name: 'TEMPORARY' });
    expect((await gql(LIST, { projectId }, viewer)).data.secrets.map((s: { name: string }) => s.name)).toEqual([
      'TOKEN',
    ]);

    // At rest: AES-GCM ciphertext under the configured key, bound to its project and name.
    const rows = await queryDatabase<{ key_id: string; found: number; iv_len: number; tag_len: number }>(
      api.db.url,
      `SELECT key_id, position(convert_to($1, 'UTF8') IN ciphertext) AS found,
              length(iv) AS iv_len, length(auth_tag) AS tag_len FROM secrets`,
      [firstValue],
    );
    expect(rows).toEqual([{ key_id: 'test', found: 0, iv_len: 12, tag_len: 16 }]);

    // Audited, with the name and without the value.
    const audit = await queryDatabase<{ action: string; outcome: string; resource_id: string; detail: unknown }>(
      api.db.url,
      `SELECT action, outcome, resource_id, detail FROM audit_log WHERE resource_type = 'secret' ORDER BY id`,
    );
    expect(audit.map((row) => `${row.action} ${row.outcome} ${row.resource_id}`)).toEqual(
      expect.arrayContaining([
        'createSecret SUCCESS TOKEN',
        'createSecret FAILED TOKEN',
        'deleteSecret SUCCESS TEMPORARY',
      ]),
    );
    const created1 = audit.find((row) => row.action === 'createSecret' && row.outcome === 'SUCCESS')!;
    expect(created1.detail).toEqual({ args: { projectId, name: 'TOKEN' } });
  });

  it('fills the secret in for http.request and shell.exec, scrubs it from outputs and errors, and takes rotations on the next run', async () => {
    const templateId = await createTemplate(api, editor, projectId, {
      name: 'use-secret',
      inputs: { tag: { type: 'string', default: 'v1' } },
      nodes: [
        {
          id: 'call',
          type: 'http.request',
          with: {
            method: 'GET',
            url: `${base}/check?tag=\${inputs.tag}`,
            headers: { authorization: 'Bearer ${secrets.TOKEN}' },
          },
        },
        { id: 'echo', type: 'shell.exec', with: { command: "echo 'token=${secrets.TOKEN} tag=${inputs.tag}'" } },
      ],
      edges: [{ from: 'call', to: 'echo' }],
      outputs: { seen: '${nodes.call.output.body.seen}', said: '${nodes.echo.output.stdout}' },
    });

    const first = await gql(START_RUN, { input: { templateId, inputs: { tag: 'v1' } } }, operator);
    expect(first.errors).toBeUndefined();
    const run1 = await finished(first.data.startRun.id);
    expect(run1.status).toBe('SUCCEEDED');
    expect(seenAuthorization).toEqual([`Bearer ${firstValue}`]);
    // The resolved input keeps the placeholder; the outputs had the value scrubbed.
    const call1 = run1.nodes.find((n) => n.nodeId === 'call')!;
    expect(call1.input.headers).toEqual({ authorization: 'Bearer ${secrets.TOKEN}' });
    expect(call1.output.body).toEqual({ seen: 'Bearer ***' });
    expect(run1.outputs).toEqual({ seen: 'Bearer ***', said: 'token=*** tag=v1\n' });

    const rotated = await gql(ROTATE, { projectId, name: 'TOKEN', value: rotatedValue }, editor);
    expect(rotated.data.rotateSecret).toMatchObject({ name: 'TOKEN', version: 2, rotatedBy: 'eddie' });
    const second = await gql(START_RUN, { input: { templateId, inputs: { tag: 'v2' } } }, operator);
    const run2 = await finished(second.data.startRun.id);
    expect(run2.status).toBe('SUCCEEDED');
    expect(seenAuthorization).toEqual([`Bearer ${firstValue}`, `Bearer ${rotatedValue}`]);

    // A failing node whose error quotes the secret: the error reaches run state scrubbed.
    const failingId = await createTemplate(api, editor, projectId, {
      name: 'leaky-failure',
      nodes: [{ id: 'boom', type: 'shell.exec', with: { command: 'echo "bad ${secrets.TOKEN}" >&2; exit 3' } }],
    });
    const failing = await gql(START_RUN, { input: { templateId: failingId } }, operator);
    const run3 = await finished(failing.data.startRun.id);
    expect(run3.status).toBe('FAILED');
    const boom = run3.nodes.find((n) => n.nodeId === 'boom')!;
    expect(boom.status).toBe('FAILED');
    expect(JSON.stringify(boom)).not.toContain(rotatedValue);

    // A placeholder arriving in a run input is text, never a reference.
    const forged = await gql(START_RUN, { input: { templateId, inputs: { tag: '${secrets.TOKEN}' } } }, operator);
    const run4 = await finished(forged.data.startRun.id);
    expect(run4.status).toBe('SUCCEEDED');
    expect(run4.outputs.said).toBe('token=*** tag=${secrets.TOKEN}\n');
  });

  it('refuses to start a run whose template references a secret the project lacks, naming it', async () => {
    const templateId = await createTemplate(api, editor, projectId, {
      name: 'needs-missing',
      nodes: [{ id: 'a', type: 'shell.exec', with: { command: 'echo ${secrets.NOT_THERE} ${secrets.TOKEN}' } }],
    });
    const refused = await gql(START_RUN, { input: { templateId } }, operator);
    expect(errorCode(refused)).toBe('BAD_USER_INPUT');
    expect(refused.errors![0].message).toBe(
      'The template references secret NOT_THERE, which this project does not have',
    );
    expect(refused.errors![0].extensions!.problems).toEqual([
      { path: 'secrets.NOT_THERE', message: 'is not a secret of this project' },
    ]);
  });

  it('leaves no value in histories, logs, run state, GraphQL responses or the audit log', async () => {
    expect(runs.length).toBeGreaterThanOrEqual(4);
    const { client } = await testTemporal();
    const codec = new EncryptionCodec(testPayloadKeyring());
    const histories: string[] = [];
    for (const run of runs) {
      const history = await client.workflow.getHandle(run.temporalWorkflowId).fetchHistory();
      histories.push(historyText(history), historyText(await decrypted(history, codec)));
    }
    const dbState = await queryDatabase<{ text: string }>(
      api.db.url,
      `SELECT row_to_json(r)::text AS text FROM runs r
       UNION ALL SELECT row_to_json(n)::text FROM node_runs n
       UNION ALL SELECT row_to_json(a)::text FROM audit_log a`,
    );
    const places: Record<string, string> = {
      history: histories.join('\n'),
      'API logs': api.logs.text(),
      'worker logs': workerLogs.text(),
      'runs, node_runs and audit_log rows': dbState.map((row) => row.text).join('\n'),
      'GraphQL responses': responses.join('\n'),
    };
    // The searches can find things: each place holds what it should (the placeholder, the runs).
    const holds = (place: string, text: string) => ({ place, text, found: places[place].includes(text) });
    expect(holds('history', 'Bearer ${secrets.TOKEN}')).toMatchObject({ found: true });
    expect(holds('history', 'tag=v2')).toMatchObject({ found: true });
    expect(holds('runs, node_runs and audit_log rows', '${secrets.TOKEN}')).toMatchObject({ found: true });
    expect(holds('API logs', '/graphql')).toMatchObject({ found: true });
    expect(workerLogs.lines.length).toBeGreaterThan(0);
    for (const [place, text] of Object.entries(places)) {
      for (const value of VALUES) {
        expect({ place, leaked: text.includes(value) }).toEqual({ place, leaked: false });
      }
    }
  });
});
