/**
 * `ssh.exec` with its private key and password from secrets (`${secrets.NAME}`), in a real run:
 * the interpreter on the dev server, the plugin activities with the CLI's secret store (environment
 * variables), and a real OpenSSH server. The key and the password reach sshd, and never the history.
 */
import { rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPluginActivities } from '../../activities/plugin-activities';
import { environmentSecretResolver } from '../../activities/secret-resolver';
import { createBuiltinRegistry } from '../../plugins';
import { compilePlan } from '../../workflows/definition/compile';
import { validateDefinition } from '../../workflows/definition/validate';
import { finalState, startInterpreter } from '../support/runs';
import { testTemporal, uniqueTaskQueue, withWorker } from '../support/temporal';
import {
  TEST_USER,
  createClientKeys,
  lockTestUser,
  prepareTestUser,
  startSshd,
  type ClientKeys,
  type TestSshd,
} from './support/sshd';

const registry = createBuiltinRegistry();
let keysDir: string;
let keys: ClientKeys;
let password: string;
let sshd: TestSshd;

beforeAll(async () => {
  keysDir = mkdtempSync(join(tmpdir(), 'ssh-secrets-keys-'));
  keys = createClientKeys(keysDir);
  password = prepareTestUser();
  sshd = await startSshd(keys.authorized);
});

afterAll(async () => {
  await sshd?.stop();
  lockTestUser();
  rmSync(keysDir, { recursive: true, force: true });
});

/** The history as JSON with payload bytes decoded, so a value inside one is findable. */
function historyText(history: unknown): string {
  return JSON.stringify(history, (key, value: unknown) => {
    // fetchHistory() gives payload bytes as base64 strings (`data`), or as bytes from other clients.
    if (key === 'data' && typeof value === 'string') return Buffer.from(value, 'base64').toString('utf8');
    if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
    return value;
  });
}

describe('ssh.exec with credentials from secrets', () => {
  it('logs in with a private key and with a password read from secrets, which stay out of the history', async () => {
    const { definition, problems } = validateDefinition(
      {
        name: 'ssh-secrets',
        nodes: [
          {
            id: 'by_key',
            type: 'ssh.exec',
            with: {
              hosts: [`root@127.0.0.1:${sshd.port}`],
              command: 'echo "key login as $(id -un)"',
              privateKey: '${secrets.SSH_KEY}',
              knownHosts: [sshd.knownHosts.ed25519],
            },
          },
          {
            id: 'by_password',
            type: 'ssh.exec',
            with: {
              hosts: [`${TEST_USER}@127.0.0.1:${sshd.port}`],
              command: 'echo "password login as $(id -un)"; echo "$PW"',
              env: { PW: 'pw=${secrets.SSH_PASSWORD}' },
              password: '${secrets.SSH_PASSWORD}',
              knownHosts: [sshd.knownHosts.ed25519],
            },
          },
        ],
        edges: [{ from: 'by_key', to: 'by_password' }],
      },
      registry,
    );
    expect(problems).toEqual([]);
    const { client } = await testTemporal();
    const taskQueue = uniqueTaskQueue('ssh-secrets');
    const secrets = environmentSecretResolver({
      SWITCHYARD_SECRET_SSH_KEY: keys.privateKey,
      SWITCHYARD_SECRET_SSH_PASSWORD: password,
    });
    const { state, history } = await withWorker(
      { taskQueue, activities: createPluginActivities({ registry, secrets }) },
      async () => {
        const handle = await startInterpreter(
          client,
          taskQueue,
          definition!,
          {},
          { plan: compilePlan(definition!, registry) },
        );
        const final = await finalState(handle);
        return { state: final, history: historyText(await handle.fetchHistory()) };
      },
    );

    expect(state.status).toBe('SUCCEEDED');
    expect(state.nodes.by_key.output).toMatchObject({ results: [{ exitCode: 0, stdout: 'key login as root\n' }] });
    expect(state.nodes.by_password.output).toMatchObject({
      results: [{ exitCode: 0, stdout: `password login as ${TEST_USER}\npw=***\n` }],
    });
    expect(sshd.log()).toMatch(/Accepted publickey for root/);
    expect(sshd.log()).toMatch(new RegExp(`Accepted password for ${TEST_USER}`));

    expect(history.includes('${secrets.SSH_KEY}')).toBe(true);
    const keyBody = keys.privateKey.split('\n')[1];
    expect(history.includes(password)).toBe(false);
    expect(history.includes(keyBody)).toBe(false);
    expect(JSON.stringify(state)).not.toContain(password);
  });
});
