import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { loadPayloadKeys, PAYLOAD_KEYS_VARIABLE, parsePayloadKeys, type PayloadKeyring } from './payload-keys';

/** Log levels pino understands, lowest to highest plus `silent`. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Name of the file, inside the data directory, that holds the generated JWT secret. */
export const JWT_SECRET_FILE = 'jwt-secret';

/** Name of the file, inside the data directory, that holds the generated secrets encryption key. */
export const SECRETS_KEYS_FILE = 'secrets-keys';

/** One AES-256 key for project secrets: its id (stored beside each ciphertext) and its 32 bytes. */
export interface SecretsKey {
  id: string;
  key: Buffer;
}

/** Shortest JWT secret accepted: HS256 wants at least 256 bits of key. */
export const MIN_JWT_SECRET_LENGTH = 32;

/**
 * The whole platform configuration, typed and validated. Built once at start by {@link loadConfig}
 * and passed explicitly (`AppModule.forRoot(config)`, `bootstrapApi(config)`), never read from
 * `process.env` elsewhere.
 */
export interface SwitchyardConfig {
  /** HTTP port of the API (`PORT`, default 3000; 0 picks a free port). */
  port: number;
  /**
   * PostgreSQL connection URL (`DATABASE_URL`). Unset means "start an embedded PostgreSQL";
   * the API itself always needs one, so `switchyard start` fills it in before it boots the API.
   */
  databaseUrl?: string;
  temporal: {
    /** `host:port` of the Temporal frontend (`TEMPORAL_ADDRESS`); unset means an embedded dev server. */
    address?: string;
    /** `TEMPORAL_NAMESPACE`, default `default`. */
    namespace: string;
    /** `TEMPORAL_TASK_QUEUE`, default `switchyard`. */
    taskQueue: string;
    /** `TEMPORAL_UI_URL`: the Temporal Web UI, for links from runs (default http://localhost:8233). */
    uiUrl?: string;
  };
  /** `SWITCHYARD_PUBLIC_URL`: where the admin UI is reachable, for links from the Temporal UI. */
  publicUrl?: string;
  /**
   * `SWITCHYARD_CALLBACK_KEY`: the HMAC key of callback URLs (at least 32 characters). When unset, a
   * key is derived from the JWT secret (see {@link callbackKeyOf}); set it when API and workers run apart.
   */
  callbackKey?: string;
  runs?: {
    /** `RECONCILE_INTERVAL` in seconds (default 30): how often the reconciler compares live runs with Temporal. */
    reconcileIntervalSeconds?: number;
  };
  auth: {
    /**
     * HS256 key for login tokens (`JWT_SECRET`). When unset, a random secret is generated once and
     * kept in `<dataDir>/jwt-secret` (mode 0600) so logins survive restarts.
     */
    jwtSecret: string;
    /** Where the JWT secret came from, for the start-up log (never the secret itself). */
    jwtSecretSource: 'env' | 'file' | 'generated' | 'explicit';
    /** Lifetime of a login token, in seconds (`JWT_EXPIRES_IN`: `30m`, `12h`, `7d`..., default 12h). */
    jwtExpiresInSeconds: number;
    /** Password of the `admin` user created on first start (`SWITCHYARD_ADMIN_PASSWORD`); generated when unset. */
    adminPassword?: string;
    /**
     * How long, in milliseconds, a checked credential and a project role are reused (default 5000;
     * 0 checks every request). Changes made through this API apply at once whatever it is.
     */
    accessCacheMs?: number;
  };
  /**
   * Keys that encrypt project secrets at rest (`SWITCHYARD_SECRETS_KEYS`: `k2:<base64 32 bytes>,k1:<...>`).
   * The first encrypts; every one decrypts (rotate by putting a new key first). When unset, a key is
   * generated once and kept in `<dataDir>/secrets-keys` (mode 0600). Absent: secrets are unavailable.
   */
  secrets?: {
    keys: SecretsKey[];
    /** Where the keys came from, for the start-up log (never the keys). */
    source: 'env' | 'file' | 'generated' | 'explicit';
  };
  /** `SWITCHYARD_DATA_DIR`, default `~/.switchyard`: generated secrets, embedded databases. */
  dataDir: string;
  /** The codec every Temporal payload passes through, and its endpoint for the Temporal UI. */
  payloads: {
    /**
     * AES-256-GCM keys (`SWITCHYARD_PAYLOAD_KEYS=k2:<base64>,k1:<base64>`: the first encrypts, all
     * decrypt). When unset, one key is generated once and kept in `<dataDir>/payload-keys` (mode 0600).
     */
    keyring: PayloadKeyring;
    /**
     * `SWITCHYARD_CODEC_CORS_ORIGINS` (comma-separated): browser origins allowed to call `/codec`
     * with credentials. Default: the Temporal Web UI's origin (and its localhost/127.0.0.1 twin).
     */
    corsOrigins?: string[];
  };
  graphql: {
    /** `GRAPHQL_INTROSPECTION` (true/false); default true unless `NODE_ENV=production`. */
    introspection: boolean;
  };
  /** `LOG_LEVEL`: one of {@link LOG_LEVELS}, default `info`. */
  logLevel: LogLevel;
}

