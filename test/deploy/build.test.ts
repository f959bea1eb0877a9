import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { readRepoFile, ROOT } from './compose-files';

/**
 * The two builds, run for real into temporary folders: `npm run build` (tsconfig.build.json) compiles the
 * engine's production folders and nothing else, the sandbox's build (sandbox/tsconfig.build.json) the
 * simulators alone, and each emits the entry points its image runs.
 */
const TOOLS = ['sandbox', 'scripts', 'bench', 'chaos', 'cluster', 'stack', 'test'];
const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc');
const buildIncludes = (JSON.parse(readRepoFile('tsconfig.build.json')) as { include: string[] }).include;

/** The files the build writes into `outDir`, relative to it (declaration and source maps left out). */
async function emitted(project: string, outDir: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [TSC, '-p', project, '--outDir', outDir, '--listEmittedFiles', '--sourceMap', 'false'],
    { cwd: ROOT },
  );
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('TSFILE: '))
    .map((line) => path.relative(outDir, line.slice('TSFILE: '.length)));
}

let outDir: string;
beforeAll(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), 'kyc-build-'));
});
afterAll(() => rm(outDir, { recursive: true, force: true }));

it('compiles the production folders only, with every entry point the engine image runs', async () => {
  expect(buildIncludes.filter((folder) => TOOLS.includes(folder))).toEqual([]);
  const files = await emitted('tsconfig.build.json', path.join(outDir, 'engine'));
  const folders = [...new Set(files.map((file) => file.split(path.sep)[0] ?? ''))].sort();
  expect(folders).toEqual([...buildIncludes].sort());
  expect(files).toEqual(
    expect.arrayContaining(['worker/main.js', 'api/main.js', 'cli/main.js', 'workflows/kyc-case.js']),
  );
}, 120_000);

it('compiles the sandbox alone into its own output, main.js at the top', async () => {
  const files = await emitted('sandbox/tsconfig.build.json', path.join(outDir, 'sandbox'));
  expect(files).toContain('main.js');
  // Only the sandbox's own files: an engine file would be emitted beside them as ../<folder>/...
  expect(files.filter((file) => file.startsWith('..'))).toEqual([]);
  expect(files.length).toBeGreaterThan(10);
}, 120_000);
