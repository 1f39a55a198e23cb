import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Command } from 'commander';
import { PLUGIN_TYPE_PATTERN } from '../../../plugins/registry';
import type { CliContext } from '../context';
import { EXIT } from '../exit-codes';
import { line } from '../io';

/** What {@link scaffoldPlugin} needs. */
export interface ScaffoldOptions {
  /** The plugin type: dotted lower-case words, `acme.deploy-app`. */
  type: string;
  /** The folder that receives the plugin folder (`plugins`), relative to `cwd`. */
  dir: string;
  /** Default the working directory. */
  cwd?: string;
  /** Where the SDK lives (default this installation's plugins/sdk). */
  sdkDir?: string;
}

/** What {@link scaffoldPlugin} wrote. */
export interface ScaffoldResult {
  folder: string;
  files: string[];
}

/**
 * Writes a new plugin folder: `schema.ts` (input/output types, JSON Schemas, examples),
 * `plugin.ts` (the plugin, documented), `plugin.spec.ts` (its test, with the SDK's `runPlugin`),
 * `index.ts` (the default export a worker's plugin folders load) and a README. The folder is named
 * after the type (`acme.deploy-app` → `acme-deploy-app`); the generated test passes as written.
 *
 * @throws Error when the type is not a plugin type or the folder already exists (nothing is written).
 * @example scaffoldPlugin({ type: 'acme.deploy-app', dir: 'plugins' }).files // ['plugins/acme-deploy-app/schema.ts', ...]
 */
export function scaffoldPlugin(options: ScaffoldOptions): ScaffoldResult {
  const { type } = options;
  if (!PLUGIN_TYPE_PATTERN.test(type)) {
    throw new Error(`"${type}" is not a plugin type: use dotted lower-case words, like acme.deploy-app`);
  }
  const cwd = options.cwd ?? process.cwd();
  const folder = resolve(cwd, options.dir, type.replace(/\./g, '-'));
  if (existsSync(folder)) throw new Error(`${relative(cwd, folder) || folder} already exists; nothing was written`);

  const sdk = importPath(folder, options.sdkDir ?? findSdkDir());
  const names = namesOf(type);
  const files: Record<string, string> = {
    'schema.ts': schemaFile(type, names, sdk),
    'plugin.ts': pluginFile(type, names, sdk),
    'plugin.spec.ts': specFile(type, names, sdk),
    'index.ts': indexFile(names),
    'README.md': readmeFile(type, names),
  };
  mkdirSync(folder, { recursive: true });
  const written: string[] = [];
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(folder, name), content, { flag: 'wx' });
    written.push(join(folder, name));
  }
  return { folder, files: written };
}

/**
 * `switchyard plugin new NAME [--dir plugins]`: scaffolds a plugin folder (see {@link scaffoldPlugin}).
 * Exits 0 and lists the files, or exits 2 with the reason on stderr.
 */
export function pluginCommand(ctx: CliContext): Command {
  const plugin = new Command('plugin').description('work with plugins');
  plugin.addCommand(
    new Command('new')
      .description('scaffold a plugin folder (plugin, JSON Schemas, examples and a passing test)')
      .argument('<name>', 'the plugin type, dotted lower-case words: acme.deploy-app')
      .option('-d, --dir <folder>', 'where the plugin folder goes', 'plugins')
      .exitOverride()
      .showHelpAfterError()
      .action((name: string, options: { dir: string }) => {
        let result: ScaffoldResult;
        try {
          result = scaffoldPlugin({ type: name, dir: options.dir });
        } catch (err) {
          ctx.io.err(line(`error: ${(err as Error).message}`));
          ctx.exitCode = EXIT.INVALID;
          return;
        }
        const shown = (path: string) => {
          const near = relative(process.cwd(), path);
          return near && !near.startsWith('..') ? near : path;
        };
        ctx.io.out(line(`created plugin ${name} in ${shown(result.folder)}`));
        for (const file of result.files) ctx.io.out(line(`  ${shown(file)}`));
        ctx.io.out(line());
        ctx.io.out(line('next: edit schema.ts and plugin.ts, and keep plugin.spec.ts passing (npx jest <folder>)'));
        ctx.io.out(line('a worker loads the folder when its plugin folders include its parent'));
        ctx.exitCode = EXIT.SUCCEEDED;
      }),
  );
  return plugin.exitOverride().showHelpAfterError();
}