/** One invalid environment variable: which one and why (the value itself is not repeated for secrets). */
export interface ConfigProblem {
  variable: string;
  message: string;
}

/**
 * Thrown by {@link loadConfig} when the environment is invalid. Lists EVERY bad variable, one per line,
 * so an operator fixes them all in one go.
 *
 * @example
 * Invalid configuration (2 problems):
 *   PORT: must be an integer from 0 to 65535, got "abc"
 *   LOG_LEVEL: must be one of trace, debug, info, warn, error, fatal, silent, got "loud"
 */
export class ConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

function nonEmpty(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/** Show a bad value in an error message, shortened; never used for secrets. */
function shown(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
}

/** `SWITCHYARD_DATA_DIR` (`~/` expanded, made absolute), default `~/.switchyard`. */
export function dataDirFrom(env: Env): string {
  const rawDataDir = nonEmpty(env, 'SWITCHYARD_DATA_DIR');
  if (rawDataDir === undefined) return join(homedir(), '.switchyard');
  const expanded = rawDataDir.startsWith('~/') ? join(homedir(), rawDataDir.slice(2)) : rawDataDir;
  return isAbsolute(expanded) ? expanded : resolve(expanded);
}

/**
 * Parses and validates the environment WITHOUT touching the file system: the JWT secret is left
 * undefined when `JWT_SECRET` is unset. Most callers want {@link loadConfig}.
 *
 * @throws {ConfigError} listing every invalid variable.
 */
export function parseConfig(env: Env = process.env): Omit<SwitchyardConfig, 'auth' | 'payloads'> & {
  auth: Omit<SwitchyardConfig['auth'], 'jwtSecret' | 'jwtSecretSource'> & { jwtSecret?: string };
  payloads: Omit<SwitchyardConfig['payloads'], 'keyring'> & { keyring?: PayloadKeyring };
} {
  const problems: ConfigProblem[] = [];
  const problem = (variable: string, message: string) => problems.push({ variable, message });

  let port = 3000;
  const rawPort = nonEmpty(env, 'PORT');
  if (rawPort !== undefined) {
    const parsed = Number(rawPort);
    if (!/^\d+$/.test(rawPort) || parsed > 65535)
      problem('PORT', `must be an integer from 0 to 65535, got ${shown(rawPort)}`);
    else port = parsed;
  }

  const databaseUrl = nonEmpty(env, 'DATABASE_URL');
  if (databaseUrl !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(databaseUrl);
    } catch {
      url = undefined;
    }
    // The URL may carry a password: describe the problem without echoing the value.
    if (!url || !['postgres:', 'postgresql:'].includes(url.protocol) || !url.hostname) {
      problem('DATABASE_URL', 'must be a postgres://user:password@host:port/database URL');
    }
  }

  const temporalAddress = nonEmpty(env, 'TEMPORAL_ADDRESS');
  if (temporalAddress !== undefined && !/^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/.test(temporalAddress)) {
    problem('TEMPORAL_ADDRESS', `must be host:port, got ${shown(temporalAddress)}`);
  }
  const namespace = nonEmpty(env, 'TEMPORAL_NAMESPACE') ?? 'default';
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/.test(namespace)) {
    problem('TEMPORAL_NAMESPACE', `must be a Temporal namespace name, got ${shown(namespace)}`);
  }
  const taskQueue = nonEmpty(env, 'TEMPORAL_TASK_QUEUE') ?? 'switchyard';
  if (taskQueue.length > 200) problem('TEMPORAL_TASK_QUEUE', 'must be at most 200 characters');

  const httpUrl = (variable: string): string | undefined => {
    const raw = nonEmpty(env, variable);
    if (raw === undefined) return undefined;
    try {
      const url = new URL(raw);
      if (url.protocol === 'http:' || url.protocol === 'https:') return raw.replace(/\/+$/, '');
    } catch {
      // reported below
    }
    problem(variable, `must be an http(s) URL, got ${shown(raw)}`);
    return undefined;
  };
  const uiUrl = httpUrl('TEMPORAL_UI_URL');
  const publicUrl = httpUrl('SWITCHYARD_PUBLIC_URL');
  let reconcileIntervalSeconds: number | undefined;
  const rawReconcile = nonEmpty(env, 'RECONCILE_INTERVAL');
  if (rawReconcile !== undefined) {
    if (!/^\d+$/.test(rawReconcile) || Number(rawReconcile) < 1 || Number(rawReconcile) > 86400) {
      problem('RECONCILE_INTERVAL', `must be a number of seconds from 1 to 86400, got ${shown(rawReconcile)}`);
    } else reconcileIntervalSeconds = Number(rawReconcile);
  }

  const callbackKey = nonEmpty(env, 'SWITCHYARD_CALLBACK_KEY');
  if (callbackKey !== undefined && callbackKey.length < MIN_JWT_SECRET_LENGTH) {
    problem('SWITCHYARD_CALLBACK_KEY', `must be at least ${MIN_JWT_SECRET_LENGTH} characters (or unset to derive one)`);
  }

  const jwtSecret = nonEmpty(env, 'JWT_SECRET');
  if (jwtSecret !== undefined && jwtSecret.length < MIN_JWT_SECRET_LENGTH) {
    problem('JWT_SECRET', `must be at least ${MIN_JWT_SECRET_LENGTH} characters (or unset to generate one)`);
  }

  let jwtExpiresInSeconds = 12 * 3600;
  const rawExpiry = nonEmpty(env, 'JWT_EXPIRES_IN');
  if (rawExpiry !== undefined) {
    const match = /^(\d+)([smhd])$/.exec(rawExpiry);
    const seconds = match ? Number(match[1]) * DURATION_UNITS[match[2]] : 0;
    if (!match || seconds < 60 || seconds > 30 * 86400) {
      problem('JWT_EXPIRES_IN', `must be a duration from 1m to 30d like 30m, 12h or 7d, got ${shown(rawExpiry)}`);
    } else jwtExpiresInSeconds = seconds;
  }

  const adminPassword = env.SWITCHYARD_ADMIN_PASSWORD || undefined;
  if (adminPassword !== undefined && adminPassword.length < 8) {
    problem('SWITCHYARD_ADMIN_PASSWORD', 'must be at least 8 characters (or unset to generate one)');
  }

  const dataDir = dataDirFrom(env);

  let introspection = env.NODE_ENV !== 'production';
  const rawIntrospection = nonEmpty(env, 'GRAPHQL_INTROSPECTION');
  if (rawIntrospection !== undefined) {
    const lowered = rawIntrospection.toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(lowered)) introspection = true;
    else if (['false', '0', 'no', 'off'].includes(lowered)) introspection = false;
    else problem('GRAPHQL_INTROSPECTION', `must be true or false, got ${shown(rawIntrospection)}`);
  }

  let logLevel: LogLevel = 'info';
  const rawLevel = nonEmpty(env, 'LOG_LEVEL');
  if (rawLevel !== undefined) {
    const lowered = rawLevel.toLowerCase();
    if ((LOG_LEVELS as readonly string[]).includes(lowered)) logLevel = lowered as LogLevel;
    else problem('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got ${shown(rawLevel)}`);
  }

  let secretsKeys: SecretsKey[] | undefined;
  const rawSecretsKeys = nonEmpty(env, 'SWITCHYARD_SECRETS_KEYS');
  if (rawSecretsKeys !== undefined) {
    try {
      secretsKeys = parseSecretsKeys(rawSecretsKeys);
    } catch (error) {
      problem('SWITCHYARD_SECRETS_KEYS', (error as Error).message);
    }
  }
  let keyring: PayloadKeyring | undefined;
  const rawPayloadKeys = nonEmpty(env, PAYLOAD_KEYS_VARIABLE);
  if (rawPayloadKeys !== undefined) {
    try {
      keyring = parsePayloadKeys(rawPayloadKeys, 'env');
    } catch (error) {
      problem(PAYLOAD_KEYS_VARIABLE, (error as Error).message);
    }
  }
  let corsOrigins: string[] | undefined;
  const rawCorsOrigins = nonEmpty(env, 'SWITCHYARD_CODEC_CORS_ORIGINS');
  if (rawCorsOrigins !== undefined) {
    corsOrigins = [];
    for (const raw of rawCorsOrigins
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean)) {
      let origin: string | undefined;
      try {
        const url = new URL(raw);
        if (url.protocol === 'http:' || url.protocol === 'https:') origin = url.origin;
      } catch {
        origin = undefined;
      }
      if (origin) corsOrigins.push(origin);
      else problem('SWITCHYARD_CODEC_CORS_ORIGINS', `must list http(s) origins, got ${shown(raw)}`);
    }
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    port,
    databaseUrl,
    temporal: { address: temporalAddress, namespace, taskQueue, ...(uiUrl ? { uiUrl } : {}) },
    ...(publicUrl ? { publicUrl } : {}),
    ...(callbackKey ? { callbackKey } : {}),
    ...(reconcileIntervalSeconds ? { runs: { reconcileIntervalSeconds } } : {}),
    auth: { jwtSecret, jwtExpiresInSeconds, adminPassword },
    dataDir,
    payloads: { ...(keyring ? { keyring } : {}), ...(corsOrigins ? { corsOrigins } : {}) },
    graphql: { introspection },
    logLevel,
    ...(secretsKeys ? { secrets: { keys: secretsKeys, source: 'env' as const } } : {}),
  };
}

