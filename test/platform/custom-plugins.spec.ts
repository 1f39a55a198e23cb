/**
 * Custom and remote plugins end to end (issue 5, sections 1 and 3), on the real stack: the platform
 * as `switchyard start` builds it (`startPlatform`: API + its own worker, a fresh PostgreSQL database,
 * the test Temporal dev server) with a custom plugin folder (SWITCHYARD_PLUGIN_DIRS), and a SECOND
 * worker process (the real CLI, `switchyard worker --plugins-only`) serving one plugin on its own
 * task queue, registered through GraphQL. A template using both runs through the API.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPlatform, type RunningPlatform } from '../../src/platform/start-platform';
import { startJobServer, type JobServer } from '../plugins/support/job-server';
import { uniqueTaskQueue } from '../support/temporal';
import { ADMIN_PASSWORD, startTestApp } from './support/app';
import { createTestDatabase, queryDatabase, type TestDatabase } from './support/database';

const root = join(__dirname, '..', '..');
const FOLDER_PLUGINS = join(root, 'test', 'plugins', 'fixtures', 'platform-plugins');
const REMOTE_PLUGIN = join(root, 'test', 'plugins', 'fixtures', 'remote-plugins', 'pid-echo');

const REGISTER = `mutation($taskQueue: String!, $plugins: [PluginDescriptorInput!]!) {
  registerPlugins(taskQueue: $taskQueue, plugins: $plugins) { type version title taskQueue } }`;
const PLUGINS = `query($type: String) { plugins(type: $type) { type version title taskQueue inputSchema defaults examples { title } } }`;
const RUN_FIELDS = 'id status nodes { nodeId status output error { type message } details }';

interface Gql {
  data?: any;
  errors?: Array<{ message: string; extensions?: Record<string, any> }>;
}

interface RunView {
  id: string;
  status: string;
  nodes: Array<{
    nodeId: string;
    status: string;
    output: any;
    error: { type: string; message: string } | null;
    details: any;
  }>;
}

/** A running `switchyard worker --plugins-only` child process and its output so far. */
interface PluginWorkerProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