interface Names {
  /** `acmeDeployApp` */
  value: string;
  /** `AcmeDeployApp` */
  typeName: string;
  /** `Acme deploy app` */
  title: string;
}

function namesOf(type: string): Names {
  const words = type.split(/[.\-_]+/).filter(Boolean);
  const cap = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);
  const typeName = words.map(cap).join('');
  return {
    value: typeName.charAt(0).toLowerCase() + typeName.slice(1),
    typeName,
    title: cap(words.join(' ')),
  };
}

/** plugins/sdk of this installation: found from here, in the sources and in dist/ alike. */
function findSdkDir(): string {
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (manifest.name === 'switchyard' && existsSync(join(dir, 'plugins', 'sdk', 'index.ts'))) {
        return join(dir, 'plugins', 'sdk');
      }
    } catch {
      // not here; look one folder up
    }
  }
  throw new Error('cannot find plugins/sdk of this Switchyard installation');
}

/** A relative import specifier from `folder` to `target`: `../sdk`, `../../switchyard/plugins/sdk`. */
function importPath(folder: string, target: string): string {
  const path = relative(folder, target).split(sep).join('/');
  return path.startsWith('.') ? path : `./${path}`;
}

function schemaFile(type: string, n: Names, sdk: string): string {
  return `import type { JsonObject, JsonSchema } from '${sdk}';

/** The \`with\` of a \`${type}\` node, after expressions are resolved. */
export type ${n.typeName}Input = {
  /** Who or what the step works on. */
  target: string;
  /** How many greetings (default 1). */
  times?: number;
};

/** What a \`${type}\` node outputs: later nodes read it as \`nodes.<id>.output\`. */
export type ${n.typeName}Output = {
  message: string;
};

/** Drawn as a form by the admin UI and checked by the validator and the worker. */
export const ${n.value}InputSchema: JsonSchema = {
  title: '${type} input',
  type: 'object',
  required: ['target'],
  additionalProperties: false,
  properties: {
    target: { type: 'string', minLength: 1, title: 'Target', description: 'Who or what the step works on.' },
    times: { type: 'integer', minimum: 1, maximum: 10, default: 1, title: 'Times' },
  },
};

export const ${n.value}OutputSchema: JsonSchema = {
  title: '${type} output',
  type: 'object',
  required: ['message'],
  properties: { message: { type: 'string' } },
};

/** Shown in the catalog; the plugin's test checks that each fits the input schema. */
export const ${n.value}Examples: ReadonlyArray<{ title: string; with: JsonObject }> = [
  { title: 'Greet the ops team', with: { target: 'ops' } },
  { title: 'Greet the environment of the run, twice', with: { target: '\${inputs.env}', times: 2 } },
];
`;
}

