/**
 * `ssh.exec` against real OpenSSH servers started on 127.0.0.1 by this spec (two of them, so that
 * hosts can differ), with key and password authentication and real host keys.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSshExecPlugin, sshExec } from '../../plugins/ssh-exec/plugin';
import type { SshExecInput, SshExecOutput } from '../../plugins/ssh-exec/schema';
import { PluginError } from '../../plugins/sdk';
import { createTestContext, runPlugin } from '../../plugins/sdk/testing';
import {
  TEST_USER,
  createClientKeys,
  lockTestUser,
  prepareTestUser,
  startSshd,
  type ClientKeys,
  type TestSshd,
} from './support/sshd';

let keysDir: string;
let keys: ClientKeys;
let password: string;
let a: TestSshd;
let b: TestSshd;

beforeAll(async () => {
  keysDir = mkdtempSync(join(tmpdir(), 'ssh-exec-keys-'));
  keys = createClientKeys(keysDir);
  password = prepareTestUser();
  [a, b] = await Promise.all([startSshd(keys.authorized), startSshd(keys.authorized)]);
});

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  lockTestUser();
  rmSync(keysDir, { recursive: true, force: true });
});

const hostA = (user = 'root') => ({ host: '127.0.0.1', port: a.port, user });
const hostB = (user = 'root') => ({ host: '127.0.0.1', port: b.port, user });
const trusted = () => [a.knownHosts.ed25519, b.knownHosts.ed25519];

async function failure(promise: Promise<unknown>): Promise<PluginError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(PluginError);
    return err as PluginError;
  }
  throw new Error('expected the plugin to fail');
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Processes of `user` as `ps` sees them (sshd session processes included), independently of the plugin. */
function processesOf(user: string): string[] {
  const out = execFileSync('ps', ['-u', user, '-o', 'stat=,args='], { encoding: 'utf8' }).trim();
  return out
    .split('\n')
    .map((line) => /^\s*(\S+)\s+(.*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null && !match[1].startsWith('Z'))
    .map((match) => match[2]);
}

function psOrEmpty(user: string): string[] {
  try {
    return processesOf(user);
  } catch {
    return []; // ps exits 1 when nothing matches
  }
}

describe('sshExec (real OpenSSH)', () => {
  it('runs a command with key authentication and returns per-host results', async () => {
    const output = await runPlugin(sshExec, {
      hosts: [hostA()],
      command: 'echo "hello from $(id -un)"; echo warn >&2',
      privateKey: keys.privateKey,
      knownHosts: trusted(),
    });
    expect(output).toEqual({
      results: [
        {
          host: '127.0.0.1',
          port: a.port,
          user: 'root',
          exitCode: 0,
          stdout: 'hello from root\n',
          stderr: 'warn\n',
          truncated: false,
          durationMs: expect.any(Number),
        },
      ],
      succeeded: 1,
      failed: 0,
      newHostKeys: [],
    });
    expect(a.log()).toMatch(/Accepted publickey for root/);
  });

  it('authenticates with a password, and the password appears nowhere it should not', async () => {
    const { ctx, heartbeats, logs } = createTestContext();
    const input: SshExecInput = {
      hosts: [`${TEST_USER}@127.0.0.1:${a.port}`],
      command: 'id -un; echo "$PW"; echo "$PW" >&2',
      env: { PW: password },
      password,
      knownHosts: trusted(),
    };
    const output = await sshExec.execute(ctx, input);
    expect(output.results[0]).toMatchObject({ user: TEST_USER, exitCode: 0, stdout: `${TEST_USER}\n***\n` });
    expect(output.results[0].stderr).toBe('***\n');
    expect(a.log()).toMatch(new RegExp(`Accepted password for ${TEST_USER}`));
    expect(JSON.stringify({ output, heartbeats, logs })).not.toContain(password);
  });

  it('uses an encrypted key with its passphrase', async () => {
    const output = await runPlugin(sshExec, {
      hosts: [hostA()],
      command: 'echo ok',
      privateKey: keys.encryptedKey,
      passphrase: keys.passphrase,
      knownHosts: trusted(),
    });
    expect(output.results[0].stdout).toBe('ok\n');
  });

  it('runs a script from stdin with env and another interpreter, the default user and port applying', async () => {
    const output = await runPlugin(sshExec, {
      hosts: ['127.0.0.1'],
      user: 'root',
      port: b.port,
      script: 'set -e\necho "shell=$0"\necho "greeting=$GREETING"\narr=(x y z)\necho "count=${#arr[@]}"\n',
      interpreter: 'bash',
      env: { GREETING: "it's a 'quoted' $value" },
      privateKey: keys.privateKey,
      knownHosts: trusted(),
    });
    expect(output.results[0]).toMatchObject({
      port: b.port,
      exitCode: 0,
      stdout: "shell=bash\ngreeting=it's a 'quoted' $value\ncount=3\n",
    });
  });

  it('fails the node when one host exits non-zero (failOn any), keeping every result in input order', async () => {
    const flag = join(b.workDir, `fail-${Date.now()}`);
    writeFileSync(flag, '');
    try {
      const input: SshExecInput = {
        hosts: [hostA(), hostB(), hostA()],
        command: `port=$(echo "$SSH_CONNECTION" | cut -d' ' -f4); echo "port=$port"; if [ -e ${flag} ] && [ "$port" = ${b.port} ]; then echo broken >&2; exit 3; fi`,
        privateKey: keys.privateKey,
        knownHosts: trusted(),
      };
      const err = await failure(runPlugin(sshExec, input));
      expect(err).toMatchObject({ type: 'SshExecFailed', retryable: true });
      expect(err.message).toBe(
        `ssh.exec failed on 1 of 3 host(s): 127.0.0.1:${b.port} exited with code 3 (stderr: broken)`,
      );
      const details = err.details as SshExecOutput;
      expect(details.results.map((r) => [r.port, r.exitCode, r.stdout])).toEqual([
        [a.port, 0, `port=${a.port}\n`],
        [b.port, 3, `port=${b.port}\n`],
        [a.port, 0, `port=${a.port}\n`],
      ]);
      expect(details).toMatchObject({ succeeded: 2, failed: 1 });

      const tolerant = await runPlugin(sshExec, { ...input, failOn: 'all' });
      expect(tolerant).toMatchObject({ succeeded: 2, failed: 1 });
      expect(tolerant.results[1]).toMatchObject({ exitCode: 3, stderr: 'broken\n' });
      expect(tolerant.results[1].error).toBeUndefined();
    } finally {
      rmSync(flag, { force: true });
    }
  });

  it('fails with failOn all only when every host fails, naming the first five in the message', async () => {
    const err = await failure(
      runPlugin(sshExec, {
        hosts: [hostA(), hostB(), hostA(), hostB(), hostA(), hostB(), hostA()],
        command: 'exit 2',
        privateKey: keys.privateKey,
        knownHosts: trusted(),
        failOn: 'all',
        concurrency: 7,
      }),
    );
    expect(err.message).toMatch(/^ssh\.exec failed on 7 of 7 host\(s\): 127\.0\.0\.1:\d+ exited with code 2; /);
    expect(err.message.match(/exited with code 2/g)).toHaveLength(5);
    expect(err.message).toMatch(/; and 2 more$/);
    expect((err.details as SshExecOutput).results).toHaveLength(7);
  });

  it('reports an unreachable host as a connection error while the others run', async () => {
    const spare = createServer();
    await new Promise<void>((resolve) => spare.listen(0, '127.0.0.1', resolve));
    const closedPort = (spare.address() as AddressInfo).port;
    await new Promise<void>((resolve) => spare.close(() => resolve()));

    const output = await runPlugin(sshExec, {
      hosts: [hostA(), { host: '127.0.0.1', port: closedPort, user: 'root' }],
      command: 'echo up',
      privateKey: keys.privateKey,
      knownHosts: trusted(),
      failOn: 'all',
    });
    expect(output.results[0]).toMatchObject({ exitCode: 0, stdout: 'up\n' });
    expect(output.results[1]).toMatchObject({ exitCode: null, error: { type: 'SshConnectionError' } });
    expect(output.results[1].error!.message).toContain('ECONNREFUSED');
  });

  describe('host keys', () => {
    const marker = () => join(a.workDir, `ran-${Date.now()}-${Math.random().toString(36).slice(2)}`);

    it('refuses an unknown host by default, runs nothing, and says how to pin its key', async () => {
      const ran = marker();
      const err = await failure(
        runPlugin(sshExec, { hosts: [hostA()], command: `touch ${ran}`, privateKey: keys.privateKey }),
      );
      expect(err).toMatchObject({ type: 'SshExecFailed', retryable: false });
      const [result] = (err.details as SshExecOutput).results;
      expect(result.error?.type).toBe('SshHostKeyUnknown');
      expect(result.error?.message).toContain(`(ssh-ed25519 ${a.fingerprints.ed25519})`);
      expect(result.error?.message).toContain(`pin it with "${a.knownHosts.ed25519}"`);
      expect(existsSync(ran)).toBe(false);
    });

    it('refuses a host whose key differs from the pinned one (another server answering), running nothing', async () => {
      const ran = marker();
      // Server B's key pinned for server A's address: what a man in the middle looks like.
      const impostor = b.knownHosts.ed25519.replace(`[127.0.0.1]:${b.port}`, `[127.0.0.1]:${a.port}`);
      const err = await failure(
        runPlugin(sshExec, {
          hosts: [hostA()],
          command: `touch ${ran}`,
          privateKey: keys.privateKey,
          knownHosts: [impostor],
          hostKeyPolicy: 'accept-new',
        }),
      );
      const [result] = (err.details as SshExecOutput).results;
      expect(result.error?.type).toBe('SshHostKeyMismatch');
      expect(result.error?.message).toContain(a.fingerprints.ed25519);
      expect(existsSync(ran)).toBe(false);
    });

    it('trusts a pinned SHA256 fingerprint, for one host or any', async () => {
      for (const line of [`[127.0.0.1]:${a.port} ${a.fingerprints.ed25519}`, a.fingerprints.ed25519]) {
        const output = await runPlugin(sshExec, {
          hosts: [hostA()],
          command: 'echo pinned',
          privateKey: keys.privateKey,
          knownHosts: [line],
        });
        expect(output.results[0].stdout).toBe('pinned\n');
      }
    });

    it('reads known_hosts lines hashed by ssh-keygen -H', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'known-hosts-'));
      try {
        const file = join(dir, 'known_hosts');
        writeFileSync(file, `${a.knownHosts.ed25519}\n`);
        execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
        const hashed = readFileSync(file, 'utf8').trim();
        expect(hashed).toMatch(/^\|1\|/);
        const output = await runPlugin(sshExec, {
          hosts: [hostA()],
          command: 'echo hashed',
          privateKey: keys.privateKey,
          knownHosts: [hashed],
        });
        expect(output.results[0].stdout).toBe('hashed\n');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('asks a host known only by its RSA key for that key', async () => {
      const output = await runPlugin(sshExec, {
        hosts: [hostA()],
        command: 'echo rsa',
        privateKey: keys.privateKey,
        knownHosts: [a.knownHosts.rsa],
      });
      expect(output.results[0].stdout).toBe('rsa\n');
    });

    it('refuses a revoked key', async () => {
      const err = await failure(
        runPlugin(sshExec, {
          hosts: [hostA()],
          command: 'true',
          privateKey: keys.privateKey,
          knownHosts: [a.knownHosts.ed25519, `@revoked ${a.knownHosts.ed25519}`],
        }),
      );
      expect((err.details as SshExecOutput).results[0].error?.type).toBe('SshHostKeyRevoked');
    });

    it('with accept-new, trusts an unknown host and reports the line to pin, as ssh-keyscan prints it', async () => {
      const output = await runPlugin(sshExec, {
        hosts: [hostA(), hostB()],
        command: 'echo first contact',
        privateKey: keys.privateKey,
        knownHosts: [b.knownHosts.ed25519],
        hostKeyPolicy: 'accept-new',
      });
      expect(output.succeeded).toBe(2);
      expect(output.newHostKeys).toEqual([a.knownHosts.ed25519]);
    });
  });

  describe('authentication failures', () => {
    it('fails a refused key as SshAuthFailed, not retryable', async () => {
      const err = await failure(
        runPlugin(sshExec, { hosts: [hostA()], command: 'true', privateKey: keys.strangerKey, knownHosts: trusted() }),
      );
      expect(err).toMatchObject({ retryable: false });
      expect((err.details as SshExecOutput).results[0].error).toEqual({
        type: 'SshAuthFailed',
        message: 'authentication failed (the key or password was refused)',
      });
    });

    it('fails a wrong password without ever quoting it', async () => {
      const wrong = `not-${password}`;
      const err = await failure(
        runPlugin(sshExec, {
          hosts: [`${TEST_USER}@127.0.0.1:${a.port}`],
          command: 'true',
          password: wrong,
          knownHosts: trusted(),
        }),
      );
      expect((err.details as SshExecOutput).results[0].error?.type).toBe('SshAuthFailed');
      expect(JSON.stringify({ message: err.message, details: err.details, stack: err.stack })).not.toContain(wrong);
    });

    it('refuses an unreadable key or a wrong passphrase up front, quoting neither', async () => {
      const garbage = '-----BEGIN OPENSSH PRIVATE KEY-----\nnot-a-key-at-all\n-----END OPENSSH PRIVATE KEY-----\n';
      for (const input of [
        { privateKey: garbage },
        { privateKey: keys.encryptedKey },
        { privateKey: keys.encryptedKey, passphrase: 'wrong-passphrase' },
      ]) {
        const err = await failure(
          runPlugin(sshExec, { hosts: [hostA()], command: 'true', knownHosts: trusted(), ...input }),
        );
        expect(err).toMatchObject({ type: 'InvalidInput', retryable: false });
        expect(err.message).not.toContain('not-a-key-at-all');
        expect(err.message).not.toContain('wrong-passphrase');
      }
    });
  });

  it('runs at most `concurrency` hosts at a time', async () => {
    const log = join(a.workDir, `concurrency-${Date.now()}.log`);
    const hosts = [hostA(), hostB(), hostA(), hostB(), hostA()];
    const started = Date.now();
    const output = await runPlugin(sshExec, {
      hosts,
      command: `echo "start $(date +%s%N)" >> ${log}; sleep 0.6; echo "end $(date +%s%N)" >> ${log}`,
      privateKey: keys.privateKey,
      knownHosts: trusted(),
      concurrency: 2,
    });
    const elapsed = Date.now() - started;
    expect(output.results.map((r) => r.port)).toEqual(hosts.map((h) => h.port));
    const events = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(' '))
      .map(([kind, ns]) => ({ delta: kind === 'start' ? 1 : -1, at: BigInt(ns) }))
      .sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : x.delta - y.delta));
    let open = 0;
    let peak = 0;
    for (const event of events) {
      open += event.delta;
      peak = Math.max(peak, open);
    }
    expect(events).toHaveLength(10);
    expect(peak).toBe(2);
    // Five hosts of 0.6 s, two at a time: three rounds.
    expect(elapsed).toBeGreaterThanOrEqual(1_800);
    rmSync(log, { force: true });
  });

  it('heartbeats while hosts run, naming the running ones', async () => {
    const plugin = createSshExecPlugin({ heartbeatIntervalMs: 50 });
    const heartbeats: unknown[] = [];
    await runPlugin(
      plugin,
      { hosts: [hostA(), hostB()], command: 'sleep 0.5', privateKey: keys.privateKey, knownHosts: trusted() },
      { onHeartbeat: (details) => heartbeats.push(details) },
    );
    expect(heartbeats.length).toBeGreaterThan(4);
    expect(heartbeats).toContainEqual({
      hostsDone: 0,
      hostsTotal: 2,
      running: [`root@[127.0.0.1]:${a.port}`, `root@[127.0.0.1]:${b.port}`],
    });
  });

  it('fails a host whose command outlives `timeout` as SshTimeout', async () => {
    const started = Date.now();
    const err = await failure(
      runPlugin(sshExec, {
        hosts: [hostA()],
        command: 'sleep 20',
        privateKey: keys.privateKey,
        knownHosts: trusted(),
        timeout: '500ms',
      }),
    );
    expect((err.details as SshExecOutput).results[0].error).toEqual({
      type: 'SshTimeout',
      message: 'the command timed out after 500ms',
    });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('when cancelled, signals the remote command, closes every connection and starts no further host', async () => {
    const run = `${Date.now()}`;
    const startedMark = join(a.workDir, `started-${run}`);
    const finishedMark = join(a.workDir, `finished-${run}`);
    const controller = new AbortController();
    const reason = new Error('node cancelled');
    const pending = runPlugin(
      sshExec,
      {
        hosts: [`${TEST_USER}@127.0.0.1:${a.port}`, `${TEST_USER}@127.0.0.1:${b.port}`],
        command: `touch ${startedMark}-$(echo "$SSH_CONNECTION" | cut -d' ' -f4); sleep 3 && touch ${finishedMark}`,
        password,
        knownHosts: trusted(),
        concurrency: 1,
      },
      { signal: controller.signal },
    );
    try {
      await until(() => existsSync(`${startedMark}-${a.port}`));
      expect(psOrEmpty(TEST_USER).some((line) => line.startsWith('sshd:'))).toBe(true);
    } finally {
      controller.abort(reason);
    }
    const aborted = Date.now();
    await expect(pending).rejects.toBe(reason);
    expect(Date.now() - aborted).toBeLessThan(2_000);
    // The session ends on the server: no sshd process of the test user remains.
    await until(() => !psOrEmpty(TEST_USER).some((line) => line.startsWith('sshd:')), 5_000);
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    expect(existsSync(finishedMark)).toBe(false);
    expect(existsSync(`${startedMark}-${b.port}`)).toBe(false);
  });

  it('allocates a terminal when asked', async () => {
    const output = await runPlugin(sshExec, {
      hosts: [hostA()],
      command: 'tty',
      pty: true,
      privateKey: keys.privateKey,
      knownHosts: trusted(),
    });
    expect(output.results[0].stdout).toMatch(/^\/dev\/pts\/\d+\r?\n$/);
  });

  it('caps each host output at its share and says so', async () => {
    const plugin = createSshExecPlugin({ maxOutputBytes: 2048 });
    const output = await runPlugin(plugin, {
      hosts: [hostA()],
      command: "head -c 5000 /dev/zero | tr '\\0' a",
      privateKey: keys.privateKey,
      knownHosts: trusted(),
    });
    expect(output.results[0]).toMatchObject({ stdout: 'a'.repeat(2048), truncated: true });
  });
});
