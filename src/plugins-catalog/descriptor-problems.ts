import { PLUGIN_TYPE_PATTERN } from '../../plugins/registry';
import type { JsonObject, PluginDescriptor } from '../../plugins/sdk';
import { durationToMs } from '../../plugins/sdk/duration';
import { pollSpecProblem } from '../../plugins/sdk/polling';
import { formatProblems, SchemaValidator } from '../../plugins/sdk/validation';
import { parseSemver } from '../../plugins/semver';
import type { Problem } from '../common/errors/app-errors';
import type { PluginDescriptorInput } from './dto/register-plugins.input';

const TIMEOUT_KEYS = ['startToClose', 'scheduleToClose', 'scheduleToStart', 'heartbeat'];
const RETRY_DURATIONS = ['initialInterval', 'maximumInterval'];

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks one registered descriptor and returns it normalised (no nulls, `taskQueue` set), pushing
 * every problem found to `problems` with its path (`plugins[0].inputSchema`).
 */
export function checkDescriptor(
  input: PluginDescriptorInput,
  path: string,
  taskQueue: string,
  problems: Problem[],
  validator = new SchemaValidator(),
): PluginDescriptor {
  const problem = (field: string, message: string) => problems.push({ path: `${path}.${field}`, message });
  if (!PLUGIN_TYPE_PATTERN.test(input.type)) problem('type', 'must be dotted lower-case words like "acme.deploy"');
  if (!parseSemver(input.version)) problem('version', 'must be a semantic version like "1.0.0"');
  if (input.title.trim() === '') problem('title', 'must not be empty');
  const schemas: Array<['inputSchema' | 'outputSchema', unknown]> = [
    ['inputSchema', input.inputSchema],
    ['outputSchema', input.outputSchema ?? undefined],
  ];
  let inputSchemaOk = false;
  for (const [field, schema] of schemas) {
    if (schema === undefined) continue;
    if (!isObject(schema)) {
      problem(field, 'must be a JSON Schema object');
      continue;
    }
    try {
      validator.compile(schema);
      if (field === 'inputSchema') inputSchemaOk = true;
    } catch (err) {
      problem(field, `does not compile: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  const defaults = input.defaults ?? undefined;
  if (defaults !== undefined) {
    if (!isObject(defaults)) problem('defaults', 'must be an object { retry?, timeout? }');
    else {
      for (const key of Object.keys(defaults)) {
        if (key !== 'retry' && key !== 'timeout') problem(`defaults.${key}`, 'is not a default (retry, timeout)');
      }
      if (defaults.timeout !== undefined) {
        if (!isObject(defaults.timeout)) problem('defaults.timeout', 'must be an object');
        else
          for (const [key, value] of Object.entries(defaults.timeout)) {
            if (!TIMEOUT_KEYS.includes(key))
              problem(`defaults.timeout.${key}`, `is not one of ${TIMEOUT_KEYS.join(', ')}`);
            else if (typeof value !== 'string' || durationToMs(value) === undefined) {
              problem(`defaults.timeout.${key}`, 'must be a duration like "30s"');
            }
          }
      }
      if (defaults.retry !== undefined) {
        if (!isObject(defaults.retry)) problem('defaults.retry', 'must be an object');
        else
          for (const key of RETRY_DURATIONS) {
            const value = defaults.retry[key];
            if (value !== undefined && (typeof value !== 'string' || durationToMs(value) === undefined)) {
              problem(`defaults.retry.${key}`, 'must be a duration like "1s"');
            }
          }
      }
    }
  }
  const examples = input.examples ?? undefined;
  if (examples !== undefined) {
    if (!Array.isArray(examples)) problem('examples', 'must be a list of { title, with }');
    else
      examples.forEach((example, index) => {
        if (!isObject(example) || typeof example.title !== 'string' || !isObject(example.with)) {
          return problem(`examples[${index}]`, 'must be { title, with }');
        }
        if (!inputSchemaOk) return;
        const misfits = validator.check(input.inputSchema, example.with);
        if (misfits.length > 0)
          problem(`examples[${index}].with`, `does not fit the input schema: ${formatProblems(misfits)}`);
      });
  }
  if (input.deprecated != null && input.deprecated.trim() === '')
    problem('deprecated', 'must say why, and what to use instead');
  const poll = input.poll ?? undefined;
  if (poll !== undefined) {
    const pollProblem = pollSpecProblem(poll, durationToMs);
    const parts = pollProblem ? /^poll(\.\w+)? (.*)$/.exec(pollProblem) : null;
    if (pollProblem) problem(`poll${parts?.[1] ?? ''}`, parts?.[2] ?? pollProblem);
  }
  return {
    type: input.type,
    version: input.version,
    title: input.title,
    ...(input.description != null ? { description: input.description } : {}),
    inputSchema: input.inputSchema,
    ...(input.outputSchema != null ? { outputSchema: input.outputSchema } : {}),
    ...(defaults !== undefined ? { defaults: defaults } : {}),
    ...(examples !== undefined ? { examples: examples as Array<{ title: string; with: JsonObject }> } : {}),
    ...(input.deprecated != null ? { deprecated: input.deprecated } : {}),
    ...(poll !== undefined ? { poll: poll as unknown as PluginDescriptor['poll'] } : {}),
    taskQueue,
  };
}