const SECRETS_KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * Parses `id:<base64 of 32 bytes>[,id:<...>]`. The message of a bad entry says which entry and
 * why, never the key material.
 *
 * @example parseSecretsKeys(`k1:${randomBytes(32).toString('base64')}`)
 */
export function parseSecretsKeys(text: string): SecretsKey[] {
  const keys: SecretsKey[] = [];
  const entries = text.split(',').map((entry) => entry.trim());
  entries.forEach((entry, index) => {
    const colon = entry.indexOf(':');
    const id = colon > 0 ? entry.slice(0, colon) : '';
    const where = `key ${index + 1} of ${entries.length}`;
    if (!SECRETS_KEY_ID.test(id)) {
      throw new Error(`${where} must look like <id>:<base64 of 32 bytes>, with an id of letters, digits, _ or -`);
    }
    const material = entry.slice(colon + 1).trim();
    const key = Buffer.from(material, 'base64');
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(material) || key.length !== 32) {
      throw new Error(`key ${JSON.stringify(id)} must be 32 bytes in base64 (openssl rand -base64 32)`);
    }
    if (keys.some((known) => known.id === id)) throw new Error(`key id ${JSON.stringify(id)} appears twice`);
    keys.push({ id, key });
  });
  return keys;
}

/**
 * Reads the secrets key kept in `<dataDir>/secrets-keys`, creating one (`k1`, 32 random bytes,
 * file mode 0600) when it does not exist yet.
 */
