/**
 * The alert rules shipped in deploy/prometheus/alerts.yml are valid Prometheus rules (`promtool check rules`)
 * and fire on series shaped as the engine exports them (`promtool test rules`, alerts.rules-test.yml).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { resolvePromtool } from '../../cluster/promtool';

const execFileAsync = promisify(execFile);
const REPO_ROOT = path.resolve(__dirname, '..', '..');

describe('the Prometheus alert rules', () => {
  let promtool: string;

  beforeAll(async () => {
    // Found, or taken once from Debian's prometheus package (seconds).
    promtool = await resolvePromtool({ log: () => undefined });
  }, 300_000);

  it('pass promtool check rules', async () => {
    const { stdout } = await execFileAsync(promtool, ['check', 'rules', 'deploy/prometheus/alerts.yml'], {
      cwd: REPO_ROOT,
    });
    expect(stdout).toContain('SUCCESS');
  });

  it('fire on the engine series and stay quiet when all is well (promtool test rules)', async () => {
    const { stdout } = await execFileAsync(
      promtool,
      ['test', 'rules', 'test/cluster/alerts.rules-test.yml'],
      {
        cwd: REPO_ROOT,
      },
    );
    expect(stdout).toContain('SUCCESS');
  });
});
