import { execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PluginError } from '../sdk';
import { runPlugin } from '../sdk/testing';
import { COMMAND_NOT_ALLOWED, createShellExecPlugin, shellExec } from './plugin';

/** Live (non-zombie) processes of process group `pgid`, read from `ps` independently of the plugin. */
function liveMembers(pgid: number): Array<{ pid: number; command: string }> {
  const out = execFileSync('ps', ['-eo', 'pid=,pgid=,stat=,comm='], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([pid, group, stat]) => pid && Number(group) === pgid && !stat.startsWith('Z'))
    .map(([pid, , , command]) => ({ pid: Number(pid), command }));
}

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function failure(promise: Promise<unknown>): Promise<PluginError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(PluginError);
    return err as PluginError;
  }
  throw new Error('expected the plugin to fail');
}

describe('shellExec', () => {
  it('runs a command through /bin/sh and returns exit code, stdout and stderr', async () => {
    const output = await runPlugin(shellExec, { command: 'echo out; echo err >&2; x=4; echo $((x * 2))' });
    expect(output).toEqual({ exitCode: 0, stdout: 'out\n8\n', stderr: 'err\n', truncated: false });
  });

  it('runs argv without a shell: no expansion, arguments kept whole', async () => {
    const output = await runPlugin(shellExec, { argv: ['printf', '%s|', 'a b', '$HOME', '*'] });
    expect(output.stdout).toBe('a b|$HOME|*|');
  });

  it('merges env over the worker environment', async () => {
    const output = await runPlugin(shellExec, {
      command: 'echo "$GREETING"; test -n "$PATH" && echo has-path',
      env: { GREETING: 'hello ops' },
    });
    expect(output.stdout).toBe('hello ops\nhas-path\n');
  });

  it('runs in cwd', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shell-exec-'));
    try {
      const output = await runPlugin(shellExec, { argv: ['pwd'], cwd: dir });
      expect(output.stdout.trim()).toBe(realpathSync(dir));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails a non-zero exit as a retryable ShellExitError with the code and the stderr tail', async () => {
    const err = await failure(runPlugin(shellExec, { command: 'echo partial; echo "disk full" >&2; exit 3' }));
    expect(err).toMatchObject({ type: 'ShellExitError', retryable: true });
    expect(err.message).toBe('Command exited with code 3; stderr: disk full');
    expect(err.details).toMatchObject({ exitCode: 3, stdoutTail: 'partial\n', stderrTail: 'disk full\n' });
  });

  it('keeps only the tail of a long stderr in the message', async () => {
    const err = await failure(
      runPlugin(shellExec, { command: `head -c 3000 /dev/zero | tr '\\0' a >&2; echo END >&2; exit 1` }),
    );
    expect(err.message).toBe(`Command exited with code 1; stderr: ${'a'.repeat(496)}END`);
  });

  it('fails a program that cannot start as a non-retryable ShellSpawnError', async () => {
    const err = await failure(runPlugin(shellExec, { argv: ['/no/such/program', '--help'] }));
    expect(err).toMatchObject({ type: 'ShellSpawnError', retryable: false, details: { code: 'ENOENT' } });
  });

  it('refuses a cwd that is not a directory', async () => {
    const err = await failure(runPlugin(shellExec, { command: 'true', cwd: '/no/such/dir' }));
    expect(err).toMatchObject({ type: 'InvalidInput', retryable: false });
  });

  it('has a schema that wants exactly one of command and argv', async () => {
    await expect(runPlugin(shellExec, { command: 'true', argv: ['true'] })).rejects.toThrow(/oneOf/);
    await expect(runPlugin(shellExec, { env: { A: 'b' } })).rejects.toThrow(/with\.command: is required/);
    await expect(runPlugin(shellExec, { command: 'true', shell: 'bash' } as never)).rejects.toThrow(
      /with\.shell: is not allowed/,
    );
  });

  it('caps each stream at 1 MiB and says so', async () => {
    const output = await runPlugin(shellExec, {
      command: `head -c 1100000 /dev/zero | tr '\\0' a; echo small >&2`,
    });
    expect(output.stdout.length).toBe(1024 * 1024);
    expect(output.stdout).toMatch(/^a+$/);
    expect(output.stderr).toBe('small\n');
    expect(output.truncated).toBe(true);
  });

  it('caps at the configured size', async () => {
    const plugin = createShellExecPlugin({ maxOutputBytes: 10 });
    const output = await runPlugin(plugin, { command: 'echo 0123456789abcdef >&2' });
    expect(output).toMatchObject({ stdout: '', stderr: '0123456789', truncated: true });
  });

  it('heartbeats while running, with the pid and a tail of the output', async () => {
    const plugin = createShellExecPlugin({ heartbeatIntervalMs: 30 });
    const heartbeats: unknown[] = [];
    await runPlugin(plugin, { command: 'echo started; sleep 0.4' }, { onHeartbeat: (d) => heartbeats.push(d) });
    expect(heartbeats.length).toBeGreaterThan(3);
    expect(heartbeats.at(-1)).toMatchObject({ pid: expect.any(Number), stdoutTail: 'started\n', stderrTail: '' });
  });

  it('kills the whole process group when cancelled, background children included', async () => {
    const controller = new AbortController();
    const reason = new Error('node cancelled');
    let pgid = 0;
    const pending = runPlugin(
      shellExec,
      { command: 'sleep 30 & sleep 30' },
      { signal: controller.signal, onHeartbeat: (d) => (pgid ||= (d as { pid: number }).pid) },
    );
    await until(() => pgid > 0 && liveMembers(pgid).filter((p) => p.command === 'sleep').length === 2);

    const started = Date.now();
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(liveMembers(pgid)).toEqual([]);
    // SIGTERM was enough: no wait for the SIGKILL grace period.
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('sends SIGKILL to a group that ignores SIGTERM after the grace period', async () => {
    const plugin = createShellExecPlugin({ killGraceMs: 500, heartbeatIntervalMs: 20 });
    const controller = new AbortController();
    let pgid = 0;
    const pending = runPlugin(
      plugin,
      { command: `trap '' TERM; sleep 30 & sleep 30` },
      { signal: controller.signal, onHeartbeat: (d) => (pgid ||= (d as { pid: number }).pid) },
    );
    await until(() => pgid > 0 && liveMembers(pgid).filter((p) => p.command === 'sleep').length === 2);

    const started = Date.now();
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(liveMembers(pgid)).toEqual([]);
  });

  it('does not start anything when already cancelled', async () => {
    const controller = new AbortController();
    controller.abort(new Error('too late'));
    const dir = mkdtempSync(join(tmpdir(), 'shell-exec-'));
    try {
      await expect(
        runPlugin(shellExec, { command: 'touch started', cwd: dir }, { signal: controller.signal }),
      ).rejects.toThrow('too late');
      expect(execFileSync('ls', [dir], { encoding: 'utf8' })).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('kills the group and fails with a retryable ShellTimeout when the timeout passes', async () => {
    let pgid = 0;
    const started = Date.now();
    const err = await failure(
      runPlugin(
        createShellExecPlugin({ heartbeatIntervalMs: 20 }),
        { command: 'echo begun; sleep 30 & sleep 30', timeout: '300ms' },
        { onHeartbeat: (d) => (pgid ||= (d as { pid: number }).pid) },
      ),
    );
    expect(err).toMatchObject({ type: 'ShellTimeout', retryable: true, details: { timeoutMs: 300 } });
    expect(err.message).toBe('Command timed out after 300ms and was killed');
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(liveMembers(pgid)).toEqual([]);
  });
});

describe('shellExec with allowedCommands', () => {
  const restricted = createShellExecPlugin({ allowedCommands: ['echo', 'printf', '/bin/true'] });
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'shell-exec-allowed-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs a listed program, by argv or as the first word of a plain command', async () => {
    await expect(runPlugin(restricted, { argv: ['printf', '%s', 'a;b'] })).resolves.toMatchObject({ stdout: 'a;b' });
    await expect(runPlugin(restricted, { argv: ['/bin/true'] })).resolves.toMatchObject({ exitCode: 0 });
    await expect(
      runPlugin(restricted, { command: `echo "double quoted; fine" 'single $HOME; fine' *.none` }),
    ).resolves.toMatchObject({ stdout: 'double quoted; fine single $HOME; fine *.none\n' });
  });

  it.each([
    ['an unlisted argv[0]', { argv: ['touch', 'x'] }, '"touch" is not allowed'],
    ['a listed name given as a path', { argv: ['/bin/echo', 'x'] }, '"/bin/echo" is not allowed'],
    ['an unlisted first word', { command: 'touch x' }, '"touch" is not allowed'],
    ['a chain', { command: 'echo ok; touch x' }, 'command contains ";"'],
    ['a pipe', { command: 'echo ok | tee x' }, 'command contains "|"'],
    ['a background job', { command: 'echo ok & touch x' }, 'command contains "&"'],
    ['a redirection', { command: 'echo ok > x' }, 'command contains ">"'],
    ['a substitution', { command: 'echo $(touch x)' }, 'command contains "$"'],
    ['a substitution in double quotes', { command: 'echo "`touch x`"' }, 'command contains "`"'],
    ['a variable', { command: 'echo $HOME' }, 'command contains "$"'],
    ['a newline', { command: 'echo ok\ntouch x' }, 'command contains a newline'],
    ['a subshell', { command: '(touch x)' }, 'command contains "("'],
    ['an escape', { command: 'echo \\; touch x' }, 'command contains "\\"'],
    ['a quoted first word', { command: '"touch" x' }, 'first word of command must be a plain program'],
    ['an assignment prefix', { command: 'A=1 echo x' }, 'first word of command must be a plain program'],
    ['an unterminated quote', { command: "echo 'x" }, 'unterminated quote'],
    ['a PATH override', { argv: ['echo', 'x'], env: { PATH: '.' } }, 'env may not set PATH'],
    ['a preload', { command: 'echo x', env: { LD_PRELOAD: '/tmp/x.so' } }, 'env may not set LD_PRELOAD'],
  ])('refuses %s as a non-retryable CommandNotAllowed, running nothing', async (_what, input, message) => {
    const err = await failure(runPlugin(restricted, { ...input, cwd: dir }));
    expect(err).toMatchObject({ type: COMMAND_NOT_ALLOWED, retryable: false });
    expect(err.message).toContain(message);
    expect(execFileSync('ls', [dir], { encoding: 'utf8' })).toBe('');
  });

  it('names what this worker allows, in the refusal and in its description', async () => {
    const err = await failure(runPlugin(restricted, { argv: ['rm', '-rf', dir] }));
    expect(err.message).toBe('shell.exec on this worker may run only echo, printf, /bin/true; "rm" is not allowed');
    expect(restricted.description).toContain('On this worker it may run only: echo, printf, /bin/true.');
    const nothing = createShellExecPlugin({ allowedCommands: [] });
    await expect(runPlugin(nothing, { argv: ['echo'] })).rejects.toMatchObject({ type: COMMAND_NOT_ALLOWED });
  });

  it('leaves an unrestricted worker alone', async () => {
    await expect(runPlugin(shellExec, { command: 'echo a; echo $((1 + 1)) | cat' })).resolves.toMatchObject({
      stdout: 'a\n2\n',
    });
  });

  it('refuses a setting with an empty or spaced entry', () => {
    expect(() => createShellExecPlugin({ allowedCommands: ['rm -rf'] })).toThrow(/without spaces/);
  });
});
