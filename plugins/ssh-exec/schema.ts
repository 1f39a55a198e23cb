import { DURATION_SCHEMA, type JsonObject, type JsonSchema } from '../sdk';

/** One target host: an object, or a string `[user@]host[:port]` (`[::1]:2222` for IPv6). */
export type SshHostSpec = string | { host: string; port?: number; user?: string };

/**
 * The `with` of an `ssh.exec` node: exactly one of `command` and `script`, at least one of
 * `privateKey` and `password` (take them from secrets: `${secrets.DEPLOY_KEY}`).
 */
export type SshExecInput = {
  hosts: SshHostSpec[];
  /** The user for hosts that do not name one. */
  user?: string;
  /** The port for hosts that do not name one (default 22). */
  port?: number;
  /** One command line, run by the remote user's login shell. */
  command?: string;
  /** A script sent on stdin to `interpreter -s` (not visible in the remote process list). */
  script?: string;
  /** The program that runs `script`: default `sh`. */
  interpreter?: string;
  /** Exported before the command or script runs. */
  env?: { [name: string]: string };
  /** A private key (OpenSSH or PEM text). */
  privateKey?: string;
  /** The passphrase of an encrypted `privateKey`. */
  passphrase?: string;
  /** Password authentication, tried after the key when both are given. */
  password?: string;
  /** Trusted host keys: `known_hosts` lines, `host SHA256:...` or bare `SHA256:...` fingerprints. */
  knownHosts?: string[];
  /** `strict` (default): unknown hosts are refused. `accept-new`: an unknown host's key is trusted and reported. */
  hostKeyPolicy?: 'strict' | 'accept-new';
  /** Hosts worked on at the same time (default 5). */
  concurrency?: number;
  /** `any` (default): the node fails when one host fails. `all`: only when every host fails. */
  failOn?: 'any' | 'all';
  /** Connection and authentication, per host (default `20s`). */
  connectTimeout?: string | number;
  /** The command's run time, per host (none by default; the node's `startToClose` bounds it anyway). */
  timeout?: string | number;
  /** Allocate a terminal: the command then gets SIGHUP when cancelled, but stderr is merged into stdout. */
  pty?: boolean;
};

/** Error of one host: why it has no exit code, or why it did not run. */
export type SshHostError = { type: string; message: string };

/** What happened on one host. A host failed when it has an `error` or a non-zero `exitCode`. */
export type SshHostResult = {
  host: string;
  port: number;
  user: string;
  /** `null` when the command did not run to an exit status (see `error`). */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** True when stdout or stderr went over this host's share of the output budget. */
  truncated: boolean;
  durationMs: number;
  error?: SshHostError;
};

/** What an `ssh.exec` node outputs: one result per host, in the order of `hosts`. */
export type SshExecOutput = {
  results: SshHostResult[];
  succeeded: number;
  failed: number;
  /** `known_hosts` lines of the keys trusted on first use (`hostKeyPolicy: accept-new`): pin them. */
  newHostKeys: string[];
};

const HOST_STRING = '^([^@\\s]+@)?(\\[[0-9A-Fa-f:.]+\\]|[^@\\s:\\[\\]]+)(:\\d{1,5})?$';
const DURATION = { ...DURATION_SCHEMA };

