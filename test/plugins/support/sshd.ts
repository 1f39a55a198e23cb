/**
 * A real OpenSSH server (Debian's openssh-server) on 127.0.0.1 for plugin specs: its own host
 * keys, config and authorized keys in a temp dir, started as root with `sshd -D`, never touching
 * the system's sshd. `.ci/run` installs openssh-server when it is missing.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SSHD = '/usr/sbin/sshd';
/** A system user the specs create (once) for password logins; its password is random per run and locked afterwards. */
export const TEST_USER = 'swyd-ssh-test';

export interface TestSshd {
  port: number;
  /** Scratch space every login user may write to (markers, logs). */
  workDir: string;
  /** `known_hosts` lines as `ssh-keyscan` prints them for this server, by key type. */
  knownHosts: { ed25519: string; rsa: string };
  /** `SHA256:...` fingerprints as `ssh-keygen -l` prints them, by key type. */
  fingerprints: { ed25519: string; rsa: string };
  /** The server's sshd log (LogLevel VERBOSE). */
  log(): string;
  stop(): Promise<void>;
}

export interface ClientKeys {
  /** An unencrypted Ed25519 private key, authorized for root and the test user. */
  privateKey: string;
  /** The same kind of key, encrypted with `passphrase`, also authorized. */
  encryptedKey: string;
  passphrase: string;
  /** A key nobody authorized. */
  strangerKey: string;
  /** The public lines of `privateKey` and `encryptedKey`: what `authorized_keys` holds. */
  authorized: string[];
}

/** Fails with a clear reason when this machine cannot run the specs' sshd. */
export function assertSshdUsable(): void {
  if (!existsSync(SSHD)) {
    throw new Error(`${SSHD} is missing: install openssh-server (apt-get install -y openssh-server; .ci/run does it)`);
  }
  if (process.getuid?.() !== 0) {
    throw new Error('the ssh.exec specs start sshd with privilege separation and a test user: run them as root');
  }
}

function keygen(path: string, type: 'ed25519' | 'rsa', passphrase = ''): void {
  execFileSync('ssh-keygen', [
    '-q',
    '-t',
    type,
    ...(type === 'rsa' ? ['-b', '2048'] : []),
    '-N',
    passphrase,
    '-C',
    '',
    '-f',
    path,
  ]);
}

/** Creates the client keys in `dir` (once per spec file). */
export function createClientKeys(dir: string): ClientKeys {
  const passphrase = `pp-${randomBytes(6).toString('hex')}`;
  keygen(join(dir, 'client'), 'ed25519');
  keygen(join(dir, 'client-enc'), 'ed25519', passphrase);
  keygen(join(dir, 'stranger'), 'ed25519');
  return {
    privateKey: readFileSync(join(dir, 'client'), 'utf8'),
    encryptedKey: readFileSync(join(dir, 'client-enc'), 'utf8'),
    passphrase,
    strangerKey: readFileSync(join(dir, 'stranger'), 'utf8'),
    authorized: ['client', 'client-enc'].map((name) => readFileSync(join(dir, `${name}.pub`), 'utf8').trim()),
  };
}

/** Creates {@link TEST_USER} when missing and gives it a fresh random password. */
export function prepareTestUser(): string {
  try {
    execFileSync('id', [TEST_USER], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['--system', '--no-create-home', '--home-dir', '/', '--shell', '/bin/sh', TEST_USER]);
  }
  const password = `pw-${randomBytes(9).toString('base64url')}`;
  execFileSync('chpasswd', { input: `${TEST_USER}:${password}\n` });
  return password;
}

/** Leaves the test user without a usable password. */
export function lockTestUser(): void {
  execFileSync('usermod', ['--lock', TEST_USER]);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Starts an sshd on 127.0.0.1 with Ed25519 and RSA host keys, key and password authentication,
 * and `authorizedKeys` (public key lines) for every user.
 */
export async function startSshd(authorizedKeys: string[]): Promise<TestSshd> {
  assertSshdUsable();
  // sshd's privilege separation wants this directory; the Debian package creates it only at boot.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-sshd-'));
  chmodSync(dir, 0o755);
  const workDir = join(dir, 'work');
  mkdirSync(workDir);
  chmodSync(workDir, 0o1777);
  keygen(join(dir, 'host_ed25519'), 'ed25519');
  keygen(join(dir, 'host_rsa'), 'rsa');
  writeFileSync(join(dir, 'authorized_keys'), `${authorizedKeys.join('\n')}\n`, { mode: 0o644 });

  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    const config = [
      'ListenAddress 127.0.0.1',
      `Port ${port}`,
      `HostKey ${join(dir, 'host_ed25519')}`,
      `HostKey ${join(dir, 'host_rsa')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      `AllowUsers root ${TEST_USER}`,
      'PermitRootLogin yes',
      'PasswordAuthentication yes',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      'PrintMotd no',
      'PrintLastLog no',
      'MaxStartups 100',
      'MaxSessions 100',
      'LogLevel VERBOSE',
      '',
    ].join('\n');
    writeFileSync(join(dir, 'sshd_config'), config);
    const logs: string[] = [];
    const child = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
    const listening = await waitForListening(child, logs);
    if (!listening) {
      if (attempt < 3 && /Address already in use/.test(logs.join(''))) continue;
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`sshd did not start: ${logs.join('').slice(-2000)}`);
    }
    const scan = (type: string) =>
      execFileSync('ssh-keyscan', ['-p', String(port), '-t', type, '127.0.0.1'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    const fingerprint = (file: string) =>
      execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${join(dir, file)}.pub`], { encoding: 'utf8' }).split(
        ' ',
      )[1];
    return {
      port,
      workDir,
      knownHosts: { ed25519: scan('ed25519'), rsa: scan('rsa') },
      fingerprints: { ed25519: fingerprint('host_ed25519'), rsa: fingerprint('host_rsa') },
      log: () => logs.join(''),
      stop: async () => {
        if (child.exitCode === null && child.signalCode === null) {
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGTERM');
          await exited;
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
}

function waitForListening(child: ChildProcess, logs: string[]): Promise<boolean> {
  return new Promise((resolve) => {
    const deadline = setTimeout(() => resolve(false), 10_000);
    const check = (): void => {
      if (/Server listening on 127\.0\.0\.1/.test(logs.join(''))) {
        clearTimeout(deadline);
        resolve(true);
      }
    };
    child.stderr!.on('data', check);
    child.once('exit', () => {
      clearTimeout(deadline);
      resolve(false);
    });
  });
}
