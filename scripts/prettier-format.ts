import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as babelPlugin from 'prettier/plugins/babel';
import * as estreePlugin from 'prettier/plugins/estree';
import * as markdownPlugin from 'prettier/plugins/markdown';
import { format } from 'prettier/standalone';
import { z } from 'zod';

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
 * Text as `prettier --check .` wants it, for the files the tools write into the tree (reference pages, dated
 * results). Prettier's standalone build with the repository's own settings: the main entry loads its plugins
 * by a dynamic import, which fails under Jest, where the staleness test and the smoke runs write too.
 */
export async function prettierFormat(text: string, parser: 'json' | 'markdown'): Promise<string> {
  config ??= PrettierConfigSchema.parse(
    JSON.parse(readFileSync(path.join(__dirname, '..', '.prettierrc.json'), 'utf8')),
  );
  return format(text, { ...config, parser, plugins: [babelPlugin, estreePlugin, markdownPlugin] });
}