function pluginFile(type: string, n: Names, sdk: string): string {
  return `import { PluginError, cancellationError, definePlugin } from '${sdk}';
import {
  ${n.value}Examples,
  ${n.value}InputSchema,
  ${n.value}OutputSchema,
  type ${n.typeName}Input,
  type ${n.typeName}Output,
} from './schema';

/**
 * \`${type}\`: greets \`target\` (replace with what your step does).
 *
 * Fails with \`NoTarget\` (not retried) when the target is \`nobody\`.
 *
 * @example
 * { id: greet, type: ${type}, with: { target: ops, times: 2 } }
 */
export const ${n.value} = definePlugin<${n.typeName}Input, ${n.typeName}Output>({
  type: '${type}',
  version: '0.1.0',
  title: '${n.title}',
  description: 'Greets a target. Scaffolded by switchyard plugin new.',
  inputSchema: ${n.value}InputSchema,
  outputSchema: ${n.value}OutputSchema,
  defaults: {
    retry: { maximumAttempts: 3, initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
    timeout: { startToClose: '1m' },
  },
  examples: ${n.value}Examples,

  execute(ctx, input) {
    // Long steps: heartbeat now and then and watch ctx.signal, so cancellation reaches them.
    if (ctx.signal.aborted) return Promise.reject(cancellationError(ctx.signal));
    if (input.target === 'nobody') {
      return Promise.reject(new PluginError('NoTarget', 'there is nobody to greet', { retryable: false }));
    }
    ctx.heartbeat({ target: input.target });
    ctx.logger.info('${type} greeting', { target: input.target });
    const message = Array.from({ length: input.times ?? 1 }, () => \`hello \${input.target}\`).join(', ');
    return Promise.resolve({ message });
  },
});
`;
}

function specFile(type: string, n: Names, sdk: string): string {
  return `import { runPlugin } from '${sdk}/testing';
import { SchemaValidator } from '${sdk}/validation';
import { ${n.value} } from './plugin';

describe('${n.value}', () => {
  it('greets the target as many times as asked', async () => {
    await expect(runPlugin(${n.value}, { target: 'ops' })).resolves.toEqual({ message: 'hello ops' });
    await expect(runPlugin(${n.value}, { target: 'ops', times: 2 })).resolves.toEqual({
      message: 'hello ops, hello ops',
    });
  });

  it('fails with a typed, non-retryable error when there is nobody to greet', async () => {
    await expect(runPlugin(${n.value}, { target: 'nobody' })).rejects.toMatchObject({
      type: 'NoTarget',
      retryable: false,
    });
  });

  it('refuses input its schema does not allow, as the worker would', async () => {
    await expect(runPlugin(${n.value}, { times: 0 } as never)).rejects.toThrow(
      'Invalid input for ${type}@0.1.0: with.target: is required; with.times: must be >= 1',
    );
  });

  it('stops when the node is cancelled', async () => {
    const controller = new AbortController();
    const reason = new Error('node cancelled');
    controller.abort(reason);
    await expect(runPlugin(${n.value}, { target: 'ops' }, { signal: controller.signal })).rejects.toBe(reason);
  });

  it('has examples that fit its input schema, and outputs that fit its output schema', async () => {
    const validator = new SchemaValidator();
    for (const example of ${n.value}.examples ?? []) {
      expect(validator.check(${n.value}.inputSchema, example.with)).toEqual([]);
    }
    const output = await runPlugin(${n.value}, { target: 'ops' });
    expect(validator.check(${n.value}.outputSchema!, output, 'output')).toEqual([]);
  });
});
`;
}

function indexFile(n: Names): string {
  return `/** The folder's entry point: a worker's plugin folders load its default export (a plugin or a list). */
export { ${n.value} as default } from './plugin';
`;
}

function readmeFile(type: string, n: Names): string {
  return `# ${type}

${n.title}: scaffolded by \`switchyard plugin new ${type}\`.

- \`schema.ts\`: the input and output types, their JSON Schemas (the admin UI draws its form from the
  input schema; the validator and the worker check nodes against it) and examples.
- \`plugin.ts\`: the plugin, \`execute(ctx, input) -> output\`. Throw \`PluginError\` with a \`type\` for
  failures, \`retryable: false\` where retrying is pointless; heartbeat and watch \`ctx.signal\` in long steps.
- \`plugin.spec.ts\`: its test, run with the SDK's \`runPlugin\` in an in-memory activity context.
- \`index.ts\`: what a worker loads when this folder's parent is one of its plugin folders.

Use it in a definition:

\`\`\`yaml
- id: greet
  type: ${type}
  version: 0.1.0
  with: { target: ops }
\`\`\`
`;
}
