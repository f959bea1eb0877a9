import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { KYC_OUTCOME, KYC_PHASE, kycWorkflowId } from '../../domain';
import { firstListed } from '../helpers/cases';
import type { FakeCaseEnv } from '../helpers/fake-case-env';
import { startFakeCaseEnv } from '../helpers/fake-case-env';
import { eventually } from '../helpers/temporal';
import { requiredTestEnv, TEST_ENV } from '../helpers/test-env';

const execFileAsync = promisify(execFile);

/**
 * Cases as operations find them: listed by their search attributes, through the SDK and the Temporal CLI. The
 * time-skipping server keeps no visibility store, so these run on a dev server; the case logic itself is in
 * case-onboarding.unit.test.ts.
 */
let t: FakeCaseEnv;
beforeAll(async () => {
  t = await startFakeCaseEnv('case-visibility');
});
afterAll(async () => t?.stop());

describe('a not_started user', () => {
  it('is listed by its phase while it waits for the user', async () => {
    const userId = t.userOf('onboard');
    t.partners.user(userId, 'not_started');
    const handle = await t.start(userId);
    await t.until(handle, (state) => state.phase === 'awaiting_user');

    const listed = await firstListed(
      t.env.client,
      `KycPhase="awaiting_user" AND WorkflowId="${kycWorkflowId(userId)}"`,
    );
    expect(listed.typedSearchAttributes.get(KYC_PHASE)).toBe('awaiting_user');
    await handle.terminate('test done');
  });
});

describe('operations from the Temporal CLI', () => {
  it('lists the cases waiting for their users by phase', async () => {
    const userId = t.userOf('cli-listed');
    t.partners.user(userId, 'not_started');
    const handle = await t.start(userId);
    await t.until(handle, (state) => state.phase === 'awaiting_user');

    const listed = await eventually(async () => {
      const { stdout } = await execFileAsync(requiredTestEnv(TEST_ENV.temporalCli), [
        'workflow',
        'list',
        '--address',
        t.env.address,
        '--query',
        'KycPhase="awaiting_user"',
        '--output',
        'json',
      ]);
      return stdout.includes(kycWorkflowId(userId)) ? stdout : undefined;
    });

    expect(listed).toContain(kycWorkflowId(userId));
    await handle.terminate('test done');
  });
});

describe('the search attributes of a finished case', () => {
  it('show its final phase and outcome', async () => {
    const userId = t.userOf('listed');
    t.partners.user(userId, 'failed');
    await (await t.start(userId)).result();

    const listed = await firstListed(
      t.env.client,
      `KycOutcome="rejected" AND WorkflowId="${kycWorkflowId(userId)}"`,
    );
    expect(listed.typedSearchAttributes.get(KYC_OUTCOME)).toBe('rejected');
    expect(listed.typedSearchAttributes.get(KYC_PHASE)).toBe('rejected');
  });
});
