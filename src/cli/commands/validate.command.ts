import { Command } from 'commander';
import { createBuiltinRegistry } from '../../../plugins';
import type { CliContext } from '../context';
import { loadDefinitionFile } from '../definition-file';
import { EXIT } from '../exit-codes';
import { line } from '../io';
import { problemLines } from '../render';

/**
 * `switchyard validate FILE`: prints `valid` and exits 0, or prints one `<path>: <message>` line
 * per problem (warnings as `warning: <path>: <message>`) and exits 2. Nothing else on stdout.
 */
export function validateCommand(ctx: CliContext): Command {
  return new Command('validate')
    .description('check a definition file; exit 0 if valid, else 2 with one "<path>: <message>" line per problem')
    .argument('<file>', 'definition file (YAML or JSON)')
    .action(async (file: string) => {
      const { definition, problems, warnings } = await loadDefinitionFile(file, createBuiltinRegistry());
      const valid = definition !== undefined && problems.length === 0;
      for (const text of problemLines(problems, warnings)) ctx.io.out(line(text));
      if (valid) ctx.io.out(line('valid'));
      ctx.exitCode = valid ? EXIT.SUCCEEDED : EXIT.INVALID;
    });
}
