/**
 * The `switchyard` CLI as a user runs it: a child process, against the test run's real Temporal
 * dev server, with the examples in examples/ and a few definitions written for the occasion.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBuiltinRegistry } from '../plugins';
import { INTERPRETER_WORKFLOW_TYPE, retryNodeUpdate, stateQuery, type RunState } from '../workflows/contract';
import { compilePlan } from '../workflows/definition/compile';
import { parseDefinitionText } from '../workflows/definition/parse';
import type { Definition } from '../workflows/definition/types';
import { validateDefinition } from '../workflows/definition/validate';
import type { interpreter } from '../workflows';
import { TEST_PAYLOAD_KEYS, testPlatformClient } from './support/payload-keys';
import { uniqueTaskQueue } from './support/temporal';

const ROOT = join(__dirname, '..');
const EXAMPLES = join(ROOT, 'examples');
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');

interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

interface CliOptions {
  /** Called with the child and everything it wrote to stderr so far, on every stderr chunk. */
  onStderr?: (child: ChildProcess, stderr: string) => void;
  timeoutMs?: number;
  /** Variables to set (a value `undefined` removes the variable). */
  env?: NodeJS.ProcessEnv;
}

/** Runs `switchyard <args>` from the TypeScript sources, on the test dev server, with the prebuilt workflow bundle. */
function cli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: process.env.SWITCHYARD_TEST_TEMPORAL_ADDRESS,
    SWITCHYARD_WORKFLOW_BUNDLE: process.env.SWITCHYARD_TEST_WORKFLOW_BUNDLE,
    SWITCHYARD_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
    ...options.env,
  };
  for (const name of ['TEMPORAL_NAMESPACE', 'TEMPORAL_TASK_QUEUE', 'DATABASE_URL']) delete env[name];
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
  const child = spawn(process.execPath, ['-r', '@swc-node/register', MAIN, ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    options.onStderr?.(child, stderr);
  });
  const timeoutMs = options.timeoutMs ?? 90_000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `switchyard ${args.join(' ')} did not end in ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`,
        ),
      );
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The `--json` document, with the process's stderr in the failure message when stdout is not JSON. */
function json(result: CliResult): any {
  try {
    return JSON.parse(result.stdout);
  } catch {
    throw new Error(
      `stdout is not one JSON document (exit ${result.code}):\n${result.stdout}\nstderr:\n${result.stderr}`,
    );
  }
}

const example = (name: string) => join('examples', name);

let scratch: string;
function writeDefinition(name: string, text: string): string {
  const file = join(scratch, name);
  writeFileSync(file, text);
  return file;
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'switchyard-cli-'));
});

describe('switchyard validate', () => {
  it('prints "valid" and exits 0 for every example', async () => {
    const files = readdirSync(EXAMPLES).filter((file) => /\.(ya?ml|json)$/.test(file));
    expect(files.length).toBeGreaterThanOrEqual(9);
    for (const file of files) {
      const result = await cli(['validate', example(file)]);
      expect({ file, code: result.code, stdout: result.stdout }).toEqual({ file, code: 0, stdout: 'valid\n' });
    }
  });

  it('exits 2 with exactly one "<path>: <message>" line per problem and nothing else on stdout', async () => {
    const text = [
      'name: broken',
      'nodes:',
      '  - { id: build, type: no.such.plugin }',
      '  - { id: build, type: shell.exec, with: { command: 42 } }',
      '  - { id: route, type: gateway.exclusive }',
      'edges:',
      '  - { from: build, to: nowhere }',
      '  - { from: route, to: build, when: "inputs.env ==" }',
      '',
    ].join('\n');
    const file = writeDefinition('broken.yaml', text);
    const result = await cli(['validate', file]);

    expect(result.code).toBe(2);
    const lines = result.stdout.split('\n').filter(Boolean);
    // Every problem the validator finds, in its order and in the contract's format; nothing more.
    const parsed = parseDefinitionText(text);
    const { problems, warnings } = validateDefinition(parsed.value, createBuiltinRegistry());
    expect(problems.length).toBeGreaterThanOrEqual(4);
    expect(lines).toEqual([
      ...problems.map((p) => `${p.path}: ${p.message}`),
      ...warnings.map((w) => `warning: ${w.path}: ${w.message}`),
    ]);
    expect(result.stdout.endsWith('\n')).toBe(true);
    for (const line of lines) expect(line).toMatch(/^(warning: )?[^\s:][^:]*: \S.*$/);
    const paths = lines.map((line) => line.slice(0, line.indexOf(': ')));
    expect(paths).toEqual(expect.arrayContaining(['nodes[0].type', 'nodes[1].id', 'edges[0].to', 'edges[1].when']));
  });

  it('reports a syntax error with its line and column, and an unreadable file, with exit 2', async () => {
    const syntax = await cli(['validate', writeDefinition('syntax.json', '{"name": "x", "nodes": [')]);
    expect(syntax.code).toBe(2);
    expect(syntax.stdout).toMatch(/^line \d+, column \d+: .+\n$/);

    const missing = await cli(['validate', join(scratch, 'does-not-exist.yaml')]);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toBe(`${join(scratch, 'does-not-exist.yaml')}: cannot read: no such file\n`);
  });
});

