import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { KycCaseState } from '../../domain';
import { EDD_STATUS, KYC_OUTCOME, KYC_PHASE, KYC_STATUS, kycWorkflowId } from '../../domain';
import { getCaseState, startOrJoinCase } from '../../client/kyc-cases';
import type { StartCaseOptions } from '../../client/kyc-cases';
import { startKriptomatSimulator } from '../../sandbox/kriptomat/server';
import type { RunningKriptomatSimulator } from '../../sandbox/kriptomat/server';
import { createKycWorker } from '../../worker/create-worker';
import { cancelSignal, getStateQuery, recheckSignal, retrySignal } from '../../workflows/messages';
import { historyAsText } from '../helpers/history';
import {
  eventually,
  runInBackground,
  startTestTemporal,
  testWorkflowSource,
  uniqueTaskQueue,
} from '../helpers/temporal';

/**
 * The case workflow on a real dev server, with real activities calling the Kriptomat simulator over HTTP.
 * Waits use short timings passed in per case; defaults are minutes to days.
 */
const TOKEN = 'sandbox-partner-token';
let env: TestWorkflowEnvironment;
let kriptomat: RunningKriptomatSimulator;
let stopWorker: () => Promise<void>;
let options: StartCaseOptions;
let run = 0;

beforeAll(async () => {
  [env, kriptomat] = await Promise.all([
    startTestTemporal(),
    startKriptomatSimulator({ accessToken: TOKEN }),
  ]);
  options = { taskQueue: uniqueTaskQueue('kyc-case') };
  const worker = await createKycWorker(
    env.nativeConnection,
    {
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_NAMESPACE: env.namespace ?? 'default',
      TEMPORAL_TASK_QUEUE: options.taskQueue,
      KRIPTOMAT_BASE_URL: kriptomat.url,
      KRIPTOMAT_TOKEN: TOKEN,
    },
    testWorkflowSource(),
  );
  stopWorker = runInBackground(worker);
});

afterAll(async () => {
  await stopWorker?.();
  await env?.teardown();
  await kriptomat?.close();
});

/** A user id of the given simulator scenario, fresh for every test. */
function userOf(scenario: string): string {
  return `${scenario}-${Date.now()}-${++run}`;
}

const phasesOf = (state: KycCaseState) => state.phases.map((change) => change.phase);

async function phaseReached(userId: string, phase: KycCaseState['phase']): Promise<KycCaseState> {
  return eventually(async () => {
    const state = await getCaseState(env.client, userId);
    return state.phase === phase ? state : undefined;
  });
}

describe('kycCase, checking phase', () => {
  it.each([
    ['passed', 'approved', 'not_reported'],
    ['verified', 'approved', 'not_required'],
    ['edd_required', 'approved', 'required'],
    ['failed', 'rejected', 'not_reported'],
    ['declined', 'rejected', 'not_reported'],
  ] as const)('a %s user ends %s after one read', async (scenario, outcome, eddStatus) => {
    const userId = userOf(scenario);
    const handle = await startOrJoinCase(env.client, userId, options);

    const result = await handle.result();

    expect(result).toMatchObject({ userId, phase: outcome, outcome, eddStatus });
    expect(result.kycStatus).toBe(outcome === 'approved' ? 'passed' : scenario);
    expect(phasesOf(result)).toEqual(['checking', outcome]);
    expect(result.kriptomatChecks).toBe(1);
    expect(await getCaseState(env.client, userId)).toEqual(result);
  });

  it('shows its phase, statuses and outcome as search attributes', async () => {
    const userId = userOf('declined');
    await (await startOrJoinCase(env.client, userId, options)).result();

    const listed = await eventually(async () => {
      for await (const execution of env.client.workflow.list({
        query: `KycOutcome="rejected" AND WorkflowId="${kycWorkflowId(userId)}"`,
      })) {
        return execution;
      }
      return undefined;
    });

    expect(listed.typedSearchAttributes.get(KYC_PHASE)).toBe('rejected');
    expect(listed.typedSearchAttributes.get(KYC_OUTCOME)).toBe('rejected');
    expect(listed.typedSearchAttributes.get(KYC_STATUS)).toBe('declined');
    expect(listed.typedSearchAttributes.get(EDD_STATUS)).toBe('not_reported');
  });

  it('keeps the profile and the partner token out of workflow history', async () => {
    const userId = userOf('passed');
    const handle = await startOrJoinCase(env.client, userId, options);
    await handle.result();
    const profile = kriptomat.users.get(userId);

    const history = historyAsText(await handle.fetchHistory());

    expect(history).toContain('"kycStatus":"passed"'); // payloads are decoded: the check can see them
    for (const secret of [
      profile?.email,
      profile?.surname,
      profile?.phone,
      profile?.date_of_birth,
      profile?.address,
      TOKEN,
    ]) {
      expect(secret).toBeTruthy();
      expect(history).not.toContain(secret);
    }
  });

  it('joins the running case instead of starting a second one', async () => {
    const userId = userOf('pending');
    const first = await startOrJoinCase(env.client, userId, {
      ...options,
      timings: { pollSchedule: ['1h'] },
    });
    const second = await startOrJoinCase(env.client, userId, options);

    expect(first.firstExecutionRunId).toEqual(expect.any(String));
    expect(second.firstExecutionRunId).toBe(first.firstExecutionRunId);
    await first.signal(cancelSignal, { reason: 'test cleanup' });
    expect((await first.result()).outcome).toBe('cancelled');
  });
});

