import { existsSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_VARIABLES } from '../../config';
import { loadCompose, readRepoFile, ROOT } from './compose-files';

/**
 * The Dockerfile and .dockerignore, read without a Docker engine: the image runs compiled files of sources
 * that exist and get compiled, keeps what the worker needs at run time, and bakes in no configuration.
 */
const dockerfile = readRepoFile('Dockerfile');
const lines = dockerfile.split('\n').filter((line) => !line.startsWith('#'));
const stages = dockerfile.split(/^FROM /m).slice(1);
const runtime = stages.at(-1) ?? '';
const buildIncludes = (JSON.parse(readRepoFile('tsconfig.build.json')) as { include: string[] }).include;
const allowed = readRepoFile('.dockerignore')
  .split('\n')
  .filter((line) => line.startsWith('!'))
  .map((line) => line.slice(1).replace(/\/$/, ''));

/** The command of a Dockerfile's `CMD [...]`. */
const cmdOf = (text: string): string[] => JSON.parse(/^CMD (\[.*\])$/m.exec(text)?.[1] ?? '[]') as string[];

/**
 * Every `dist/...js` the engine image is told to run: the Dockerfile's CMD and the command of each compose
 * service built from it.
 */
function entryFiles(): string[] {
  const commands = [cmdOf(dockerfile)];
  for (const file of ['docker-compose.yml', 'deploy/compose.sandbox.yml']) {
    for (const service of Object.values(loadCompose(file).services)) {
      const build = typeof service.build === 'string' ? undefined : service.build;
      if (build?.dockerfile !== undefined && build.dockerfile !== 'Dockerfile') continue;
      if (Array.isArray(service.command)) commands.push(service.command);
    }
  }
  return commands.flat().filter((arg) => /^dist\/.+\.js$/.test(arg));
}

describe('the Dockerfile', () => {
  it('runs the worker by default, under tini, as the unprivileged node user', () => {
    expect(dockerfile).toMatch(/^CMD \["node", "dist\/worker\/main\.js"\]$/m);
    expect(runtime).toMatch(/^ENTRYPOINT \["\/usr\/bin\/tini", "--"\]$/m);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/NODE_ENV=production/);
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
  });

  it("puts the operators' kyc CLI on PATH, through its launcher", () => {
    expect(existsSync(path.join(ROOT, 'bin/kyc.js'))).toBe(true);
    expect(allowed).toContain('bin');
    expect(runtime).toMatch(/^RUN ln -s \/app\/bin\/kyc\.js \/usr\/local\/bin\/kyc$/m);
  });

  it('runs only compiled files of sources that exist, are compiled and enter the build context', () => {
    const entries = entryFiles();
    expect(entries).toEqual(expect.arrayContaining(['dist/worker/main.js', 'dist/api/main.js']));
    for (const entry of entries) {
      const source = entry.replace(/^dist\//, '').replace(/\.js$/, '.ts');
      const folder = source.split('/')[0] ?? '';
      expect([source, existsSync(path.join(ROOT, source))]).toEqual([source, true]);
      expect(buildIncludes).toContain(folder);
      expect(allowed).toContain(folder);
    }
  });

  it('gets exactly the compiled folders (and bin/) into the build context, nothing that holds secrets or tests', () => {
    expect(
      readRepoFile('.dockerignore')
        .split('\n')
        .find((line) => line && !line.startsWith('#')),
    ).toBe('*');
    const folders = allowed.filter((entry) => !/\.json$/.test(entry));
    expect(folders.sort()).toEqual([...buildIncludes, 'bin'].sort());
    expect(allowed.filter((entry) => /\.json$/.test(entry)).sort()).toEqual(
      ['package-lock.json', 'package.json', 'tsconfig.build.json', 'tsconfig.json'].sort(),
    );
  });

  it('installs production dependencies only, from the lockfile, keeping the workflow bundler', () => {
    const deps = stages.find((stage) => stage.startsWith('${NODE_IMAGE} AS deps')) ?? '';
    expect(deps).toMatch(/npm ci --omit=dev/);
    expect(runtime).toMatch(/COPY --from=deps \/app\/node_modules/);
    // `npm ci --omit=dev` leaves out exactly what the lockfile marks dev; the worker bundles workflows with these.
    const lock = JSON.parse(readRepoFile('package-lock.json')) as {
      packages: Record<string, { dev?: boolean }>;
    };
    for (const name of ['@temporalio/worker', 'webpack', '@swc/core', 'swc-loader']) {
      expect([name, lock.packages[`node_modules/${name}`]?.dev]).toEqual([name, undefined]);
    }
  });

  it('bakes in no configuration: every setting arrives in the environment at run time', () => {
    const set = lines.filter((line) => /^(ENV|ARG) /.test(line)).join(' ');
    expect(CONFIG_VARIABLES.filter((name) => set.includes(name))).toEqual([]);
    expect(lines.filter((line) => /^COPY .*\.env/.test(line))).toEqual([]);
  });
});
