import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as babelPlugin from 'prettier/plugins/babel';
import * as estreePlugin from 'prettier/plugins/estree';
import * as markdownPlugin from 'prettier/plugins/markdown';
import { format } from 'prettier/standalone';
import { z } from 'zod';

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

/** The options of the repository's .prettierrc.json that matter to JSON and markdown. */
const PrettierConfigSchema = z.object({
  printWidth: z.number().int().positive().optional(),
  tabWidth: z.number().int().positive().optional(),
  useTabs: z.boolean().optional(),
  proseWrap: z.enum(['always', 'never', 'preserve']).optional(),
  endOfLine: z.enum(['lf', 'crlf', 'cr', 'auto']).optional(),
});

let config: z.infer<typeof PrettierConfigSchema> | undefined;

/**
 * Prettier's standalone build, with the repository's own settings: the main entry loads its plugins by a
 * dynamic import, which fails under Jest (the smoke tests write reports too).
 */
export async function prettierFormat(text: string, parser: 'json' | 'markdown'): Promise<string> {
  config ??= PrettierConfigSchema.parse(
    JSON.parse(readFileSync(path.join(__dirname, '..', '.prettierrc.json'), 'utf8')),
  );
  return format(text, { ...config, parser, plugins: [babelPlugin, estreePlugin, markdownPlugin] });
}

/** A markdown table; `|` in a cell is escaped, line breaks become spaces. */
export function markdownTable(
  head: readonly string[],
  rows: readonly (readonly (string | number)[])[],
): string {
  const cell = (value: string | number) =>
    String(value)
      .replace(/\|/g, '\\|')
      .replace(/\s*\n\s*/g, ' ');
  const line = (cells: readonly (string | number)[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}
