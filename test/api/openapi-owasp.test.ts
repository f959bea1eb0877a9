import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { appWithoutTemporal } from './api-harness';

/**
 * The API's OpenAPI document passes Spectral's OWASP API Security ruleset (`.spectral.yaml`, whose overrides
 * say where a rule does not apply and why): no finding at severity error or warning. Offline: the ruleset is
 * an installed package, and the app is built without Temporal.
 */
const REPO_ROOT = resolve(__dirname, '../..');
const SPECTRAL = join(REPO_ROOT, 'node_modules/.bin/spectral');

interface Finding {
  code: string;
  severity: number;
  path: string[];
  message: string;
}

/** Spectral's severities: 0 error, 1 warning, 2 information, 3 hint. */
const WARNING = 1;

async function openApiDocument(): Promise<string> {
  // Building the document never calls Temporal.
  const { app, close } = appWithoutTemporal();
  try {
    const response = await app.request('/openapi.json');
    expect(response.status).toBe(200);
    return await response.text();
  } finally {
    await close();
  }
}

/** Spectral's findings on `file` with the repository's ruleset (it finds `.spectral.yaml` in its cwd). */
async function lint(file: string): Promise<Finding[]> {
  const args = ['lint', file, '-f', 'json', '--quiet'];
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)(SPECTRAL, args, { cwd: REPO_ROOT, timeout: 30_000 }));
  } catch (error) {
    // Spectral exits 1 when it finds errors; its report is still on stdout.
    const output = (error as { stdout?: string }).stdout;
    if (!output) throw error;
    stdout = output;
  }
  return JSON.parse(stdout) as Finding[];
}

describe('the OpenAPI document', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'openapi-owasp-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("passes Spectral's OWASP ruleset: no errors, no warnings", async () => {
    const file = join(dir, 'openapi.json');
    await writeFile(file, await openApiDocument());
    const findings = await lint(file);
    const serious = findings
      .filter((finding) => finding.severity <= WARNING)
      .map(({ code, severity, path, message }) => `${code} (${severity}) at ${path.join('.')}: ${message}`);
    expect(serious).toEqual([]);
  });
});