describe('switchyard run --json', () => {
  it('runs the parallel example: every branch, the join, and the outputs', async () => {
    const result = await cli(['run', example('parallel.yaml'), '--json']);
    const doc = json(result);
    expect(result.code).toBe(0);
    expect(doc.status).toBe('SUCCEEDED');
    expect(doc.error).toBeNull();
    expect(Object.keys(doc.nodes)).toEqual(['start', 'build_api', 'build_web', 'build_docs', 'join', 'report']);
    for (const node of Object.values<any>(doc.nodes)) {
      expect(node).toEqual(expect.objectContaining({ status: 'SUCCEEDED', error: null }));
    }
    expect(doc.nodes.build_web.attempts).toBe(1);
    expect(doc.nodes.build_web.output).toEqual(expect.objectContaining({ exitCode: 0, stdout: 'web' }));
    expect(doc.outputs).toEqual({ built: ['api', 'web', 'docs'] });
    // Progress goes to stderr, never into the JSON.
    expect(result.stderr).toMatch(/Started run parallel-[0-9a-f]{8}/);
  });

  it('takes the branch an --input picks at an exclusive gateway, and the default edge otherwise', async () => {
    const prod = json(await cli(['run', example('exclusive-gateway.yaml'), '--input', 'env=prod', '--json']));
    expect(prod.status).toBe('SUCCEEDED');
    expect(prod.outputs).toEqual({ env: 'prod', prod: 'SUCCEEDED', staging: 'SKIPPED', other: 'SKIPPED' });
    expect(prod.nodes.deploy_prod.output.stdout).toBe('deploying to prod\n');

    const dev = json(await cli(['run', example('exclusive-gateway.yaml'), '--json']));
    expect(dev.outputs).toEqual({ env: 'dev', prod: 'SKIPPED', staging: 'SKIPPED', other: 'SUCCEEDED' });
    expect(dev.nodes.deploy_other.output.stdout).toBe('deploying to dev\n');
  });

  it('retries a flaky command until it succeeds and skips a node that times out', async () => {
    const result = await cli(['run', example('retries-and-timeouts.yaml'), '--json']);
    const doc = json(result);
    expect(result.code).toBe(0);
    expect(doc.status).toBe('SUCCEEDED');
    expect(doc.nodes.flaky).toEqual(expect.objectContaining({ status: 'SUCCEEDED', attempts: 3, error: null }));
    expect(doc.outputs.flaky).toBe('succeeded on attempt 3');
    expect(doc.nodes.slow.status).toBe('SKIPPED');
    expect(doc.nodes.slow.error.type).toMatch(/Timeout/i);
  });

  it('evaluates variables and expressions with coerced --input values', async () => {
    const result = await cli([
      'run',
      example('vars-and-expressions.yaml'),
      '--input',
      'service=api',
      '--input',
      'replicas=3',
      '--json',
    ]);
    expect(result.code).toBe(0);
    const { outputs } = json(result);
    expect(outputs).toEqual(
      expect.objectContaining({ target: 'api-6', replicas: 6, canary: true, first_host: 'api-1' }),
    );
    expect(outputs.rendered).toMatch(/^api-6 on .+ \(shell sees api-6\)$/);
  });

  it('exits 1 with the failing node and its error when a run fails', async () => {
    const file = writeDefinition(
      'fails.yaml',
      [
        'name: fails',
        'nodes:',
        '  - { id: first, type: builtin.noop }',
        '  - { id: broken, type: shell.exec, with: { command: "echo boom >&2; exit 7" } }',
        '  - { id: never, type: builtin.noop }',
        'edges:',
        '  - { from: first, to: broken }',
        '  - { from: broken, to: never }',
      ].join('\n'),
    );
    const result = await cli(['run', file, '--json']);
    const doc = json(result);
    expect(result.code).toBe(1);
    expect(doc.status).toBe('FAILED');
    expect(doc.nodes.first.status).toBe('SUCCEEDED');
    expect(doc.nodes.broken.status).toBe('FAILED');
    expect(doc.nodes.broken.error.type).toBe('ShellExitError');
    expect(doc.nodes.broken.error.message).toMatch(/code 7.*boom/);
    expect(doc.nodes.never.status).not.toBe('SUCCEEDED');
  });

  it('runs a subflow read from a file next to the definition; names of stored templates need the platform', async () => {
    writeDefinition(
      'child.yaml',
      [
        'name: child',
        'inputs: { who: { type: string }, n: { type: integer, default: 2 } }',
        'nodes:',
        '  - { id: say, type: shell.exec, with: { command: "echo hi ${inputs.who} ${string(inputs.n)}" } }',
        'outputs: { said: "${nodes.say.output.stdout}" }',
      ].join('\n'),
    );
    const parent = writeDefinition(
      'parent.yaml',
      [
        'name: parent',
        'nodes:',
        '  - { id: call, type: subflow, with: { template: ./child.yaml, inputs: { who: ops } } }',
        'outputs: { said: "${nodes.call.output.said}" }',
      ].join('\n'),
    );
    const result = await cli(['run', parent, '--json']);
    expect(result.code).toBe(0);
    const doc = json(result);
    expect(doc.nodes.call.status).toBe('SUCCEEDED');
    expect(doc.outputs.said.trim()).toBe('hi ops 2');

    const byName = writeDefinition(
      'by-name.yaml',
      ['name: by-name', 'nodes:', '  - { id: call, type: subflow, with: { template: deploy-web } }'].join('\n'),
    );
    const refused = await cli(['run', byName]);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toContain('nodes[0].with.template: template "deploy-web" is a stored template');

    const loop = writeDefinition(
      'loop.yaml',
      ['name: loop', 'nodes:', '  - { id: again, type: subflow, with: { template: ./loop.yaml } }'].join('\n'),
    );
    const cycle = await cli(['run', loop]);
    expect(cycle.code).toBe(2);
    expect(cycle.stdout).toContain('nodes[0].with.template: subflow cycle: loop -> loop');
  });

  it('exits 2 before running anything when the definition or the inputs are invalid', async () => {
    const inputs = await cli(['run', example('deploy-web.yaml'), '--input', 'env=staging', '--input', 'replicas=x']);
    expect(inputs.code).toBe(2);
    const lines = inputs.stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^inputs\.env: .+/);
    expect(lines[1]).toMatch(/^inputs\.replicas: .+/);
    expect(inputs.stderr).not.toMatch(/Started run/);

    const definition = await cli(['run', writeDefinition('invalid.yaml', 'name: x\nnodes: []\n'), '--json']);
    expect(definition.code).toBe(2);
    const doc = json(definition);
    expect(doc.status).toBe('INVALID');
    expect(doc.problems.length).toBeGreaterThan(0);
    expect(doc.problems[0]).toEqual({ path: expect.any(String), message: expect.any(String) });
  });

  it('cancels the run on SIGINT, waits for it to end, and exits 3', async () => {
    let interrupted = false;
    const result = await cli(['run', example('timer.yaml'), '--input', 'wait=5m', '--json'], {
      onStderr: (child, stderr) => {
        if (!interrupted && /Started run/.test(stderr)) {
          interrupted = true;
          // Give the run a moment to reach its timer, then interrupt as Ctrl-C would.
          setTimeout(() => child.kill('SIGINT'), 1500);
        }
      },
    });
    expect(interrupted).toBe(true);
    expect(result.code).toBe(3);
    const doc = json(result);
    expect(doc.status).toBe('CANCELLED');
    expect(doc.nodes.before.status).toBe('SUCCEEDED');
    expect(doc.nodes.pause.status).toBe('CANCELLED');
    expect(doc.nodes.after.status).toBe('CANCELLED');
    expect(result.stderr).toMatch(/Cancelling the run/);
  });

  it('waits for an operator on a manual failure and goes on once the node is retried with new inputs', async () => {
    const client = await testPlatformClient();
    let retried: Promise<unknown> | undefined;
    const result = await cli(['run', example('manual-failure.yaml'), '--input', 'break_deploy=true', '--json'], {
      onStderr: (_child, stderr) => {
        const workflowId = /Started run (\S+)/.exec(stderr)?.[1];
        if (!workflowId || retried) return;
        const handle = client.workflow.getHandle(workflowId);
        retried = (async () => {
          let state: RunState;
          const deadline = Date.now() + 30_000;
          do {
            await new Promise((resolve) => setTimeout(resolve, 200));
            state = await handle.query(stateQuery);
          } while (state.status !== 'WAITING' && Date.now() < deadline);
          expect(state.status).toBe('WAITING');
          expect(state.nodes.deploy).toEqual(expect.objectContaining({ status: 'FAILED', waitingFor: 'operator' }));
          expect(state.nodes.announce.status).toBe('PENDING');
          return handle.executeUpdate(retryNodeUpdate, {
            args: [{ nodeId: 'deploy', with: { command: 'echo fixed by hand' }, by: 'jest' }],
          });
        })();
      },
    });
    await retried;
    expect(result.code).toBe(0);
    const doc = json(result);
    expect(doc.status).toBe('SUCCEEDED');
    expect(doc.nodes.cleanup.status).toBe('SKIPPED');
    expect(doc.nodes.cleanup.error.type).toBe('ShellExitError');
    expect(doc.nodes.deploy.status).toBe('SUCCEEDED');
    expect(doc.nodes.deploy.output.stdout).toBe('fixed by hand\n');
    expect(doc.nodes.announce.status).toBe('SUCCEEDED');
  });
});

