import GithubSlugger from 'github-slugger';
import MarkdownIt from 'markdown-it';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * The README is the page a newcomer reads first, so it stays short and complete: at most 12 KiB, both
 * quick-start commands as written, and a link to every page of docs/ (of docs/results/, only the latest
 * bench and chaos pages: the dated ones are reached from those). Every relative link of the README and of
 * the hand-written pages (docs/*.md) reaches a file that exists, and every `#anchor` a heading of its page,
 * named as GitHub names it.
 */
const REPO = path.resolve(__dirname, '../..');
const README = path.join(REPO, 'README.md');
const DOCS = path.join(REPO, 'docs');
const MAX_README_BYTES = 12 * 1024;
const QUICK_START = ['npm ci && npm start', 'npm ci && npm test'];
/** Of docs/results/, the pages the README links (as paths under docs/). */
const LATEST_RESULTS = ['results/bench-latest.md', 'results/chaos-latest.md'];

/** Every `.md` file under `dir`, at any depth, as absolute paths. */
function markdownFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return markdownFilesUnder(full);
    return entry.isFile() && entry.name.endsWith('.md') ? [full] : [];
  });
}

const markdownIt = new MarkdownIt({ html: true });
type Token = ReturnType<InstanceType<typeof MarkdownIt>['parse']>[number];

/** A page's inline tokens (link targets, code spans), and its headings' text as GitHub renders it. */
function parse(markdown: string): { inline: Token[]; headings: string[] } {
  const tokens = markdownIt.parse(markdown, {});
  const inline = tokens.filter((token) => token.type === 'inline').flatMap((token) => token.children ?? []);
  const headings = tokens.flatMap((token, index) =>
    token.type === 'heading_open'
      ? [(tokens[index + 1]?.children ?? []).map((child) => child.content).join('')]
      : [],
  );
  return { inline, headings };
}

/** The link targets of a page: links, images, and reference-style links as markdown-it resolves them. */
function linkTargets(markdown: string): string[] {
  return parse(markdown).inline.flatMap((token) => {
    const target = token.attrGet(token.type === 'image' ? 'src' : 'href');
    return (token.type === 'link_open' || token.type === 'image') && target !== null ? [String(target)] : [];
  });
}

