/**
 * `switchyard run` without a database takes `${secrets.NAME}` from `SWITCHYARD_SECRET_<NAME>`:
 * a child process on the test dev server. The value reaches the command and not the printed result.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');

function run(
  file: string,
  extraEnv: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: process.env.SWITCHYARD_TEST_TEMPORAL_ADDRESS,
    SWITCHYARD_WORKFLOW_BUNDLE: process.env.SWITCHYARD_TEST_WORKFLOW_BUNDLE,
    ...extraEnv,
  };
  for (const name of ['TEMPORAL_NAMESPACE', 'TEMPORAL_TASK_QUEUE', 'DATABASE_URL']) delete env[name];
  const child = spawn(process.execPath, ['-r', '@swc-node/register', MAIN, 'run', file, '--json'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`switchyard run timed out; stderr: ${stderr}`));
    }, 90_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('switchyard run with secrets from the environment', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-secrets-'));
  const file = join(dir, 'uses-secret.yaml');
  const marker = join(dir, 'seen');
  writeFileSync(
    file,
    `name: uses-secret
nodes:
  - id: use
    type: shell.exec
    with: { command: "printf %s '\${secrets.DEPLOY_TOKEN}' > ${marker} && echo 'token=\${secrets.DEPLOY_TOKEN}'" }
`,
  );

  it('fills the secret in for the command and scrubs it from the result', async () => {
    const value = `cli-${Date.now().toString(36)}-value`;
    const result = await run(file, { SWITCHYARD_SECRET_DEPLOY_TOKEN: value });
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout) as { status: string; nodes: Record<string, { output: unknown }> };
    expect(document.status).toBe('SUCCEEDED');
    expect(document.nodes.use.output).toMatchObject({ stdout: 'token=***\n' });
    expect(readFileSync(marker, 'utf8')).toBe(value);
    expect(result.stdout.includes(value) || result.stderr.includes(value)).toBe(false);
  });

  it('fails the node naming the missing secret and its variable', async () => {
    const result = await run(file, {});
    expect(result.code).toBe(1);
    const document = JSON.parse(result.stdout) as { nodes: Record<string, { error: unknown }> };
    expect(document.nodes.use.error).toEqual({
      type: 'SecretNotFound',
      message: 'No secret DEPLOY_TOKEN in environment variables SWITCHYARD_SECRET_<NAME>',
    });
  });
});
