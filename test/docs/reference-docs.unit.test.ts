import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CONFIG_VARIABLES } from '../../config/fields';
import { commandPath, commandsOf, kycProgram } from '../../scripts/docs/cli';
import { ROLES } from '../../scripts/docs/configuration';
import { openApiDocument } from '../../scripts/docs/http-api';
import { engineMetrics } from '../../scripts/docs/metrics';
import type { Page } from '../../scripts/docs/pages';
import { PAGES, REPO_ROOT, renderPage } from '../../scripts/docs/pages';

/**
 * The reference pages in docs/reference/ are generated from the code (`npm run docs`): each must be what its
 * generator renders now, and must show what a reader looks it up for.
 */
const onDisk = (page: Page) => readFile(path.join(REPO_ROOT, page.path), 'utf8').catch(() => '');
const pageAt = (file: string) => onDisk(PAGES.find((page) => page.path === file)!);

describe('docs/reference', () => {
  it.each(PAGES.map((page) => [page.path, page] as const))('%s matches the code', async (file, page) => {
    const stale = (await renderPage(page)) !== (await onDisk(page));
    if (stale) throw new Error(`${file} is stale: run \`npm run docs\` and commit the result`);
  });

  it('configuration.md lists every variable with the processes that read it', async () => {
    const text = await pageAt('docs/reference/configuration.md');
    const missing = CONFIG_VARIABLES.filter((name) => {
      const readBy = ROLES.filter(({ shape }) => name in shape).map(({ letter }) => letter);
      return !new RegExp(`^\\| \`${name}\` +\\| ${readBy.join(' ')} +\\|`, 'm').test(text);
    });
    expect(missing).toEqual([]);
  });

  it('http-api.md has a section for every operation of the OpenAPI document', async () => {
    const text = await pageAt('docs/reference/http-api.md');
    const document = await openApiDocument();
    const operations = Object.entries(document.paths).flatMap(([route, methods]) =>
      Object.keys(methods).map((method) => `### \`${method.toUpperCase()} ${route}\``),
    );
    expect(operations.length).toBeGreaterThan(0);
    expect(operations.filter((heading) => !text.includes(heading))).toEqual([]);
  });

  it('cli.md has the help of every command of the program', async () => {
    const text = await pageAt('docs/reference/cli.md');
    const commands = commandsOf(kycProgram()).map(commandPath);
    expect(commands).toContain('kyc start');
    expect(commands.filter((command) => !text.includes(`## \`${command}\``))).toEqual([]);
  });

  it('metrics.md names every metric the engine registers, with its type', async () => {
    const text = await pageAt('docs/reference/metrics.md');
    const { entries } = engineMetrics();
    expect(entries.length).toBeGreaterThan(0);
    const missing = entries.filter(
      ({ name, type }) => !new RegExp(`^\\| \`${name}\`.*\\| ${type} +\\|`, 'm').test(text),
    );
    expect(missing.map(({ name }) => name)).toEqual([]);
  });
});
