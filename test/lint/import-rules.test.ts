import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * The lint rules that keep workflow code deterministic and the simulators independent of the engine, run by the ESLint command with the project's own
 * configuration over the fixtures in test/fixtures/lint (in a child process: ESLint loads its config with a
 * dynamic import that Jest's module sandbox refuses). Each fixture's first line says what it must trigger.
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
}, 60_000);

async function expectationOf(filePath: string): Promise<string[]> {
  const firstLine = (await readFile(filePath, 'utf8')).split('\n')[0] ?? '';
  const expected = /^\/\/ expect: (.+)$/.exec(firstLine)?.[1] ?? '(missing expect line)';
  return expected === 'nothing' ? [] : [expected];
}

it('lints every fixture', () => {
  expect(results.map((result) => path.relative(REPO, result.filePath)).sort()).toEqual([
    `${FIXTURES}/activities/axios-outside-workflows.ts`,
    `${FIXTURES}/activities/floating-promise.ts`,
    `${FIXTURES}/sandbox/allowed-imports.ts`,
    `${FIXTURES}/sandbox/imports-activity-code.ts`,
    `${FIXTURES}/sandbox/imports-config.ts`,
    `${FIXTURES}/sandbox/imports-domain-types.ts`,
    `${FIXTURES}/sandbox/imports-otpauth.ts`,
    `${FIXTURES}/workflows/allowed-imports.ts`,
    `${FIXTURES}/workflows/imports-activity-code.ts`,
    `${FIXTURES}/workflows/imports-axios.ts`,
    `${FIXTURES}/workflows/imports-bare-builtin.ts`,
    `${FIXTURES}/workflows/imports-node-builtin.ts`,
    `${FIXTURES}/workflows/imports-temporal-client.ts`,
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