describe('switchyard run', () => {
  it('prints a short summary without --json', async () => {
    const result = await cli(['run', example('deploy-web.yaml'), '--input', 'env=prod', '--input', 'replicas=3']);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n').filter(Boolean);
    expect(lines[0]).toMatch(/^Run deploy-web-[0-9a-f]{8} SUCCEEDED in \S+ \(5 nodes: 4 succeeded, 1 skipped\)$/);
    expect(lines).toContain('Outputs:');
    expect(lines).toContain('  artifact: "web-prod.tar.gz"');
    expect(lines).toContain('  deployed: "deployed web-prod.tar.gz to prod, 3 replicas"');
  });

  it('--watch on a pipe prints each node row when it changes and ends with the run status', async () => {
    const result = await cli(['run', example('dead-path.yaml'), '--watch']);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n').filter(Boolean);
    expect(lines[0]).toMatch(/^NODE\s+TYPE\s+STATUS\s+ATTEMPTS\s+DURATION\s+ERROR$/);
    // No redraws on a pipe: no escape sequences, and the header once.
    expect(result.stdout).not.toContain('\x1b[');
    expect(lines.filter((line) => line.startsWith('NODE'))).toHaveLength(1);
    const rows = (id: string) => lines.filter((line) => line.startsWith(`${id} `));
    expect(rows('fast_path').at(-1)).toMatch(/^fast_path\s+shell\.exec\s+SKIPPED\s+0/);
    expect(rows('announce').at(-1)).toMatch(/^announce\s+builtin\.noop\s+SUCCEEDED\s+1\s+\S+$/);
    // A row is printed again only when it changes: never twice in a row with the same status.
    for (const id of ['route', 'fast_path', 'unit_tests', 'integration_tests', 'staging', 'announce']) {
      const statuses = rows(id).map((line) => line.split(/\s+/)[2]);
      expect(statuses.length).toBeGreaterThan(0);
      expect(new Set(statuses).size).toBe(statuses.length);
    }
    const runEnd = lines.findIndex((line) => /^run SUCCEEDED\s+\S+$/.test(line));
    const summary = lines.findIndex((line) => /^Run dead-path-[0-9a-f]{8} SUCCEEDED/.test(line));
    expect(runEnd).toBeGreaterThan(0);
    expect(summary).toBe(runEnd + 1);
  });
});

