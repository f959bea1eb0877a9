import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { SANDBOX_VARIABLES } from '../../sandbox/main';
import { readRepoFile, ROOT } from './compose-files';

/**
 * sandbox/Dockerfile, the simulators' own image, read without a Docker engine: it is built from sandbox/ and
 * the shared compiler settings alone, with the sandbox's own dependencies (the libraries its code imports, at
 * the versions the engine pins), runs the compiled sandbox/main.ts and bakes in no configuration.
 */
const dockerfile = readRepoFile('sandbox/Dockerfile');
const lines = dockerfile.split('\n').filter((line) => !line.startsWith('#'));
const runtime = dockerfile.split(/^FROM /m).at(-1) ?? '';
const context = readRepoFile('sandbox/Dockerfile.dockerignore')
  .split('\n')
  .filter((line) => line && !line.startsWith('#'));

interface PackageJson {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}
const engine = JSON.parse(readRepoFile('package.json')) as PackageJson;
const own = JSON.parse(readRepoFile('sandbox/package.json')) as PackageJson;
const lock = JSON.parse(readRepoFile('sandbox/package-lock.json')) as {
  packages: Record<string, PackageJson>;
};
const build = JSON.parse(readRepoFile('sandbox/tsconfig.build.json')) as {
  extends: string;
  compilerOptions: { rootDir: string; outDir: string };
};

/** The packages the sandbox's sources import (`hono/utils/x` is `hono`, `@hono/node-server/y` `@hono/node-server`). */
function importedPackages(): string[] {
  const files = readdirSync(path.join(ROOT, 'sandbox'), { recursive: true, encoding: 'utf8' }).filter(
    (file) => file.endsWith('.ts') && !file.split(path.sep).includes('node_modules'),
  );
  const specifiers = files.flatMap((file) =>
    ts
      .preProcessFile(readRepoFile(path.join('sandbox', file)), true, true)
      .importedFiles.map((ref) => ref.fileName),
  );
  const packages = specifiers
    .filter((spec) => !spec.startsWith('.') && !spec.startsWith('node:'))
    .map((spec) =>
      spec
        .split('/')
        .slice(0, spec.startsWith('@') ? 2 : 1)
        .join('/'),
    );
  return [...new Set(packages)].sort();
}

describe('sandbox/Dockerfile', () => {
  it('runs the compiled sandbox/main.ts under tini, as the unprivileged node user', () => {
    expect(runtime).toMatch(/^CMD \["node", "dist\/main\.js"\]$/m);
    expect(build.compilerOptions).toMatchObject({ rootDir: '.', outDir: 'dist' });
    expect(existsSync(path.join(ROOT, 'sandbox', build.compilerOptions.rootDir, 'main.ts'))).toBe(true);
    expect(runtime).toMatch(/^COPY --from=build \/app\/sandbox\/dist \.\/dist$/m);
    expect(runtime).toMatch(/^ENTRYPOINT \["\/usr\/bin\/tini", "--"\]$/m);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/NODE_ENV=production/);
  });

  it('is built from sandbox/ and the compiler settings its build extends, nothing else', () => {
    expect(context[0]).toBe('*');
    expect(context.filter((line) => line.startsWith('!'))).toEqual(['!tsconfig.json', '!sandbox/']);
    expect(build.extends).toBe('../tsconfig.json');
    const copied = lines
      .filter((line) => line.startsWith('COPY ') && !line.includes('--from='))
      .flatMap((line) => line.split(/\s+/).slice(1, -1));
    expect(copied.filter((source) => !source.startsWith('sandbox/') && source !== 'tsconfig.json')).toEqual(
      [],
    );
  });

  it("installs the sandbox's own dependencies: what its code imports, at the engine's versions", () => {
    expect(Object.keys(own.dependencies ?? {}).sort()).toEqual(importedPackages());
    for (const [name, version] of Object.entries({ ...own.dependencies, ...own.devDependencies })) {
      expect([name, version]).toEqual([name, engine.dependencies?.[name] ?? engine.devDependencies?.[name]]);
    }
    expect(Object.keys(own.devDependencies ?? {}).sort()).toEqual(['@types/node', 'typescript']);
    const root = lock.packages[''];
    expect([root?.dependencies, root?.devDependencies]).toEqual([own.dependencies, own.devDependencies]);
    expect(lines.filter((line) => /npm ci/.test(line))).toEqual([
      expect.stringMatching(/npm ci --no-audit/),
      expect.stringMatching(/npm ci --omit=dev/),
    ]);
  });

  it('bakes in no configuration: every setting arrives in the environment at run time', () => {
    const set = lines.filter((line) => /^(ENV|ARG) /.test(line)).join(' ');
    expect(SANDBOX_VARIABLES.filter((name) => set.includes(name))).toEqual([]);
    expect(lines.filter((line) => /^COPY .*\.env/.test(line))).toEqual([]);
  });
});
