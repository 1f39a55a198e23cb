/**
 * The README's copy-paste session (docs/api-session.sh: curl + jq, from login to a finished run)
 * against `switchyard start` as a real process, on the machine's PostgreSQL and the test Temporal.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { uniqueTaskQueue } from '../support/temporal';
import { createTestDatabase, type TestDatabase } from './support/database';

const root = join(__dirname, '..', '..');
let database: TestDatabase;
const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-session-'));

beforeAll(async () => {
  database = await createTestDatabase({ migrate: false });
});

afterAll(async () => {
  await database.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('docs/api-session.sh', () => {
  it('goes from login to a finished run through GraphQL', async () => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/cli/main.ts', 'start'], {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        TEMPORAL_ADDRESS: process.env.SWITCHYARD_TEST_TEMPORAL_ADDRESS,
        TEMPORAL_TASK_QUEUE: uniqueTaskQueue('session'),
        PORT: '0',
        SWITCHYARD_DATA_DIR: dataDir,
        SWITCHYARD_ADMIN_PASSWORD: 'session-admin-password',
        LOG_LEVEL: 'error',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start:\n${output}`)), 120_000);
        child.on('exit', (code) => reject(new Error(`exited ${code}:\n${output}`)));
        const poll = setInterval(() => {
          const match = /GraphQL\s+(http:\/\/\S+)\/graphql/.exec(output);
          if (!match) return;
          clearInterval(poll);
          clearTimeout(timer);
          resolve(match[1]);
        }, 200);
      });
      const { stdout } = await promisify(execFile)('bash', [join(root, 'docs', 'api-session.sh')], {
        env: { ...process.env, SWITCHYARD_URL: url, SWITCHYARD_ADMIN_PASSWORD: 'session-admin-password' },
        timeout: 90_000,
      });
      expect(stdout).toMatch(/^run [0-9a-f-]{36} started$/m);
      const run = JSON.parse(stdout.slice(stdout.indexOf('{'))) as {
        status: string;
        outputs: { said: string };
        nodes: Array<{ nodeId: string; status: string }>;
      };
      expect(run.status).toBe('SUCCEEDED');
      expect(run.outputs).toEqual({ said: 'hello ops\n' });
      expect(run.nodes.map((n) => `${n.nodeId}:${n.status}`).sort()).toEqual([
        'a:SUCCEEDED',
        'b:SUCCEEDED',
        'done:SUCCEEDED',
        'greet:SUCCEEDED',
      ]);
    } finally {
      child.removeAllListeners('exit');
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