describe('switchyard worker', () => {
  it('refuses to start without the platform’s payload keys (it would write payloads nobody reads)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-worker-keys-'));
    const result = await cli(['worker'], { env: { SWITCHYARD_PAYLOAD_KEYS: undefined, SWITCHYARD_DATA_DIR: dataDir } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `SWITCHYARD_PAYLOAD_KEYS is unset and ${join(dataDir, 'payload-keys')} does not exist`,
    );
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('serves a task queue until SIGTERM, then drains and exits 0', async () => {
    // The worker encrypts with SWITCHYARD_PAYLOAD_KEYS: the client reads with the same keys.
    const client = await testPlatformClient();
    const taskQueue = uniqueTaskQueue('cli-worker');
    const registry = createBuiltinRegistry();
    const text = readFileSync(join(EXAMPLES, 'parallel.yaml'), 'utf8');
    const definition = validateDefinition(parseDefinitionText(text).value, registry).definition as Definition;
    expect(definition).toBeDefined();
    let ran: Promise<RunState> | undefined;
    const result = await cli(['worker', '--task-queue', taskQueue], {
      onStderr: (child, stderr) => {
        if (ran || !/Worker serving task queue/.test(stderr)) return;
        ran = client.workflow
          .execute<typeof interpreter>(INTERPRETER_WORKFLOW_TYPE, {
            taskQueue,
            workflowId: `cli-worker-${Date.now()}`,
            args: [
              {
                plan: compilePlan(definition, registry),
                inputs: {},
                run: { id: `cli-worker-${Date.now()}`, startedBy: 'jest', startedAt: new Date().toISOString() },
              },
            ],
          })
          .finally(() => child.kill('SIGTERM'));
      },
    });
    expect(ran).toBeDefined();
    const state = await ran!;
    expect(state.status).toBe('SUCCEEDED');
    expect(state.outputs).toEqual({ built: ['api', 'web', 'docs'] });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/SIGTERM: draining the worker/);
    expect(result.stderr).toMatch(/Worker stopped/);
  });
});