export const sshExecInputSchema: JsonSchema = {
  title: 'ssh.exec input',
  type: 'object',
  required: ['hosts'],
  additionalProperties: false,
  allOf: [
    { oneOf: [{ required: ['command'] }, { required: ['script'] }] },
    { anyOf: [{ required: ['privateKey'] }, { required: ['password'] }] },
  ],
  properties: {
    hosts: {
      type: 'array',
      title: 'Hosts',
      minItems: 1,
      maxItems: 1000,
      items: {
        anyOf: [
          { type: 'string', pattern: HOST_STRING, description: '[user@]host[:port]' },
          {
            type: 'object',
            required: ['host'],
            additionalProperties: false,
            properties: {
              host: { type: 'string', minLength: 1 },
              port: { type: 'integer', minimum: 1, maximum: 65535 },
              user: { type: 'string', minLength: 1 },
            },
          },
        ],
      },
    },
    user: { type: 'string', minLength: 1, title: 'User', description: 'For hosts that do not name one.' },
    port: { type: 'integer', minimum: 1, maximum: 65535, default: 22, title: 'Port' },
    command: { type: 'string', minLength: 1, title: 'Command', description: 'Run by the remote login shell.' },
    script: {
      type: 'string',
      minLength: 1,
      title: 'Script',
      description: 'Sent on stdin to `interpreter -s`. Give either command or script.',
    },
    interpreter: {
      type: 'string',
      pattern: '^[A-Za-z0-9_./-]+$',
      default: 'sh',
      title: 'Interpreter',
      description: 'Runs the script: sh, bash, /usr/bin/zsh...',
    },
    env: {
      type: 'object',
      title: 'Environment',
      description: 'Exported before the command runs. In command mode the values show in the remote process list.',
      propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
      additionalProperties: { type: 'string' },
    },
    privateKey: {
      type: 'string',
      minLength: 1,
      title: 'Private key',
      description: 'OpenSSH or PEM text; use a secret: ${secrets.DEPLOY_KEY}.',
      writeOnly: true,
    },
    passphrase: { type: 'string', title: 'Key passphrase', writeOnly: true },
    password: { type: 'string', minLength: 1, title: 'Password', writeOnly: true },
    knownHosts: {
      type: 'array',
      title: 'Known hosts',
      description:
        'Trusted host keys: known_hosts lines ("[host]:port keytype base64"), "host SHA256:..." or "SHA256:...".',
      items: { type: 'string' },
    },
    hostKeyPolicy: {
      type: 'string',
      enum: ['strict', 'accept-new'],
      default: 'strict',
      title: 'Host key policy',
      description: 'strict refuses unknown hosts; accept-new trusts a first-seen key and reports it in newHostKeys.',
    },
    concurrency: { type: 'integer', minimum: 1, maximum: 100, default: 5, title: 'Concurrency' },
    failOn: {
      type: 'string',
      enum: ['any', 'all'],
      default: 'any',
      title: 'Fail the node when',
      description: 'any: one host failed; all: every host failed.',
    },
    connectTimeout: { ...DURATION, default: '20s', title: 'Connect timeout' },
    timeout: { ...DURATION, title: 'Command timeout', description: 'Per host.' },
    pty: {
      type: 'boolean',
      default: false,
      title: 'Allocate a terminal',
      description: 'The command gets SIGHUP when cancelled; stderr is merged into stdout.',
    },
  },
};

const hostResultSchema: JsonSchema = {
  type: 'object',
  required: ['host', 'port', 'user', 'exitCode', 'stdout', 'stderr', 'truncated', 'durationMs'],
  properties: {
    host: { type: 'string' },
    port: { type: 'integer' },
    user: { type: 'string' },
    exitCode: { type: ['integer', 'null'] },
    stdout: { type: 'string' },
    stderr: { type: 'string' },
    truncated: { type: 'boolean' },
    durationMs: { type: 'integer' },
    error: {
      type: 'object',
      required: ['type', 'message'],
      properties: { type: { type: 'string' }, message: { type: 'string' } },
    },
  },
};

export const sshExecOutputSchema: JsonSchema = {
  title: 'ssh.exec output',
  type: 'object',
  required: ['results', 'succeeded', 'failed', 'newHostKeys'],
  properties: {
    results: { type: 'array', items: hostResultSchema, description: 'One per host, in the order of hosts.' },
    succeeded: { type: 'integer' },
    failed: { type: 'integer' },
    newHostKeys: { type: 'array', items: { type: 'string' } },
  },
};

export const sshExecExamples: ReadonlyArray<{ title: string; with: JsonObject }> = [
  {
    title: 'Restart a service on two hosts, one at a time',
    with: {
      hosts: ['deploy@web-1.prod', 'deploy@web-2.prod'],
      command: 'sudo systemctl restart web && systemctl is-active web',
      privateKey: '${secrets.DEPLOY_KEY}',
      knownHosts: ['web-1.prod ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHmm1gqujSADLEqzZOw/KLud1UjSxZc/pcs+ZfFMS0tV'],
      concurrency: 1,
    },
  },
  {
    title: 'A script on a fleet, tolerating some failures',
    with: {
      hosts: [{ host: '10.0.0.5', port: 2222 }, { host: '10.0.0.6' }],
      user: 'ops',
      script: 'set -e\ndf -h /\nuptime\n',
      interpreter: 'bash',
      password: '${secrets.OPS_PASSWORD}',
      knownHosts: ['SHA256:3SNa8xfQJASV/65IaXRiObywDhgESqekS1sA30fiprE'],
      failOn: 'all',
      timeout: '2m',
    },
  },
  {
    title: 'First contact with new hosts (keys reported in newHostKeys)',
    with: {
      hosts: ['root@build-3.lab'],
      command: 'uname -a',
      privateKey: '${secrets.LAB_KEY}',
      hostKeyPolicy: 'accept-new',
    },
  },
];
