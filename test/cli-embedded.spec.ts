/**
 * `switchyard run` with TEMPORAL_ADDRESS unset: the CLI starts its own headless dev server,
 * bundles the workflow code itself, runs the definition, and stops the server before it exits.
 */
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

function portIsOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('switchyard run (embedded dev server)', () => {
  it('runs a definition on a dev server of its own and stops it afterwards', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.TEMPORAL_ADDRESS;
    delete env.TEMPORAL_NAMESPACE;
    delete env.SWITCHYARD_WORKFLOW_BUNDLE;
    const child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', join(ROOT, 'src', 'cli', 'main.ts'), 'run', 'examples/deploy-web.yaml', '--json'],
      { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`no exit in 150 s\nstdout:\n${stdout}\nstderr:\n${stderr}`));
      }, 150_000);
      child.once('close', (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });

    expect({ code, stderr }).toEqual({ code: 0, stderr: expect.stringContaining('starting an embedded Temporal') });
    expect(stderr).toContain('Bundling the workflow code');
    const doc = JSON.parse(stdout);
    expect(doc.status).toBe('SUCCEEDED');
    expect(doc.outputs).toEqual({ artifact: 'web-dev.tar.gz', deployed: 'deployed web-dev.tar.gz to dev' });
    expect(doc.nodes.prod.status).toBe('SKIPPED');

    const address = /Temporal dev server ready at 127\.0\.0\.1:(\d+)/.exec(stderr);
    expect(address).not.toBeNull();
    expect(Number(address![1])).not.toBe(Number(process.env.SWITCHYARD_TEST_TEMPORAL_ADDRESS?.split(':')[1]));
    expect(await portIsOpen(Number(address![1]))).toBe(false);
  }, 180_000);
});
