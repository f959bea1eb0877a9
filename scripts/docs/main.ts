import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PAGES, REPO_ROOT, renderPage } from './pages';

/**
 * `npm run docs` writes every generated reference page (docs/reference/) and names those that changed;
 * `npm run docs -- --check` writes nothing and exits 1 naming each page that differs from its code.
 */
async function main(argv: readonly string[]): Promise<number> {
  const check = argv.includes('--check');
  const stale: string[] = [];
  for (const page of PAGES) {
    const file = path.join(REPO_ROOT, page.path);
    const text = await renderPage(page);
    const current = await readFile(file, 'utf8').catch(() => undefined);
    if (current === text) continue;
    stale.push(page.path);
    if (check) continue;
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text);
  }
  if (check) {
    for (const page of stale) console.error(`${page} is stale: run npm run docs`);
    return stale.length > 0 ? 1 : 0;
  }
  for (const page of stale) console.log(`wrote ${page}`);
  if (stale.length === 0) console.log('every reference page is up to date');
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
