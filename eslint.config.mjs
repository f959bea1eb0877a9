// @ts-check
import { builtinModules } from 'node:module';
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/**
 * Workflow code is replayed deterministically inside Temporal's sandbox: anything that does I/O, reads the
 * clock or the environment belongs in an activity. These imports are refused in `workflows/**`; type-only
 * imports stay allowed so workflows can name the activity interface.
 */
const workflowForbiddenImports = {
  paths: [
    ...builtinModules.map((name) => ({ name, message: 'Node built-ins do I/O; use an activity.' })),
    { name: 'axios', message: 'HTTP belongs in activities/.' },
  ],
  patterns: [
    { group: ['node:*'], message: 'Node built-ins do I/O; use an activity.' },
    {
      group: ['axios/*', 'hono', 'hono/*', '@hono/*', 'proper-lockfile', 'which', 'pino', 'pino/*'],
      message: 'I/O libraries belong in activities/ or worker/.',
    },
    {
      group: ['@temporalio/activity', '@temporalio/client', '@temporalio/worker', '@temporalio/testing'],
      message: 'Workflows may only use @temporalio/workflow and @temporalio/common.',
    },
    {
      group: [
        '**/activities',
        '**/activities/**',
        '**/worker',
        '**/worker/**',
        '**/client',
        '**/client/**',
        '**/sandbox',
        '**/sandbox/**',
        '**/scripts/**',
      ],
      allowTypeImports: true,
      message:
        'Workflows import values only from domain/ and workflows/; use `import type` for activity types.',
    },
  ],
};

/**
 * The simulators in `sandbox/` are witnesses of the vendors, written from their documentation: importing the
 * engine's code (a path, a schema, a signer) would make a wrong guess in a client agree with itself. Any
 * relative import of a production folder, at any depth and type-only included, is refused there; so is the
 * TOTP library the client uses (the simulator computes RFC 6238 itself).
 */
const PRODUCTION_FOLDERS = [
  'activities',
  'api',
  'cli',
  'vendors',
  'client',
  'workflows',
  'domain',
  'codec',
  'config',
  'worker',
  'observability',
  'scripts',
];
const sandboxForbiddenImports = {
  paths: [{ name: 'otpauth', message: 'The simulator computes TOTP itself (sandbox/kriptomat/totp.ts).' }],
  patterns: [
    {
      regex: `^(\\.\\.?/)+(.*/)?(${PRODUCTION_FOLDERS.join('|')})(/.*)?$`,
      message:
        'Simulators share no code with the engine: write it in sandbox/ from the vendor documentation.',
    },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'coverage/', '.data/', 'test/fixtures/'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.mjs', '*.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The lint fixtures are checked by test/lint: they show what these rules refuse.
    files: ['workflows/**/*.ts', 'test/fixtures/lint/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': ['error', workflowForbiddenImports],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'Workflows must not read the environment; pass values as input.' },
        { name: 'setTimeout', message: 'Use sleep() or condition() from @temporalio/workflow.' },
        { name: 'setInterval', message: 'Use sleep() or condition() from @temporalio/workflow.' },
      ],
    },
  },
  {
    files: ['sandbox/**/*.ts', 'test/fixtures/lint/sandbox/**/*.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': ['error', sandboxForbiddenImports],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { module: 'writable', require: 'readonly', process: 'readonly' },
    },
  },
  prettier,
);
