// ESLint flat config. Type-checked TypeScript everywhere, plus two fences that keep the layers apart:
// workflows/ is deterministic sandboxed code (no Node built-ins, only type imports from src/ and
// activities/), and plugins/ never reaches into the engine (src/, activities/, workflows/).
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import importPlugin from 'eslint-plugin-import';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...new Set(builtinModules.map((name) => name.replace(/^node:/, '')))];

/** Node built-ins in every spelling: `fs`, `fs/promises` (both in builtinModules), `node:fs`. */
const noNodeBuiltins = {
  paths: nodeBuiltins.map((name) => ({
    name,
    message: 'workflows/ runs in the Temporal sandbox: no Node built-ins (do the I/O in an activity).',
  })),
  patterns: [
    {
      regex: '^node:',
      message: 'workflows/ runs in the Temporal sandbox: no Node built-ins (do the I/O in an activity).',
    },
  ],
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'web/**',
      'coverage/**',
      'bin/**',
      'test-artifacts/**',
      'bench/results/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { import: importPlugin },
    settings: {
      'import/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import/resolver': { node: { extensions: ['.ts', '.js', '.json', '.node'] } },
      'import/extensions': ['.ts', '.js'],
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'inline-type-imports' },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      'import/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    // The Temporal workflow sandbox: deterministic, no I/O. Specs run in plain Node and are exempt.
    files: ['workflows/**/*.ts'],
    ignores: ['workflows/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: noNodeBuiltins.paths,
          patterns: [
            ...noNodeBuiltins.patterns,
            {
              regex: '^\\.{1,2}/(.*/)?(src|activities)(/|$)',
              allowTypeImports: true,
              message: 'workflows/ may import src/ and activities/ only as `import type`.',
            },
            {
              regex: '^@temporalio/(client|worker|activity|testing)(/|$)',
              allowTypeImports: true,
              message: 'workflows/ may use only @temporalio/workflow and @temporalio/common at runtime.',
            },
          ],
        },
      ],
    },
  },
  {
    // Plugins are leaves: they depend on plugins/sdk and libraries, never on the engine.
    files: ['plugins/**/*.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.{1,2}/(.*/)?(src|activities|workflows)(/|$)',
              message: 'plugins/ may not import src/, activities/ or workflows/: depend on plugins/sdk only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: [
      '**/*.spec.ts',
      'test/**/*.ts',
      'bench/fuzz/**/*.ts',
      'bench/support/**/*.ts',
      'bench/runs-listing.ts',
      'bench/api-throughput.ts',
      'bench/chaos.ts',
      'bench/chaos/**/*.ts',
    ],
    rules: {
      // expect(mock.method), loosely typed fixtures and parsed JSON documents are normal in specs
      // (and in the benches and the fuzzer, which read GraphQL responses the same way).
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
);
