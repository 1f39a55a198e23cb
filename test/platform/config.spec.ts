import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError, JWT_SECRET_FILE, loadConfig, parseConfig } from '../../src/config/config';

const ROOT = resolve(__dirname, '../..');
const KEY_1 = Buffer.alloc(32, 1).toString('base64');
const KEY_2 = Buffer.alloc(32, 2).toString('base64');

describe('configuration', () => {
  it('has defaults for everything optional', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sy-config-'));
    const config = loadConfig({ SWITCHYARD_DATA_DIR: dataDir });
    expect(config).toMatchObject({
      port: 3000,
      databaseUrl: undefined,
      temporal: { address: undefined, namespace: 'default', taskQueue: 'switchyard' },
      auth: { jwtExpiresInSeconds: 12 * 3600, adminPassword: undefined, jwtSecretSource: 'generated' },
      dataDir,
      graphql: { introspection: true },
      logLevel: 'info',
      payloads: { keyring: { source: 'generated' } },
    });
    expect(config.payloads.keyring.keys).toHaveLength(1);
    expect(loadConfig({ SWITCHYARD_DATA_DIR: dataDir }).payloads.keyring).toEqual({
      keys: config.payloads.keyring.keys,
      source: 'file',
    });
    expect(parseConfig({}).dataDir).toBe(join(homedir(), '.switchyard'));
    expect(parseConfig({ NODE_ENV: 'production' }).graphql.introspection).toBe(false);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'postgres://sy:pw@db.internal:5432/switchyard',
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_NAMESPACE: 'ops',
      TEMPORAL_TASK_QUEUE: 'sy-main',
      JWT_SECRET: 'x'.repeat(40),
      JWT_EXPIRES_IN: '30m',
      SWITCHYARD_ADMIN_PASSWORD: 'let-me-in-please',
      SWITCHYARD_DATA_DIR: '/var/lib/switchyard',
      GRAPHQL_INTROSPECTION: 'false',
      LOG_LEVEL: 'DEBUG',
      SWITCHYARD_PAYLOAD_KEYS: `k2:${KEY_2},k1:${KEY_1}`,
      SWITCHYARD_CODEC_CORS_ORIGINS: 'https://temporal.example.com/, http://localhost:8080',
    });
    expect(config).toEqual({
      port: 8080,
      databaseUrl: 'postgres://sy:pw@db.internal:5432/switchyard',
      temporal: { address: 'temporal.internal:7233', namespace: 'ops', taskQueue: 'sy-main' },
      auth: {
        jwtSecret: 'x'.repeat(40),
        jwtSecretSource: 'env',
        jwtExpiresInSeconds: 1800,
        adminPassword: 'let-me-in-please',
      },
      dataDir: '/var/lib/switchyard',
      payloads: {
        keyring: {
          keys: [
            { id: 'k2', key: Buffer.from(KEY_2, 'base64') },
            { id: 'k1', key: Buffer.from(KEY_1, 'base64') },
          ],
          source: 'env',
        },
        corsOrigins: ['https://temporal.example.com', 'http://localhost:8080'],
      },
      graphql: { introspection: false },
      logLevel: 'debug',
    });
  });

  it('lists every bad variable in one error, without echoing secrets', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://root:hunter2@db/x',
        TEMPORAL_ADDRESS: 'no-port',
        JWT_SECRET: 'short-secret',
        JWT_EXPIRES_IN: 'forever',
        SWITCHYARD_ADMIN_PASSWORD: 'tiny',
        GRAPHQL_INTROSPECTION: 'maybe',
        LOG_LEVEL: 'loud',
        SWITCHYARD_PAYLOAD_KEYS: `k1:${KEY_1.slice(0, 20)}`,
        SWITCHYARD_CODEC_CORS_ORIGINS: 'ftp://ui.example.com',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { problems, message } = error as ConfigError;
    expect(problems.map((p) => p.variable)).toEqual([
      'PORT',
      'DATABASE_URL',
      'TEMPORAL_ADDRESS',
      'JWT_SECRET',
      'JWT_EXPIRES_IN',
      'SWITCHYARD_ADMIN_PASSWORD',
      'GRAPHQL_INTROSPECTION',
      'LOG_LEVEL',
      'SWITCHYARD_PAYLOAD_KEYS',
      'SWITCHYARD_CODEC_CORS_ORIGINS',
    ]);
    expect(message).toContain('SWITCHYARD_PAYLOAD_KEYS: key "k1" must be 32 bytes, base64-encoded');
    expect(message).toMatch(
      /^Invalid configuration \(10 problems\):\n {2}PORT: must be an integer from 0 to 65535, got "eighty"\n/,
    );
    expect(message).toContain('LOG_LEVEL: must be one of trace, debug, info, warn, error, fatal, silent, got "loud"');
    for (const secret of ['hunter2', 'short-secret', 'tiny', KEY_1.slice(0, 20)]) expect(message).not.toContain(secret);
  });

  it('generates the JWT secret once, in <data dir>/jwt-secret with mode 0600, and reuses it', () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'sy-config-')), 'nested');
    const first = loadConfig({ SWITCHYARD_DATA_DIR: dataDir });
    const file = join(dataDir, JWT_SECRET_FILE);
    expect(first.auth.jwtSecretSource).toBe('generated');
    expect(first.auth.jwtSecret.length).toBeGreaterThanOrEqual(64);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.auth.jwtSecret);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const second = loadConfig({ SWITCHYARD_DATA_DIR: dataDir });
    expect(second.auth).toMatchObject({ jwtSecret: first.auth.jwtSecret, jwtSecretSource: 'file' });

    writeFileSync(file, 'too-short\n');
    expect(() => loadConfig({ SWITCHYARD_DATA_DIR: dataDir })).toThrow(ConfigError);
  });

  it('stops the API process with exit code 2 and the list of problems on bad configuration', () => {
    const result = spawnSync(process.execPath, ['-r', '@swc-node/register', 'src/main.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: tmpdir(), PORT: '99999', LOG_LEVEL: 'chatty' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('Invalid configuration (2 problems):');
    expect(result.stderr).toContain('PORT: must be an integer from 0 to 65535, got "99999"');
    expect(result.stderr).toContain('LOG_LEVEL: must be one of');
  });

  it('reads the Temporal UI, public URL and reconcile interval, and refuses bad ones', () => {
    const config = parseConfig({
      TEMPORAL_UI_URL: 'http://temporal-ui.local:8080/',
      SWITCHYARD_PUBLIC_URL: 'https://switchyard.example.com',
      RECONCILE_INTERVAL: '10',
    });
    expect(config.temporal.uiUrl).toBe('http://temporal-ui.local:8080');
    expect(config.publicUrl).toBe('https://switchyard.example.com');
    expect(config.runs?.reconcileIntervalSeconds).toBe(10);
    expect(() => parseConfig({ TEMPORAL_UI_URL: 'ftp://x', RECONCILE_INTERVAL: '0' })).toThrow(
      /TEMPORAL_UI_URL: must be an http\(s\) URL[\s\S]*RECONCILE_INTERVAL: must be a number of seconds/,
    );
  });
});
