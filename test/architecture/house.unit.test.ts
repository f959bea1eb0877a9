import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { importsOf, layerEdges, layerOf, PRODUCTION_FOLDERS, REPO, sourceFiles } from './import-graph';

/**
 * docs/architecture.md is checked against the code, so it cannot drift: the layer diagram is the import
 * graph between production folders, the story of one case lists files that exist (the workflow's own files
 * exactly), production code has no import cycle and imports no tool, and every document a comment cites is
 * in the repository.
 */
const DOC = readFileSync(path.join(REPO, 'docs/architecture.md'), 'utf8');
const TOOL_FOLDERS = ['sandbox', 'scripts', 'stack', 'cluster', 'bench', 'chaos', 'test'];
/** Folders the story count leaves out: pure rules, settings and telemetry that every step uses. */
const UNCOUNTED = ['domain', 'config', 'observability'];
/** The production files a reader opens to follow one story; the case and the watch each reach it. */
const MAX_STORY_FILES = 9;

function section(title: string): string {
  const start = DOC.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`docs/architecture.md has no "## ${title}" section`);
  const end = DOC.indexOf('\n## ', start + 1);
  return DOC.slice(start, end < 0 ? undefined : end);
}

/** The `a --> b` lines of the section's mermaid block. */
function diagramEdges(text: string): string[] {
  const block = /```mermaid\n([\s\S]*?)```/.exec(text)?.[1] ?? '';
  return block
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /^\w+ --> \w+$/.test(line))
    .sort();
}

/** The stories docs/architecture.md tells, each a numbered list of the files control reaches in order. */
const STORIES = ['One case, in story order', 'One watch, in story order', 'One erasure, in story order'];

/** The numbered list of files (`1. \`api/case-routes.ts\` …`) of one story. */
function storyFiles(title: string): string[] {
  return [...section(title).matchAll(/^\d+\. `([^`]+)`/gm)].map((match) => match[1] ?? '');
}

const productionFiles = PRODUCTION_FOLDERS.flatMap((folder) => sourceFiles(folder));

it('draws the layers exactly as the production folders import each other', () => {
  expect(diagramEdges(section('The house'))).toEqual(layerEdges());
});

it.each(STORIES)('follows "%s" through at most nine production files that exist', (title) => {
  const story = storyFiles(title);
  expect(story.filter((file) => !existsSync(path.join(REPO, file)))).toEqual([]);
  const counted = story.filter((file) => !UNCOUNTED.includes(layerOf(file)));
  expect(counted.length).toBeGreaterThan(0);
  expect(counted.length).toBeLessThanOrEqual(MAX_STORY_FILES);
  expect(new Set(story).size).toBe(story.length);
});

it("lists the workflows' own files across the stories, all of them and nothing else", () => {
  const listed = new Set(STORIES.flatMap(storyFiles).filter((file) => layerOf(file) === 'workflows'));
  expect([...listed].sort()).toEqual(sourceFiles('workflows'));
});

it('has no import cycle in production code, type-only imports included', () => {
  expect(cycles(productionFiles)).toEqual([]);
});

it('keeps every tool out of production code', () => {
  const crossings = productionFiles.flatMap((file) =>
    importsOf(file)
      .filter((target) => TOOL_FOLDERS.includes(layerOf(target)))
      .map((target) => `${file} → ${target}`),
  );
  expect(crossings).toEqual([]);
});

it('cites only documents that are in the repository', () => {
  const docs = markdownFiles();
  const cited = [...PRODUCTION_FOLDERS, ...TOOL_FOLDERS]
    .flatMap((folder) => sourceFiles(folder))
    .flatMap((file) =>
      commentsOf(readFileSync(path.join(REPO, file), 'utf8')).flatMap((comment) =>
        // A name built from a template (`<kind>-latest.md`, `${stamp}.md`) names no one document.
        [...comment.matchAll(/(?<![\w./<>{}$*-])(\w[\w./-]*\.md)\b/g)].map((match) => ({
          file,
          doc: match[1] ?? '',
        })),
      ),
    );
  const found = (doc: string): boolean =>
    docs.some((candidate) => candidate === doc || candidate.endsWith(`/${doc}`));
  expect(cited.filter(({ doc }) => !found(doc)).map(({ file, doc }) => `${file}: ${doc}`)).toEqual([]);
});

/** The text of every comment of a TypeScript source, as its scanner reads them (strings are no comments). */
function commentsOf(source: string): string[] {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, source);
  const comments: string[] = [];
  for (let token = scanner.scan(); token !== ts.SyntaxKind.EndOfFileToken; token = scanner.scan()) {
    if (token === ts.SyntaxKind.SingleLineCommentTrivia || token === ts.SyntaxKind.MultiLineCommentTrivia)
      comments.push(scanner.getTokenText());
  }
  return comments;
}

/** Every markdown file of the repository (outside node_modules), relative to its root. */
function markdownFiles(dir = ''): string[] {
  return readdirSync(path.join(REPO, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory())
      return entry.name === 'node_modules' || entry.name.startsWith('.') ? [] : markdownFiles(relative);
    return entry.name.endsWith('.md') ? [relative] : [];
  });
}

/** Every strongly connected group of more than one file (or a file importing itself), by Tarjan's algorithm. */
function cycles(files: string[]): string[][] {
  const graph = new Map(files.map((file) => [file, importsOf(file)]));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (file: string): void => {
    index.set(file, next);
    low.set(file, next);
    next += 1;
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!graph.has(target)) continue;
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file) ?? 0, low.get(target) ?? 0));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file) ?? 0, index.get(target) ?? 0));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const group: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop();
      if (member === undefined) break;
      onStack.delete(member);
      group.push(member);
    } while (member !== file);
    if (group.length > 1 || (graph.get(file) ?? []).includes(file)) found.push(group.sort());
  };
  for (const file of files) if (!index.has(file)) visit(file);
  return found;
}

/** The names a module declares and exports itself (`export function x`, `export const x`, ...). */
function ownExports(file: string): (string | undefined)[] {
  const text = readFileSync(path.join(REPO, file), 'utf8');
  return [...text.matchAll(/^export\s+(?:async\s+)?(?:function|const|let|class)\s+(\w+)/gm)].map((m) => m[1]);
}

it('gives the worker three workflow types: the bundle entry re-exports the case, the watch and record keeping only', () => {
  const worker = readFileSync(path.join(REPO, 'worker/create-worker.ts'), 'utf8');
  expect(worker).toContain("export const WORKFLOWS_PATH = require.resolve('../workflows/index');");
  const entry = readFileSync(path.join(REPO, 'workflows/index.ts'), 'utf8');
  const statements = entry.split('\n').filter((line) => /^(export|import)\b/.test(line));
  expect(statements).toEqual([
    "export { kycCase } from './kyc-case';",
    "export { approvedUserWatch } from './approved-user-watch';",
    "export { recordKeeping } from './record-keeping';",
  ]);
  // Each workflow's own file exports that workflow alone, so nothing else can become a workflow type.
  expect(ownExports('workflows/kyc-case.ts')).toEqual(['kycCase']);
  expect(ownExports('workflows/approved-user-watch.ts')).toEqual(['approvedUserWatch']);
  expect(ownExports('workflows/record-keeping.ts')).toEqual(['recordKeeping']);
  for (const file of [
    'workflows/kyc-case.ts',
    'workflows/approved-user-watch.ts',
    'workflows/record-keeping.ts',
  ])
    expect(readFileSync(path.join(REPO, file), 'utf8')).not.toMatch(/^export\s*(\{|\*)/m);
});
