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

/** The page without its fenced code blocks, whose text is neither links nor headings. */
function withoutCodeBlocks(markdown: string): string {
  return markdown.replace(/^ {0,3}(`{3,}|~{3,})[^\n]*\n[\s\S]*?^ {0,3}\1[`~]*[ \t]*$/gm, '');
}

/** The link targets of a page: inline links and images, and reference definitions; code is no link. */
function linkTargets(markdown: string): string[] {
  // An inline code span opens and closes with the same run of backticks (`` a ` b `` included).
  const prose = withoutCodeBlocks(markdown).replace(/(`+)[\s\S]*?\1/g, '');
  const inline = [...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map(
    (match) => match[1] ?? '',
  );
  const definitions = [...prose.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map(
    (match) => match[1] ?? '',
  );
  return [...inline, ...definitions];
}

/** GitHub's anchor for a heading's text: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors a page offers: one per heading (repeats numbered as GitHub does) and explicit HTML ids. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const match of withoutCodeBlocks(markdown).matchAll(
    /^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/gm,
  )) {
    const base = slug(match[1] ?? '');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  for (const match of markdown.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(match[1] ?? '');
  return anchors;
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
