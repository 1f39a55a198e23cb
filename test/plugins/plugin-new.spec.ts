/**
 * `switchyard plugin new NAME`: scaffolds into a temp dir, then the result is type-checked with the
 * project's compiler settings, its own generated test is run by a separate Jest, and a worker's
 * loader loads the folder.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { loadPluginsFromFolders } from '../../plugins/loader';
import { pluginCommand, scaffoldPlugin } from '../../src/cli/commands/plugin-new.command';
import type { CliContext } from '../../src/cli/context';

const ROOT = join(__dirname, '..', '..');

function testContext(): { ctx: CliContext; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CliContext = {
    io: { out: (t) => out.push(t), err: (t) => err.push(t), stdoutIsTTY: false, stderrIsTTY: false, env: {} },
    exitCode: 0,
  };
  return { ctx, out, err };
}

async function runCommand(args: string[]) {
  const test = testContext();
  await pluginCommand(test.ctx).parseAsync(args, { from: 'user' });
  return test;
}

/** Type errors of `files` under the project's compiler options (strict, nodenext). */
function typeErrors(files: string[]): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(ROOT, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  )!;
  // rootDir is the project's; the scaffold lives elsewhere, which is the point.
  const program = ts.createProgram(files, { ...config.options, rootDir: undefined, noEmit: true });
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const where = diagnostic.file
      ? `${diagnostic.file.fileName}:${diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1}`
      : '';
    return `${where} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
  });
}

describe('switchyard plugin new', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'plugin-new-'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('scaffolds a folder that type-checks, passes its own test and loads as a plugin', async () => {
    const { ctx, out, err } = await runCommand(['new', 'acme.deploy-app', '--dir', dir]);
    expect(err).toEqual([]);
    expect(ctx.exitCode).toBe(0);
    const folder = join(dir, 'acme-deploy-app');
    expect(readdirSync(folder).sort()).toEqual(['README.md', 'index.ts', 'plugin.spec.ts', 'plugin.ts', 'schema.ts']);
    expect(out.join('')).toContain('created plugin acme.deploy-app in ');

    // 1. The project's compiler accepts it as written.
    expect(typeErrors(['index.ts', 'plugin.ts', 'schema.ts', 'plugin.spec.ts'].map((f) => join(folder, f)))).toEqual(
      [],
    );

    // 2. Its own test passes, run by a Jest of its own rooted in the temp dir.
    const config = {
      rootDir: dir,
      testEnvironment: 'node',
      testMatch: ['**/*.spec.ts'],
      watchman: false,
      cacheDirectory: join(dir, '.jest-cache'),
      transform: {
        '^.+\\.ts$': [
          require.resolve('@swc/jest'),
          { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
        ],
      },
    };
    const jest = await promisify(execFile)(
      process.execPath,
      [require.resolve('jest/bin/jest'), '--config', JSON.stringify(config), '--json', '--ci'],
      { cwd: dir, maxBuffer: 16 * 1024 * 1024 },
    ).catch((error: { stdout?: string; stderr?: string }) => {
      throw new Error(`the generated test failed:\n${error.stderr ?? ''}\n${error.stdout ?? ''}`);
    });
    const report = JSON.parse(jest.stdout) as { numPassedTests: number; numFailedTests: number; success: boolean };
    expect(report).toMatchObject({ success: true, numFailedTests: 0, numPassedTests: 5 });

    // 3. A worker's loader takes the folder as it is.
    const { plugins, errors } = await loadPluginsFromFolders([dir]);
    expect(errors).toEqual([]);
    expect(plugins.map((plugin) => `${plugin.type}@${plugin.version}`)).toEqual(['acme.deploy-app@0.1.0']);
    expect(plugins[0].title).toBe('Acme deploy app');
  });

  it('refuses to overwrite a folder, and a name that is not a plugin type', async () => {
    const again = await runCommand(['new', 'acme.deploy-app', '--dir', dir]);
    expect(again.ctx.exitCode).toBe(2);
    expect(again.err.join('')).toMatch(/^error: .*acme-deploy-app already exists; nothing was written\n$/);

    const bad = await runCommand(['new', 'Deploy App', '--dir', dir]);
    expect(bad.ctx.exitCode).toBe(2);
    expect(bad.err.join('')).toBe(
      'error: "Deploy App" is not a plugin type: use dotted lower-case words, like acme.deploy-app\n',
    );
  });

  it('imports the SDK relative to where the folder goes (../sdk inside the plugins folder)', () => {
    const { files } = scaffoldPlugin({
      type: 'acme.notes',
      dir: 'plugins',
      cwd: dir,
      sdkDir: join(dir, 'plugins', 'sdk'),
    });
    const plugin = readFileSync(
      files.find((file) => file.endsWith('plugin.ts'))!,
      'utf8',
    );
    expect(plugin).toContain(`from '../sdk';`);
    expect(
      readFileSync(
        files.find((file) => file.endsWith('plugin.spec.ts'))!,
        'utf8',
      ),
    ).toContain(`from '../sdk/testing';`);
  });
});