describe('kycCase, waiting for Kriptomat', () => {
  it('polls a pending user on its schedule until Kriptomat passes it', async () => {
    const userId = userOf('pending');
    const handle = await startOrJoinCase(env.client, userId, {
      ...options,
      timings: { pollSchedule: ['200ms'] },
    });
    await eventually(async () => (await handle.query(getStateQuery)).kriptomatChecks >= 3 || undefined);

    kriptomat.users.update(userId, { kyc_status: 'passed' });
    const result = await handle.result();

    expect(result.outcome).toBe('approved');
    expect(phasesOf(result)).toEqual(['checking', 'awaiting_kriptomat', 'approved']);
    expect(result.kriptomatChecks).toBeGreaterThanOrEqual(4);
  });

  it('reads Kriptomat at once on a recheck signal instead of waiting for the next poll', async () => {
    const userId = userOf('pending');
    const handle = await startOrJoinCase(env.client, userId, {
      ...options,
      timings: { pollSchedule: ['1h'] },
    });
    const waiting = await phaseReached(userId, 'awaiting_kriptomat');
    expect(waiting.nextCheckAt).not.toBeNull();

    kriptomat.users.update(userId, { kyc_status: 'declined' });
    await handle.signal(recheckSignal);

    expect(await handle.result()).toMatchObject({
      outcome: 'rejected',
      kycStatus: 'declined',
      kriptomatChecks: 2,
    });
  });

  it('expires when Kriptomat does not decide before the deadline', async () => {
    const userId = userOf('pending');
    const handle = await startOrJoinCase(env.client, userId, {
      ...options,
      timings: { pollSchedule: ['300ms'], decisionDeadline: '1s' },
    });

    const result = await handle.result();

    expect(result).toMatchObject({ phase: 'expired', outcome: 'expired', kycStatus: 'pending' });
    expect(phasesOf(result)).toEqual(['checking', 'awaiting_kriptomat', 'expired']);
    // The server fires timers at about one-second granularity, so a 1 s deadline leaves room for one poll.
    expect(result.kriptomatChecks).toBeGreaterThanOrEqual(2);
  });
});

describe('kycCase, needs_attention', () => {
  it('parks a case whose Kriptomat answer breaks the contract, and completes it after a retry', async () => {
    const userId = userOf('malformed');
    const handle = await startOrJoinCase(env.client, userId, options);

    const parked = await phaseReached(userId, 'needs_attention');
    expect(parked.lastError).toMatchObject({ type: 'ContractViolation', step: 'checking' });
    expect(parked.lastError?.message).toContain('data.kyc_status');

    kriptomat.users.update(userId, { kyc_status: 'passed' });
    await handle.signal(retrySignal);
    const result = await handle.result();

    expect(result.outcome).toBe('approved');
    expect(result.lastError).toBeNull();
    expect(phasesOf(result)).toEqual(['checking', 'needs_attention', 'checking', 'approved']);
  });

  it('parks an unknown user and ends it on cancel, with the reason', async () => {
    const userId = userOf('unknown');
    const handle = await startOrJoinCase(env.client, userId, options);

    const parked = await phaseReached(userId, 'needs_attention');
    expect(parked.lastError).toMatchObject({ type: 'UserNotFound' });
    expect(parked.lastError?.message).toContain('HTTP 404');

    await handle.signal(cancelSignal, { reason: 'user closed the signup' });
    expect(await handle.result()).toMatchObject({
      outcome: 'cancelled',
      cancelReason: 'user closed the signup',
    });
  });
});
