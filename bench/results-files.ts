import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { prettierFormat } from '../scripts/prettier-format';

/**
 * The dated reports of the bench and the chaos runs: `<kind>-<UTC timestamp>.json` and `.md` side by side,
 * and `<kind>-latest.md`, a copy of the newest page. Runs by hand write them to docs/results/ (committed, so
 * every published figure traces to its run); tests pass a temporary folder.
 */
export const RESULTS_DIR = path.join(__dirname, '..', 'docs', 'results');

/** A run's start as a file name part: `2026-12-03T09-27-50Z` (UTC, to the second, no colons). */
export function resultStamp(startedAt: string): string {
  return new Date(startedAt)
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
}

export interface WrittenResult {
  json: string;
  markdown: string;
  latest: string;
}

/**
 * Writes `<dir>/<kind>-<stamp>.json` and `.md`, and `<kind>-latest.md`: the dated page under a line naming
 * it. Both texts are formatted as Prettier formats them, so committed results pass `npm run lint`.
 */
export async function writeResult(
  dir: string,
  kind: string,
  startedAt: string,
  data: unknown,
  page: string,
): Promise<WrittenResult> {
  const base = `${kind}-${resultStamp(startedAt)}`;
  const files: WrittenResult = {
    json: path.join(dir, `${base}.json`),
    markdown: path.join(dir, `${base}.md`),
    latest: path.join(dir, `${kind}-latest.md`),
  };
  await mkdir(dir, { recursive: true });
  await writeFile(files.json, await prettierFormat(JSON.stringify(data, null, 2), 'json'));
  await writeFile(files.markdown, await prettierFormat(page, 'markdown'));
  const latest =
    `The latest run: [${base}.md](${base}.md) (figures as JSON: [${base}.json](${base}.json)), copied ` +
    `below.\n\n${page}`;
  await writeFile(files.latest, await prettierFormat(latest, 'markdown'));
  return files;
}