export function readOrCreateSecretsKeys(dataDir: string): { keys: SecretsKey[]; created: boolean } {
  const file = join(dataDir, SECRETS_KEYS_FILE);
  if (existsSync(file)) {
    try {
      return { keys: parseSecretsKeys(readFileSync(file, 'utf8').trim()), created: false };
    } catch (error) {
      throw new ConfigError([
        { variable: 'SWITCHYARD_SECRETS_KEYS', message: `unset, and ${file} is invalid: ${(error as Error).message}` },
      ]);
    }
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, `k1:${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readOrCreateSecretsKeys(dataDir);
    throw error;
  }
  chmodSync(file, 0o600);
  return { keys: parseSecretsKeys(readFileSync(file, 'utf8').trim()), created: true };
}

/**
 * Reads the JWT secret kept in `<dataDir>/jwt-secret`, creating it (48 random bytes, base64url,
 * file mode 0600, directory mode 0700) when it does not exist yet.
 */
export function readOrCreateJwtSecret(dataDir: string): { secret: string; created: boolean } {
  const file = join(dataDir, JWT_SECRET_FILE);
  if (existsSync(file)) {
    const secret = readFileSync(file, 'utf8').trim();
    if (secret.length < MIN_JWT_SECRET_LENGTH) {
      throw new ConfigError([
        { variable: 'JWT_SECRET', message: `unset, and ${file} holds fewer than ${MIN_JWT_SECRET_LENGTH} characters` },
      ]);
    }
    return { secret, created: false };
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(48).toString('base64url');
  // 'wx': never overwrite a secret another process wrote a moment ago.
  try {
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readOrCreateJwtSecret(dataDir);
    throw error;
  }
  chmodSync(file, 0o600);
  return { secret, created: true };
}

/**
 * Loads the configuration from the environment: {@link parseConfig}, then the JWT secret from
 * `JWT_SECRET` or from `<SWITCHYARD_DATA_DIR>/jwt-secret` (generated there on first start).
 *
 * @throws {ConfigError} listing every invalid variable.
 * @example
 * const config = loadConfig(process.env);
 * await bootstrapApi(config);
 */
export function loadConfig(env: Env = process.env): SwitchyardConfig {
  const parsed = parseConfig(env);
  const payloads = { ...parsed.payloads, keyring: payloadKeyring(parsed.payloads.keyring, parsed.dataDir) };
  if (parsed.auth.jwtSecret !== undefined) {
    return { ...parsed, payloads, auth: { ...parsed.auth, jwtSecret: parsed.auth.jwtSecret, jwtSecretSource: 'env' } };
  }
  const { secret, created } = readOrCreateJwtSecret(parsed.dataDir);
  return {
    ...parsed,
    payloads,
    auth: { ...parsed.auth, jwtSecret: secret, jwtSecretSource: created ? 'generated' : 'file' },
  };
}

/** The configured key ring, else the one of `<dataDir>/payload-keys` (generated there on first start). */
function payloadKeyring(configured: PayloadKeyring | undefined, dataDir: string): PayloadKeyring {
  if (configured) return configured;
  try {
    return loadPayloadKeys({}, dataDir, { create: true })!;
  } catch (error) {
    throw new ConfigError([{ variable: PAYLOAD_KEYS_VARIABLE, message: `unset, and ${(error as Error).message}` }]);
  }
}

/**
 * The configuration with keys for project secrets: those of `SWITCHYARD_SECRETS_KEYS`, else the
 * one kept in `<dataDir>/secrets-keys`, generated there on first start. Called by `switchyard
 * start` and the API's own entry point (not by {@link loadConfig}, which leaves the disk alone
 * when the environment is complete).
 *
 * @throws {ConfigError} when the key file is invalid.
 * @example const config = ensureSecretsKeys(loadConfig(process.env));
 */
export function ensureSecretsKeys(config: SwitchyardConfig): SwitchyardConfig {
  if (config.secrets) return config;
  const { keys, created } = readOrCreateSecretsKeys(config.dataDir);
  return { ...config, secrets: { keys, source: created ? 'generated' : 'file' } };
}

/**
 * The key that signs and checks callback URLs: `SWITCHYARD_CALLBACK_KEY`, else one derived from the
 * JWT secret (so API and in-process worker agree without another setting).
 */
export function callbackKeyOf(config: { callbackKey?: string; auth: { jwtSecret: string } }): Buffer {
  return config.callbackKey !== undefined
    ? Buffer.from(config.callbackKey, 'utf8')
    : createHmac('sha256', config.auth.jwtSecret).update('switchyard callback key v1').digest();
}
