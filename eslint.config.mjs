// @ts-check
import { builtinModules } from 'node:module';
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/**
 * The engine's layers, each a top-level folder: what its code may import of ours. `uses` may be imported in
 * any way; `types` only with `import type` (a workflow names the activities it calls, the API the workflow's
 * state). Lowest first: `domain/` holds the pure rules and imports nothing of ours; `config/`, then
 * `observability/`, then `codec/` (which reports unknown keys through the logger) sit right above it.
 */
const LAYERS = {
  domain: { uses: [] },
  config: { uses: ['domain'] },
  observability: { uses: ['config', 'domain'] },
  codec: { uses: ['observability', 'config', 'domain'] },
  vendors: { uses: ['observability', 'config', 'domain'] },
  // The audit trail's storage: its own database seam, keys and records; the activities, API and CLI use it.
  audit: { uses: ['config', 'domain'] },
  activities: { uses: ['vendors', 'audit', 'observability', 'config', 'domain'] },
  workflows: { uses: ['domain'], types: ['activities'] },
  client: { uses: ['workflows', 'codec', 'observability', 'config', 'domain'], types: ['vendors'] },
  api: {
    uses: ['client', 'vendors', 'audit', 'codec', 'observability', 'config', 'domain'],
    types: ['workflows', 'activities'],
  },
  cli: {
    uses: ['client', 'vendors', 'codec', 'observability', 'config', 'domain'],
    types: ['workflows', 'activities'],
  },
  // The worker connects to Temporal with the same settings as every client: one connection module.
  worker: {
    uses: [
      'activities',
      'vendors',
      'audit',
      'codec',
      'observability',
      'config',
      'domain',
      'client/temporal-connection.ts',
    ],
    types: ['workflows'],
  },
};
const PRODUCTION = Object.keys(LAYERS);
/** Tools above the engine: they may use it, it never uses them (none of them ships in its image). */
const TOOLS = ['sandbox', 'scripts', 'bench', 'chaos', 'cluster', 'stack', 'test'];

/** A layer's files and those of its lint fixtures (test/fixtures/lint/<layer>/), checked by test/lint. */
const filesOf = (layer) => [`${layer}/**/*.ts`, `test/fixtures/lint/${layer}/**/*.ts`];

/**
 * One zone for each folder a layer must not import from at all, type-only imports included; a `uses` entry
 * naming one file of a folder (`client/temporal-connection.ts`) is that zone's exception.
 */
const layerZones = Object.entries(LAYERS).flatMap(([layer, { uses, types = [] }]) => {
  const only = uses.length > 0 ? `only ${uses.join(', ')}` : 'nothing of ours';
  const message = `${layer}/ imports ${only}${types.length > 0 ? `, and types of ${types.join(', ')}` : ''}.`;
  return [...PRODUCTION, ...TOOLS]
    .filter((folder) => folder !== layer && !uses.includes(folder) && !types.includes(folder))
    .map((folder) => ({
      target: filesOf(layer),
      from: folder,
      except: uses
        .filter((used) => used.startsWith(`${folder}/`))
        .map((file) => `./${file.slice(folder.length + 1)}`),
      message,
    }));
});

/**
 * The folders whose code a layer may only name types of: a relative import that climbs to the top-level
 * folder is refused unless it is `import type` (the zones cannot tell type imports from value imports).
 */
const typesOnly = (layer) =>
  (LAYERS[layer].types ?? []).map((folder) => ({
    regex: `^(\\.\\./)+${folder}(/|$)`,
    allowTypeImports: true,
    message: `${layer}/ may import only types from ${folder}/ (\`import type\`).`,
  }));

/** Libraries that do I/O (network, files, databases, logs, the terminal): not in pure code. */
const IO_LIBRARIES = [
  'axios',
  'axios/*',
  'hono',
  'hono/*',
  '@hono/*',
  'hono-rate-limiter',
  'pg',
  'pino',
  'pino/*',
  'pino-pretty',
  'prom-client',
  'proper-lockfile',
  'which',
  'dotenv',
  'commander',
  'cli-progress',
  'cli-table3',
];
const ioForbidden = (message) => ({
  paths: builtinModules.map((name) => ({ name, message })),
  patterns: [
    { group: ['node:*'], message },
    { group: IO_LIBRARIES, message },
  ],
});

/**
 * Domain rules are pure: no I/O and none of the Temporal SDK but its shared types (`@temporalio/common`), so
 * the workflow, the activities and every client can use them.
 */
const domainForbiddenImports = (() => {
  const io = ioForbidden('The domain is pure: I/O belongs in vendors/ or activities/.');
  return {
    ...io,
    patterns: [
      ...io.patterns,
      {
        group: ['@temporalio/*', '!@temporalio/common', '!@temporalio/common/*'],
        message: 'The domain uses only @temporalio/common of the Temporal SDK.',
      },
    ],
  };
})();

/**
 * Workflow code is replayed deterministically inside Temporal's sandbox: anything that does I/O, reads the
 * clock or the environment belongs in an activity. These imports are refused in `workflows/**`; type-only
 * imports of activities stay allowed so workflows can name the activity interface.
 */
const workflowForbiddenImports = (() => {
  const io = ioForbidden('Workflows do no I/O: use an activity.');
  return {
    ...io,
    patterns: [
      ...io.patterns,
      {
        group: ['@temporalio/activity', '@temporalio/client', '@temporalio/worker', '@temporalio/testing'],
        message: 'Workflows may only use @temporalio/workflow and @temporalio/common.',
      },
      ...typesOnly('workflows'),
    ],
  };
})();

/**
 * The simulators in `sandbox/` are witnesses of the vendors, written from their documentation: importing the
 * engine's code (a path, a schema, a signer) would make a wrong guess in a client agree with itself. Any
 * relative import of a production folder, at any depth and type-only included, is refused there; so is the
 * TOTP library the client uses (the simulator computes RFC 6238 itself).
 */
const sandboxForbiddenImports = {
  paths: [{ name: 'otpauth', message: 'The simulator computes TOTP itself (sandbox/kriptomat/totp.ts).' }],
  patterns: [
    {
      regex: `^(\\.\\.?/)+(.*/)?(${[...PRODUCTION, 'scripts'].join('|')})(/.*)?$`,
      message:
        'Simulators share no code with the engine: write it in sandbox/ from the vendor documentation.',
    },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/', '**/dist/', 'coverage/', '.data/', 'test/fixtures/'] },
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
    // Production code and the fixtures that prove the layer rules (test/lint). import-x/no-cycle follows
    // value imports only (by design it skips `import type`); test/architecture counts type-only imports too.
    files: [...PRODUCTION.flatMap(filesOf), 'test/fixtures/lint/cycles/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      // Relative imports of .ts files without an extension, as tsc (node16) and tsx resolve them.
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })],
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones: layerZones }],
      // Cycles are ours to find; packages' own bundles (PGlite's chunks) are neither parsed nor followed.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    files: filesOf('domain'),
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': ['error', domainForbiddenImports],
    },
  },
  {
    files: filesOf('workflows'),
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
  ...['client', 'api', 'cli', 'worker'].map((layer) => ({
    files: filesOf(layer),
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: typesOnly(layer) }],
    },
  })),
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
