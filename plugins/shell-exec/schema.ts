import { DURATION_SCHEMA, type JsonObject, type JsonSchema } from '../sdk';

/** The `with` of a `shell.exec` node: exactly one of `command` and `argv`. */
export type ShellExecInput = {
  /** Run by `/bin/sh -c`. */
  command?: string;
  /** Program and arguments, run without a shell. */
  argv?: string[];
  /** Merged over the worker's environment. */
  env?: { [name: string]: string };
  cwd?: string;
  /** A duration (`5m`) or milliseconds; the node's `startToClose` bounds it anyway. */
  timeout?: string | number;
};

/** What a `shell.exec` node outputs when the command exits with code 0. */
export type ShellExecOutput = {
  exitCode: number;
  /** At most 1 MiB each (the beginning); `truncated` says whether anything was cut. */
  stdout: string;
  stderr: string;
  truncated: boolean;
};

export const shellExecInputSchema: JsonSchema = {
  title: 'shell.exec input',
  type: 'object',
  additionalProperties: false,
  oneOf: [{ required: ['command'] }, { required: ['argv'] }],
  properties: {
    command: { type: 'string', minLength: 1, title: 'Command', description: 'Run with /bin/sh -c.' },
    argv: {
      type: 'array',
      minItems: 1,
      items: { type: 'string' },
      title: 'Arguments',
      description: 'Program and arguments, run without a shell. Give either command or argv.',
    },
    env: { type: 'object', additionalProperties: { type: 'string' }, title: 'Environment' },
    cwd: { type: 'string', minLength: 1, title: 'Working directory' },
    timeout: { ...DURATION_SCHEMA, title: 'Timeout', description: 'A duration like 5m, or milliseconds.' },
  },
};

export const shellExecOutputSchema: JsonSchema = {
  title: 'shell.exec output',
  type: 'object',
  required: ['exitCode', 'stdout', 'stderr', 'truncated'],
  properties: {
    exitCode: { type: 'integer' },
    stdout: { type: 'string' },
    stderr: { type: 'string' },
    truncated: { type: 'boolean', description: 'True when stdout or stderr went over 1 MiB and was cut.' },
  },
};

export const shellExecExamples: ReadonlyArray<{ title: string; with: JsonObject }> = [
  { title: 'A shell one-liner', with: { command: 'echo "deploying ${inputs.env}" && uname -a' } },
  {
    title: 'A program without a shell',
    with: {
      argv: ['kubectl', 'rollout', 'status', 'deploy/web'],
      env: { KUBECONFIG: '/etc/kube/config' },
      timeout: '5m',
    },
  },
  { title: 'Shell variables need $${', with: { command: 'echo "$${HOME}"', cwd: '/tmp' } },
];
