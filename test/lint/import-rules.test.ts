import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * The lint rules that keep the layers apart (each production folder imports only the layers below it, never a
 * tool, and no import cycle), workflow code deterministic and the simulators independent of the engine, run
 * by the ESLint command with the project's own configuration over the fixtures in test/fixtures/lint (in a
 * child process: ESLint loads its config with a dynamic import that Jest's module sandbox refuses). A folder
 * there per layer holds an `allowed-imports.ts` that must pass and one fixture per refused crossing; each
 * fixture's first line says what it must trigger.
 */
const REPO = path.resolve(__dirname, '../..');
const FIXTURES = 'test/fixtures/lint';

interface LintResult {
  filePath: string;
  messages: { ruleId: string | null; message: string }[];
}

let results: LintResult[];

beforeAll(async () => {
  const eslint = path.join(REPO, 'node_modules/eslint/bin/eslint.js');
  // ESLint exits 1 when it finds problems, which is the point here: read its report either way.
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [eslint, '--no-ignore', '--format', 'json', FIXTURES],
    {
      cwd: REPO,
    },
  ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '[]' }));
  results = JSON.parse(stdout) as LintResult[];
}, 120_000);

async function expectationOf(filePath: string): Promise<string[]> {
  const firstLine = (await readFile(filePath, 'utf8')).split('\n')[0] ?? '';
  const expected = /^\/\/ expect: (.+)$/.exec(firstLine)?.[1] ?? '(missing expect line)';
  return expected === 'nothing' ? [] : [expected];
}

it('lints every fixture', () => {
  expect(results.map((result) => path.relative(REPO, result.filePath)).sort()).toEqual([
    `${FIXTURES}/activities/allowed-imports.ts`,
    `${FIXTURES}/activities/axios-outside-workflows.ts`,
    `${FIXTURES}/activities/floating-promise.ts`,
    `${FIXTURES}/activities/imports-chaos.ts`,
    `${FIXTURES}/activities/imports-workflows.ts`,
    `${FIXTURES}/api/allowed-imports.ts`,
    `${FIXTURES}/api/imports-cli.ts`,
    `${FIXTURES}/api/imports-stack.ts`,
    `${FIXTURES}/api/imports-workflow-code.ts`,
    `${FIXTURES}/cli/allowed-imports.ts`,
    `${FIXTURES}/cli/imports-activity-code.ts`,
    `${FIXTURES}/cli/imports-api.ts`,
    `${FIXTURES}/cli/imports-test-helpers.ts`,
    `${FIXTURES}/client/allowed-imports.ts`,
    `${FIXTURES}/client/imports-api.ts`,
    `${FIXTURES}/client/imports-sandbox.ts`,
    `${FIXTURES}/client/imports-vendor-code.ts`,
    `${FIXTURES}/codec/allowed-imports.ts`,
    `${FIXTURES}/codec/imports-vendors.ts`,
    `${FIXTURES}/config/allowed-imports.ts`,
    `${FIXTURES}/config/imports-observability.ts`,
    `${FIXTURES}/cycles/first.ts`,
    `${FIXTURES}/cycles/second.ts`,
    `${FIXTURES}/domain/allowed-imports.ts`,
    `${FIXTURES}/domain/imports-bench.ts`,
    `${FIXTURES}/domain/imports-config.ts`,
    `${FIXTURES}/domain/imports-io-library.ts`,
    `${FIXTURES}/domain/imports-temporal-client.ts`,
    `${FIXTURES}/observability/allowed-imports.ts`,
    `${FIXTURES}/observability/imports-client.ts`,
    `${FIXTURES}/observability/imports-codec.ts`,
    `${FIXTURES}/sandbox/allowed-imports.ts`,
    `${FIXTURES}/sandbox/imports-activity-code.ts`,
    `${FIXTURES}/sandbox/imports-config.ts`,
    `${FIXTURES}/sandbox/imports-domain-types.ts`,
    `${FIXTURES}/sandbox/imports-otpauth.ts`,
    `${FIXTURES}/vendors/allowed-imports.ts`,
    `${FIXTURES}/vendors/imports-activity-types.ts`,
    `${FIXTURES}/vendors/imports-cluster.ts`,
    `${FIXTURES}/worker/allowed-imports.ts`,
    `${FIXTURES}/worker/imports-client.ts`,
    `${FIXTURES}/worker/imports-scripts.ts`,
    `${FIXTURES}/workflows/allowed-imports.ts`,
    `${FIXTURES}/workflows/imports-activity-code.ts`,
    `${FIXTURES}/workflows/imports-axios.ts`,
    `${FIXTURES}/workflows/imports-bare-builtin.ts`,
    `${FIXTURES}/workflows/imports-node-builtin.ts`,
    `${FIXTURES}/workflows/imports-temporal-client.ts`,
    `${FIXTURES}/workflows/imports-vendor-types.ts`,
    `${FIXTURES}/workflows/reads-environment.ts`,
  ]);
});

it('reports exactly what each fixture expects', async () => {
  for (const result of results) {
    const found = [...new Set(result.messages.map((message) => message.ruleId ?? message.message))];
    expect({ file: path.basename(result.filePath), rules: found }).toEqual({
      file: path.basename(result.filePath),
      rules: await expectationOf(result.filePath),
    });
  }
});
