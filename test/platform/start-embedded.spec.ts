/**
 * `switchyard start`'s embedded path, once, as `npm start` runs it (a real child process):
 * embedded PostgreSQL (the npm package's real binaries, as root here) and an embedded Temporal
 * dev server with its Web UI, then the API and a worker. Data survives a restart; SIGTERM stops it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-start-'));
let postgresDir: string | undefined;

interface Started {
  child: ChildProcess;
  output: () => string;
  apiUrl: string;
  temporalUiUrl: string;
}

function start(): Promise<Started> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/cli/main.ts', 'start'], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: '',
      TEMPORAL_ADDRESS: '',
      PORT: '0',
      SWITCHYARD_DATA_DIR: dataDir,
      SWITCHYARD_ADMIN_PASSWORD: 'embedded-admin-password',
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within 150 s:\n${text}`)), 150_000);
    child.on('exit', (code) => reject(new Error(`exited ${code}:\n${text}`)));
    const poll = setInterval(() => {
      const api = /GraphQL\s+(http:\/\/\S+)\/graphql/.exec(text);
      const ui = /Web UI (http:\/\/\S+)\)/.exec(text);
      if (!api || !ui) return;
      clearInterval(poll);
      clearTimeout(timer);
      postgresDir = /data in (\S+)/.exec(text)?.[1];
      resolve({ child, output: () => text, apiUrl: api[1], temporalUiUrl: ui[1] });
    }, 200);
  });
}

function stop(started: Started): Promise<number | null> {
  return new Promise((resolve) => {
    started.child.removeAllListeners('exit');
    started.child.on('exit', (code) => resolve(code));
    started.child.kill('SIGTERM');
  });
}

async function graphql(apiUrl: string, query: string, token?: string) {
  const response = await fetch(`${apiUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as { data?: Record<string, { [key: string]: unknown }>; errors?: unknown[] };
}

async function login(apiUrl: string): Promise<string> {
  const result = await graphql(
    apiUrl,
    'mutation { login(username: "admin", password: "embedded-admin-password") { token } }',
  );
  return result.data!.login.token as string;
}

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
  if (postgresDir?.includes('switchyard')) rmSync(postgresDir, { recursive: true, force: true });
});

describe('switchyard start (embedded PostgreSQL and Temporal)', () => {
  it('serves the API with the Temporal UI beside it, keeps its data across a restart, and stops on SIGTERM', async () => {
    const first = await start();
    let projectId: string;
    try {
      expect(first.output()).toMatch(/PostgreSQL\s+embedded, data in \//);
      expect((await fetch(`${first.apiUrl}/readyz`)).status).toBe(200);
      expect((await fetch(first.temporalUiUrl)).status).toBe(200);
      const token = await login(first.apiUrl);
      const created = await graphql(
        first.apiUrl,
        'mutation { createProject(input: { name: "ops" }) { id name } }',
        token,
      );
      expect(created.errors).toBeUndefined();
      projectId = created.data!.createProject.id as string;
    } finally {
      expect(await stop(first)).toBe(0);
    }
    expect(first.output()).toContain('Switchyard stopped.');

    const second = await start();
    try {
      const projects = await graphql(second.apiUrl, '{ projects { id name } }', await login(second.apiUrl));
      expect(projects.data!.projects).toEqual(expect.arrayContaining([{ id: projectId, name: 'ops' }]));
    } finally {
      expect(await stop(second)).toBe(0);
    }
  });
});
