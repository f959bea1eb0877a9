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
  'audit',
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

/**
 * Every module a file names, as written: static imports and re-exports, `import()` and `require()` of a
 * literal, type-only imports included.
 */
export function specifiersOf(file: string): string[] {
  const text = readFileSync(path.join(REPO, file), 'utf8');
  return ts.preProcessFile(text, true, true).importedFiles.map((ref) => ref.fileName);
}

/** A relative specifier of `file` as a repository path, or null when it names no file (a package, a built-in). */
export function resolveFrom(file: string, spec: string): string | null {
  return spec.startsWith('.') ? resolve(path.join(path.dirname(file), spec)) : null;
}

/**
 * The transitive import closure of `file`: every repository file and every outside module (package or Node
 * built-in, as written) it reaches, each with the chain of imports that reaches it first, `file` first.
 */
export function importClosure(file: string): Map<string, string[]> {
  const chains = new Map<string, string[]>([[file, [file]]]);
  const queue = [file];
  for (let current = queue.shift(); current !== undefined; current = queue.shift()) {
    const chain = chains.get(current) ?? [current];
    for (const spec of specifiersOf(current)) {
      const target = resolveFrom(current, spec) ?? spec;
      if (chains.has(target)) continue;
      chains.set(target, [...chain, target]);
      if (target !== spec) queue.push(target);
    }
  }
  return chains;
}

/** A call in `file` the closure cannot follow or that opens a socket, with its line. */
export interface CallFinding {
  line: number;
  call: string;
}

/**
 * Calls of `require()` or `import()` whose argument is not a literal: an import a static closure cannot see.
 */
export function dynamicImportsOf(file: string): CallFinding[] {
  return callsIn(file, (call) => {
    const isImport =
      call.expression.kind === ts.SyntaxKind.ImportKeyword ||
      (ts.isIdentifier(call.expression) && call.expression.text === 'require');
    const [argument] = call.arguments;
    return isImport && !(argument && ts.isStringLiteralLike(argument));
  });
}

/** Calls of `.listen(...)` or `serve(...)` (`x.listen`, `x['listen']`, `serve`, `x.serve`): a socket opened. */
export function listeningCallsIn(file: string): CallFinding[] {
  const names = new Set(['listen', 'serve']);
  return callsIn(file, (call) => {
    const callee = call.expression;
    if (ts.isIdentifier(callee)) return callee.text === 'serve';
    if (ts.isPropertyAccessExpression(callee)) return names.has(callee.name.text);
    if (ts.isElementAccessExpression(callee))
      return ts.isStringLiteralLike(callee.argumentExpression) && names.has(callee.argumentExpression.text);
    return false;
  });
}

function callsIn(file: string, matches: (call: ts.CallExpression) => boolean): CallFinding[] {
  const text = readFileSync(path.join(REPO, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: CallFinding[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && matches(node)) {
      const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
      found.push({ line: line + 1, call: node.getText(source).split('\n')[0] ?? '' });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}