function spawnPluginWorker(env: Record<string, string>, args: string[]): PluginWorkerProcess {
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', 'src/cli/main.ts', 'worker', '--plugins-only', ...args],
    {
      cwd: root,
      env: { ...process.env, SWITCHYARD_PLUGIN_DIRS: '', SWITCHYARD_LOG_LEVEL: 'WARN', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => text, exited };
}

async function waitForOutput(worker: PluginWorkerProcess, pattern: RegExp, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(worker.output())) {
    if (worker.child.exitCode !== null)
      throw new Error(`plugin worker exited ${worker.child.exitCode}:\n${worker.output()}`);
    if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${worker.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('custom plugin folders and remote plugin workers, end to end', () => {
  let db: TestDatabase;
  let platform: RunningPlatform;
  let jobs: JobServer;
  let remote: PluginWorkerProcess | undefined;
  let dataDir: string;
  const platformLog: string[] = [];
  const platformQueue = uniqueTaskQueue('platform');
  const remoteQueue = uniqueTaskQueue('remote-plugins');
  let admin: string;
  let projectId: string;
  let ownerToken: string;

  const gql = async (query: string, variables: Record<string, unknown> = {}, token?: string): Promise<Gql> => {
    const response = await fetch(`${platform.apiUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as Gql;
  };
  const ok = async (query: string, variables: Record<string, unknown>, token: string) => {
    const result = await gql(query, variables, token);
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    return result.data;
  };
  const token = async (role: string, name: string): Promise<string> =>
    (
      await ok(
        'mutation($p: ID!, $r: ProjectRole!, $n: String!) { createApiToken(projectId: $p, role: $r, name: $n) { token } }',
        { p: projectId, r: role, n: name },
        admin,
      )
    ).createApiToken.token;

  beforeAll(async () => {
    db = await createTestDatabase();
    jobs = await startJobServer();
    dataDir = mkdtempSync(join(tmpdir(), 'switchyard-plugins-'));
    platform = await startPlatform({
      env: {
        DATABASE_URL: db.url,
        TEMPORAL_ADDRESS: process.env.SWITCHYARD_TEST_TEMPORAL_ADDRESS,
        TEMPORAL_TASK_QUEUE: platformQueue,
        PORT: '0',
        SWITCHYARD_ADMIN_PASSWORD: ADMIN_PASSWORD,
        SWITCHYARD_DATA_DIR: dataDir,
        SWITCHYARD_PLUGIN_DIRS: FOLDER_PLUGINS,
        LOG_LEVEL: 'warn',
      },
      log: (line) => platformLog.push(line),
    });
    const login = await gql('mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }', {
      u: 'admin',
      p: ADMIN_PASSWORD,
    });
    admin = login.data.login.token;
    projectId = (await ok('mutation { createProject(input: { name: "plugins" }) { id } }', {}, admin)).createProject.id;
    ownerToken = await token('OWNER', 'acme-plugin-worker');
  });

  afterAll(async () => {
    if (remote && remote.child.exitCode === null) {
      remote.child.kill('SIGTERM');
      await remote.exited;
    }
    await platform?.stop();
    await jobs?.close();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('loads the good plugin folder, names the broken one, and the catalog shows what loaded', async () => {
    expect(platformLog).toEqual(
      expect.arrayContaining([
        `plugin ${join(FOLDER_PLUGINS, 'broken-poll')} not loaded: plugin acme.broken-poll@1.0.0: check is not a function (a polling plugin needs one)`,
        'Custom plugins: acme.http-job@1.0.0',
      ]),
    );
    const listed = await ok(PLUGINS, { type: 'acme.http-job' }, admin);
    expect(listed.plugins).toEqual([
      expect.objectContaining({ type: 'acme.http-job', version: '1.0.0', taskQueue: null }),
    ]);
    expect((await ok(PLUGINS, { type: 'acme.broken-poll' }, admin)).plugins).toEqual([]);
  });

  it('a second worker process registers its plugin through GraphQL; a run executes folder and remote nodes', async () => {
    remote = spawnPluginWorker(
      {
        TEMPORAL_ADDRESS: process.env.SWITCHYARD_TEST_TEMPORAL_ADDRESS!,
        SWITCHYARD_API_URL: platform.apiUrl,
        SWITCHYARD_API_TOKEN: ownerToken,
        // The platform's payload keys (generated into its data dir): the remote worker must read its activities.
        SWITCHYARD_DATA_DIR: dataDir,
      },
      ['--task-queue', remoteQueue, '--plugin-dir', REMOTE_PLUGIN],
    );
    await waitForOutput(remote, /Plugin worker \(pid \d+\) serving task queue/);
    expect(remote.output()).toContain(`Registered acme.pid-echo@1.0.0, acme.remote-job@1.0.0 with ${platform.apiUrl}`);
    expect(remote.output()).toContain(`declares task queue acme-remote; served and registered on ${remoteQueue}`);

    // The catalog learned it, with its schemas and the queue it is served on; PostgreSQL keeps it.
    const listed = await ok(PLUGINS, { type: 'acme.pid-echo' }, admin);
    expect(listed.plugins).toEqual([
      {
        type: 'acme.pid-echo',
        version: '1.0.0',
        title: 'Echo, with the pid of the worker process',
        taskQueue: remoteQueue,
        inputSchema: expect.objectContaining({ required: ['message'] }),
        defaults: { retry: { maximumAttempts: 2 }, timeout: { startToClose: '30s' } },
        examples: [{ title: 'Say hi' }],
      },
    ]);
    const rows = await queryDatabase<{ type: string; task_queue: string; registered_by: string }>(
      db.url,
      'SELECT type, task_queue, registered_by FROM registered_plugins',
    );
    expect(rows).toEqual(
      expect.arrayContaining([
        { type: 'acme.pid-echo', task_queue: remoteQueue, registered_by: 'token:acme-plugin-worker' },
        { type: 'acme.remote-job', task_queue: remoteQueue, registered_by: 'token:acme-plugin-worker' },
      ]),
    );
    expect(rows).toHaveLength(2);
    const audit = await queryDatabase<{ action: string; outcome: string; resource_id: string }>(
      db.url,
      "SELECT action, outcome, resource_id FROM audit_log WHERE action = 'registerPlugins'",
    );
    expect(audit).toEqual([expect.objectContaining({ resource_id: remoteQueue })]);

    const definition = {
      name: 'custom-and-remote',
      nodes: [
        {
          id: 'job',
          type: 'acme.http-job',
          name: 'Job on the job server',
          with: { server: jobs.url, name: 'e2e', steps: 2 },
        },
        { id: 'echo', type: 'acme.pid-echo', with: { message: 'after ${nodes.job.output.name}' } },
        {
          id: 'remote_job',
          type: 'acme.remote-job',
          with: { server: jobs.url, name: 'remote-e2e', steps: 3 },
        },
        { id: 'done', type: 'builtin.noop', with: { pid: '${nodes.echo.output.pid}' } },
      ],
      edges: [
        { from: 'job', to: 'echo' },
        { from: 'echo', to: 'remote_job' },
        { from: 'remote_job', to: 'done' },
      ],
    };
    const templateId = (
      await ok(
        'mutation($input: CreateTemplateInput!) { createTemplate(input: $input) { id } }',
        { input: { projectId, definition } },
        admin,
      )
    ).createTemplate.id;
    const started = await ok(
      `mutation($input: StartRunInput!) { startRun(input: $input) { ${RUN_FIELDS} } }`,
      { input: { templateId } },
      admin,
    );
    let run: RunView = started.startRun;
    const deadline = Date.now() + 60_000;
    while (!['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(run.status) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      run = (await ok(`query($id: ID!) { run(id: $id) { ${RUN_FIELDS} } }`, { id: run.id }, admin)).run;
    }
    const node = (id: string) => run.nodes.find((n) => n.nodeId === id)!;
    expect(run.status).toBe('SUCCEEDED');
    // The folder plugin polled the job server from the platform's own worker...
    expect(node('job').output).toEqual({ name: 'e2e', checks: 2 });
    expect(jobs.byName('e2e')).toMatchObject({ checks: 2 });
    expect(node('job').details).toMatchObject({ poll: { checks: 2 } });
    // ...and the remote plugin's node ran in the child process, nowhere else.
    expect(node('echo').output).toEqual({ message: 'after e2e', pid: remote.child.pid });
    expect(remote.child.pid).not.toBe(process.pid);
    expect(node('done').output).toEqual({ pid: remote.child.pid });
    // A remote polling plugin: its start and every check ran on the plugin worker's queue.
    expect(node('remote_job').output).toEqual({ name: 'remote-e2e', checks: 3, pid: remote.child.pid });
    expect(node('remote_job').details).toMatchObject({ poll: { checks: 3 } });
  });

  it('a plugin worker names a broken plugin folder, and stops with the API answer when registration is refused', async () => {
    const env = {
      TEMPORAL_ADDRESS: process.env.SWITCHYARD_TEST_TEMPORAL_ADDRESS!,
      SWITCHYARD_API_URL: platform.apiUrl,
      SWITCHYARD_API_TOKEN: ownerToken,
      SWITCHYARD_DATA_DIR: dataDir,
    };
    const broken = spawnPluginWorker(env, [
      '--task-queue',
      'nothing',
      '--plugin-dir',
      join(FOLDER_PLUGINS, 'broken-poll'),
    ]);
    expect(await broken.exited).toBe(2);
    expect(broken.output()).toContain(
      `plugin ${join(FOLDER_PLUGINS, 'broken-poll')} not loaded: plugin acme.broken-poll@1.0.0: check is not a function`,
    );
    expect(broken.output()).toContain('error: no plugin loaded; nothing to serve');

    const refused = spawnPluginWorker({ ...env, SWITCHYARD_API_TOKEN: 'sy_not-a-real-token' }, [
      '--task-queue',
      uniqueTaskQueue('refused'),
      '--plugin-dir',
      REMOTE_PLUGIN,
    ]);
    expect(await refused.exited).toBe(2);
    expect(refused.output()).toMatch(/error: UNAUTHENTICATED: /);

    const keyless = spawnPluginWorker({ ...env, SWITCHYARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'no-keys-')) }, [
      '--task-queue',
      uniqueTaskQueue('keyless'),
      '--plugin-dir',
      REMOTE_PLUGIN,
    ]);
    expect(await keyless.exited).toBe(2);
    expect(keyless.output()).toContain('SWITCHYARD_PAYLOAD_KEYS is unset');
  });

  it('refuses registration from callers that are not admins or admin-made OWNER tokens', async () => {
    const plugins = [{ type: 'acme.sneaky', version: '1.0.0', title: 'Sneaky', inputSchema: { type: 'object' } }];
    const operatorToken = await token('OPERATOR', 'ci');
    // An OWNER token is not enough when its creator is no global admin.
    await ok('mutation { createUser(input: { username: "olivia", password: "olivia-password" }) { id } }', {}, admin);
    await ok(
      'mutation($p: ID!) { addMember(projectId: $p, username: "olivia", role: OWNER) { id } }',
      { p: projectId },
      admin,
    );
    const olivia = (
      await ok('mutation { login(username: "olivia", password: "olivia-password") { token } }', {}, admin)
    ).login.token as string;
    const ownerOfOlivia = (
      await ok(
        'mutation($p: ID!) { createApiToken(projectId: $p, role: OWNER, name: "olivia-worker") { token } }',
        { p: projectId },
        olivia,
      )
    ).createApiToken.token as string;
    for (const caller of [operatorToken, ownerOfOlivia, olivia, undefined]) {
      const refused = await gql(REGISTER, { taskQueue: 'q', plugins }, caller);
      expect(refused.errors?.[0]?.extensions?.code).toBe(caller ? 'FORBIDDEN' : 'UNAUTHENTICATED');
    }
    expect((await ok(PLUGINS, { type: 'acme.sneaky' }, admin)).plugins).toEqual([]);
  });

  it('names every problem of a malformed descriptor, and refuses to shadow a built-in', async () => {
    const malformed = await gql(
      REGISTER,
      {
        taskQueue: 'bad queue!',
        plugins: [
          {
            type: 'Acme',
            version: 'one',
            title: 'Bad',
            inputSchema: { type: 'nonsense' },
            defaults: { timeout: { startToClose: 'soon' } },
            poll: { interval: 'often' },
          },
        ],
      },
      admin,
    );
    expect(malformed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(malformed.errors?.[0]?.extensions?.problems.map((p: { path: string }) => p.path)).toEqual([
      'taskQueue',
      'plugins[0].type',
      'plugins[0].version',
      'plugins[0].inputSchema',
      'plugins[0].defaults.timeout.startToClose',
      'plugins[0].poll.interval',
    ]);
    const shadow = await gql(
      REGISTER,
      {
        taskQueue: 'q',
        plugins: [{ type: 'builtin.noop', version: '1.0.0', title: 'Mine', inputSchema: { type: 'object' } }],
      },
      admin,
    );
    expect(shadow.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(shadow.errors?.[0]?.message).toContain('builtin.noop@1.0.0 is already provided');
    expect(await queryDatabase(db.url, "SELECT 1 FROM registered_plugins WHERE type = 'builtin.noop'")).toEqual([]);
  });

  it('re-registration replaces the descriptor, and a restarted API loads registered plugins from PostgreSQL', async () => {
    const updated = await ok(
      REGISTER,
      {
        taskQueue: remoteQueue,
        plugins: [
          {
            type: 'acme.pid-echo',
            version: '1.0.0',
            title: 'Echo (renamed)',
            inputSchema: { type: 'object', required: ['message'], properties: { message: { type: 'string' } } },
            poll: { interval: '5s', backoffCoefficient: 2 },
          },
        ],
      },
      admin,
    );
    expect(updated.registerPlugins).toEqual([
      { type: 'acme.pid-echo', version: '1.0.0', title: 'Echo (renamed)', taskQueue: remoteQueue },
    ]);
    expect(
      await queryDatabase(db.url, "SELECT type FROM registered_plugins WHERE type = 'acme.pid-echo'"),
    ).toHaveLength(1);

    const second = await startTestApp({ db, config: { logLevel: 'silent' } });
    try {
      const token = await second.login('admin', ADMIN_PASSWORD);
      const listed = await second.gql(PLUGINS, { type: 'acme.pid-echo' }, token);
      expect(listed.data.plugins).toEqual([
        expect.objectContaining({ title: 'Echo (renamed)', taskQueue: remoteQueue }),
      ]);
      // Validation knows it: a template using it is accepted by the restarted API.
      const created = await second.gql(
        'mutation($input: CreateTemplateInput!) { createTemplate(input: $input) { id } }',
        {
          input: {
            projectId,
            definition: { name: 'uses-remote', nodes: [{ id: 'echo', type: 'acme.pid-echo', with: { message: 'x' } }] },
          },
        },
        token,
      );
      expect(created.errors).toBeUndefined();
    } finally {
      await second.close();
    }
  });
});
