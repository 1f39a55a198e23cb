import { Command, Option } from 'commander';
import { createBuiltinRegistry } from '../../../plugins';
import type { ExecutionPlan, InterpreterInput } from '../../../workflows/contract';
import { validateRunInputs } from '../../../workflows/definition/inputs';
import type { Problem } from '../../../workflows/definition/problems';
import { SubflowResolutionError } from '../../../workflows/definition/subflows';
import type { CliContext } from '../context';
import { loadDefinitionFile } from '../definition-file';
import { EXIT } from '../exit-codes';
import { line } from '../io';
import { problemLines } from '../render';
import type * as RunOnTemporal from '../run-on-temporal';
import type { RunOptions } from '../run-on-temporal';
import { planWithSubflowFiles } from '../subflow-files';

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** `--input key=value` pairs as a map of strings (the validator coerces them to the declared types). */
export function parseInputPairs(pairs: readonly string[]): { values: Record<string, string>; problems: Problem[] } {
  const values: Record<string, string> = {};
  const problems: Problem[] = [];
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const key = at > 0 ? pair.slice(0, at).trim() : '';
    if (!key) {
      problems.push({ path: 'inputs', message: `--input ${JSON.stringify(pair)} is not key=value` });
      continue;
    }
    values[key] = pair.slice(at + 1);
  }
  return { values, problems };
}

export function runCommand(ctx: CliContext): Command {
  return new Command('run')
    .description('run a definition file without storing it, on TEMPORAL_ADDRESS or an embedded dev server')
    .argument('<file>', 'definition file (YAML or JSON)')
    .addOption(
      new Option('-i, --input <key=value>', 'a run input; repeat for more (coerced to the declared type)').argParser(
        collect,
      ),
    )
    .option('--json', 'print one JSON document with the result at the end')
    .option('-w, --watch', 'show live node states while the run goes on')
    .addHelpText(
      'after',
      '\nExit codes: 0 SUCCEEDED, 1 FAILED, 2 invalid definition or inputs, 3 CANCELLED, 4 Temporal unavailable.\n' +
        'Ctrl-C cancels the run and waits for it to end (a second Ctrl-C stops waiting).',
    )
    .action(async (file: string, options: RunOptions) => {
      ctx.exitCode = await run(ctx, file, options);
    });
}

async function run(ctx: CliContext, file: string, options: RunOptions): Promise<number> {
  const { io } = ctx;
  const registry = createBuiltinRegistry();
  const loaded = await loadDefinitionFile(file, registry);
  const given = parseInputPairs(options.input ?? []);
  const definition = loaded.definition;
  const problems = [...loaded.problems, ...given.problems];
  let inputs: InterpreterInput['inputs'] | undefined;
  if (definition && loaded.problems.length === 0) {
    const checked = validateRunInputs(definition, given.values, { coerceStrings: true });
    problems.push(...checked.problems);
    inputs = checked.inputs;
  }
  if (!definition || !inputs || problems.length > 0)
    return invalid(ctx, problems, loaded.warnings, Boolean(options.json));
  for (const warning of problemLines([], loaded.warnings)) io.err(line(warning));
  let plan: ExecutionPlan;
  try {
    plan = await planWithSubflowFiles(file, definition, registry);
  } catch (error) {
    if (!(error instanceof SubflowResolutionError)) throw error;
    return invalid(ctx, error.problems, loaded.warnings, Boolean(options.json));
  }

  // Temporal's client and worker take a second to load: only a valid run pays for them.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { runOnTemporal } = require('../run-on-temporal') as typeof RunOnTemporal;
  return runOnTemporal(ctx, { definition, plan, inputs, registry, options });
}

function invalid(ctx: CliContext, problems: Problem[], warnings: Problem[], json: boolean): number {
  const lines = problemLines(problems, warnings);
  if (json) {
    for (const text of lines) ctx.io.err(line(text));
    ctx.io.out(line(JSON.stringify({ status: 'INVALID', problems, warnings }, null, 2)));
  } else {
    for (const text of lines) ctx.io.out(line(text));
  }
  return EXIT.INVALID;
}
