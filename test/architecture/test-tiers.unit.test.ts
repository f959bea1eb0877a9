import { readdirSync } from 'node:fs';
import path from 'node:path';
import { dynamicImportsOf, importClosure, listeningCallsIn, REPO } from './import-graph';

/**
 * The unit tier (`*.unit.test.ts`, `npm run test:unit`) needs no Temporal dev server, no simulator, no child
 * process and no listening socket. Each unit test file's whole import closure is held to it: a helper that
 * starts any of them disqualifies every test that imports it, however indirectly.
 */
const FORBIDDEN: { reason: string; matches: (target: string) => boolean }[] = [
  { reason: 'a simulator', matches: (target) => target.startsWith('sandbox/') },
  { reason: 'the local stack', matches: (target) => target.startsWith('stack/') },
  {
    reason: 'a child process',
    matches: (target) => target === 'child_process' || target === 'node:child_process',
  },
  {
    reason: 'a Temporal dev server (unit tests use test/helpers/time-skipping.ts)',
    matches: (target) => target === 'test/helpers/temporal.ts',
  },
  { reason: 'the Temporal CLI', matches: (target) => target === 'scripts/temporal-cli.ts' },
];

/** Every `*.unit.test.ts` under test/, relative to the repository. */
function unitTestFiles(): string[] {
  return readdirSync(path.join(REPO, 'test'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.unit.test.ts'))
    .map((file) => path.join('test', file))
    .sort();
}

/**
 * What keeps `file` out of the unit tier, one line each, naming the chain of imports or the call. The socket
 * and dynamic-import rules apply to the test side of the closure (test files and helpers): production modules
 * may define servers that a unit test drives in process (`app.request()`).
 */
function violationsOf(file: string): string[] {
  const found: string[] = [];
  for (const [target, chain] of importClosure(file)) {
    for (const rule of FORBIDDEN)
      if (rule.matches(target)) found.push(`${chain.join(' → ')}: ${rule.reason}`);
    if (!target.startsWith('test/') || !target.endsWith('.ts')) continue;
    const via = chain.length > 1 ? ` (via ${chain.slice(0, -1).join(' → ')})` : '';
    for (const { line, call } of listeningCallsIn(target))
      found.push(`${target}:${line} opens a socket: ${call}${via}`);
    for (const { line, call } of dynamicImportsOf(target))
      found.push(`${target}:${line} imports what no rule can check: ${call}${via}`);
  }
  return found;
}

describe('the unit tier', () => {
  const files = unitTestFiles();

  it('has test files', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it.each(files)('%s starts no server, simulator, process or socket', (file) => {
    expect(violationsOf(file)).toEqual([]);
  });
});

describe('the rule', () => {
  it('names the chain to a forbidden import deep in the closure, and a socket a helper opens', () => {
    // An integration test whose harness reaches the dev server helper and a loopback server.
    const found = violationsOf('test/api/api-health.test.ts');
    expect(found).toContain(
      'test/api/api-health.test.ts → test/api/api-harness.ts → test/helpers/temporal.ts: ' +
        'a Temporal dev server (unit tests use test/helpers/time-skipping.ts)',
    );
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^test\/helpers\/ports\.ts:\d+ opens a socket: .*\(via /),
      ]),
    );
  });
});
