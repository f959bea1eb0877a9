import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export const REPO = path.resolve(__dirname, '../..');

/** The production layers, lowest first: what `npm run build` compiles and what the diagram draws. */
export const PRODUCTION_FOLDERS = [
  'domain',
  'config',
  'observability',
  'codec',
  'vendors',
  'activities',
  'workflows',
  'client',
  'api',
  'cli',
  'worker',
] as const;

/** Every `.ts` file under `folder`, relative to the repository. */
export function sourceFiles(folder: string): string[] {
  const root = path.join(REPO, folder);
  if (!existsSync(root)) return [];
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) found.push(path.relative(REPO, full));
    }
  };
  walk(root);
  return found.sort();
}

/** The repository files a source file imports (value and type imports alike), resolved like Node16 would. */
export function importsOf(file: string): string[] {
  const text = readFileSync(path.join(REPO, file), 'utf8');
  const { importedFiles } = ts.preProcessFile(text, true, true);
  return importedFiles
    .map((ref) => ref.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => resolve(path.join(path.dirname(file), spec)))
    .filter((target): target is string => target !== null);
}

function resolve(base: string): string | null {
  for (const candidate of [base, `${base}.ts`, path.join(base, 'index.ts')]) {
    const full = path.join(REPO, candidate);
    if (existsSync(full) && statSync(full).isFile()) return path.normalize(candidate);
  }
  return null;
}

/** The top folder of a repository path (`vendors/kriptomat/client.ts` → `vendors`). */
export function layerOf(file: string): string {
  return file.split(path.sep)[0] ?? file;
}

/** `from → to` for every production folder importing another one, sorted. */
export function layerEdges(): string[] {
  const edges = new Set<string>();
  for (const folder of PRODUCTION_FOLDERS) {
    for (const file of sourceFiles(folder)) {
      for (const target of importsOf(file)) {
        const to = layerOf(target);
        if (to !== folder) edges.add(`${folder} --> ${to}`);
      }
    }
  }
  return [...edges].sort();
}