/** The anchors a page offers: one per heading, as GitHub names them (github-slugger), and explicit HTML ids. */
function anchorsOf(markdown: string): Set<string> {
  const slugger = new GithubSlugger();
  const anchors = new Set(parse(markdown).headings.map((heading) => slugger.slug(heading)));
  for (const match of markdown.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(match[1] ?? '');
  return anchors;
}

/**
 * The repository files a page names in code spans (`test/domain/domain.unit.test.ts`): a path whose first
 * folder is one of the repository's and that names a file by its extension.
 */
function namedRepositoryFiles(markdown: string): string[] {
  const topFolders = new Set(
    readdirSync(REPO, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== 'node_modules')
      .map((entry) => entry.name),
  );
  return parse(markdown)
    .inline.filter((token) => token.type === 'code_inline')
    .map((token) => token.content)
    .filter((content) => /^[\w-]+(\/[\w.-]+)+\.(ts|js|mjs|md|json|ya?ml|sql|sh)$/.test(content))
    .filter((content) => topFolders.has(content.split('/')[0] ?? ''));
}

/** Whether a target leaves the repository (a scheme such as https: or mailto:). */
const isExternal = (target: string): boolean => /^[a-z][a-z\d+.-]*:/i.test(target) || target.startsWith('//');

/** The links of `file` that reach no file, or no heading of the page they name. */
function brokenLinks(file: string): string[] {
  const markdown = readFileSync(file, 'utf8');
  return linkTargets(markdown)
    .filter((target) => !isExternal(target))
    .filter((target) => {
      const [pathPart = '', anchor] = target.split('#', 2);
      const resolved =
        pathPart === '' ? file : path.resolve(path.dirname(file), decodeURIComponent(pathPart));
      if (!existsSync(resolved)) return true;
      if (anchor === undefined || anchor === '' || !resolved.endsWith('.md')) return false;
      const page = resolved === file ? markdown : readFileSync(resolved, 'utf8');
      return !anchorsOf(page).has(decodeURIComponent(anchor).toLowerCase());
    });
}

/** The files the README links to, as absolute paths. */
function linkedFromReadme(): Set<string> {
  return new Set(
    linkTargets(readFileSync(README, 'utf8'))
      .filter((target) => !isExternal(target))
      .map((target) => target.split('#', 1)[0] ?? '')
      .filter((pathPart) => pathPart !== '')
      .map((pathPart) => path.resolve(REPO, decodeURIComponent(pathPart))),
  );
}

/** The pages the README must link: all of docs/, but of docs/results/ only the latest pages. */
function pagesTheReadmeMustLink(): string[] {
  const results = path.join(DOCS, 'results');
  return markdownFilesUnder(DOCS).filter(
    (file) => !file.startsWith(results + path.sep) || LATEST_RESULTS.includes(path.relative(DOCS, file)),
  );
}

/** The test files a page names by file name alone in code spans (`kriptomat-totp.unit.test.ts`). */
function namedTestFiles(markdown: string): string[] {
  return parse(markdown)
    .inline.filter((token) => token.type === 'code_inline')
    .map((token) => token.content)
    .filter((content) => /^[\w.-]+\.test\.ts$/.test(content));
}

const relative = (file: string): string => path.relative(REPO, file);

it('keeps README.md within 12 KiB, so it reads in ten minutes', () => {
  expect(statSync(README).size).toBeLessThanOrEqual(MAX_README_BYTES);
});

it.each(QUICK_START)('gives the quick-start command `%s` exactly', (command) => {
  expect(readFileSync(README, 'utf8')).toContain(command);
});

it('links every page of docs/ from the README', () => {
  const linked = linkedFromReadme();
  expect(
    pagesTheReadmeMustLink()
      .filter((file) => !linked.has(file))
      .map(relative),
  ).toEqual([]);
});

const checkedPages = [
  README,
  ...readdirSync(DOCS)
    .filter((name) => name.endsWith('.md'))
    .map((name) => path.join(DOCS, name)),
];

it.each(checkedPages.map(relative))('resolves every relative link and anchor of %s', (page) => {
  expect(brokenLinks(path.join(REPO, page))).toEqual([]);
});

/** Every file under test/, by name: a page may name a test file without its folder. */
const testFileNames = new Set(
  (readdirSync(path.join(REPO, 'test'), { recursive: true }) as string[]).map((file) => path.basename(file)),
);

it.each(checkedPages.map(relative))('names only repository and test files that exist in %s', (page) => {
  const markdown = readFileSync(path.join(REPO, page), 'utf8');
  expect(namedRepositoryFiles(markdown).filter((file) => !existsSync(path.join(REPO, file)))).toEqual([]);
  expect(namedTestFiles(markdown).filter((name) => !testFileNames.has(name))).toEqual([]);
});

describe('the anchors GitHub gives headings', () => {
  it.each([
    ['What `npm start` runs, and what to try', 'what-npm-start-runs-and-what-to-try'],
    ['The codec endpoint (`/codec/encode`, `/codec/decode`)', 'the-codec-endpoint-codecencode-codecdecode'],
    ['Parked cases (`needs_attention`)', 'parked-cases-needs_attention'],
    ['Capacity, 2026-12-03', 'capacity-2026-12-03'],
  ])('names "%s" #%s', (heading, anchor) => {
    expect(anchorsOf(`# ${heading}\n`)).toEqual(new Set([anchor]));
  });

  it('numbers a repeated heading', () => {
    expect(anchorsOf('## Past runs\n\n## Past runs\n')).toEqual(new Set(['past-runs', 'past-runs-1']));
  });

  it('reads no heading or link inside a code block', () => {
    const page = '```sh\n# 0. load the settings\ncurl [x](glossary.md)\n```\n';
    expect(anchorsOf(page)).toEqual(new Set());
    expect(linkTargets(page)).toEqual([]);
  });
});
