import { createHmac } from 'node:crypto';
import { receiveKriptomatWebhook } from '../../api/webhooks/kriptomat';
import { receiveSumsubWebhook } from '../../api/webhooks/sumsub';
import { kycWorkflowId, watchWorkflowId } from '../../domain';
import { watchRequestFrom } from '../../client/kyc-cases';
import { fakeSignalClient } from '../helpers/fake-signal-client';

/**
 * Which vendor webhooks wake an approved user's watch (api/webhooks/): Kriptomat's `applicantReviewed`, and
 * SumSub's KYC review events and personal-data changes, when the user has no running case but a running
 * watch; never a transaction-monitoring event. The running case, when there is one, takes them as before.
 * With a client that records signals; the watch itself is tested in approved-user-watch.unit.test.ts. Also
 * which new cases ask for a watch at all.
 */
const SECRET = 'sumsub-hook-secret-watch-wakeups-1';
const WATCHED = '4242';

function sumsub(type: string, userId = WATCHED) {
  const rawBody = Buffer.from(
    JSON.stringify({
      type,
      applicantId: '63e0c0ffee0123456789abcd',
      externalUserId: userId,
      createdAtMs: '2026-01-01 10:00:00.000',
      reviewStatus: 'completed',
      reviewResult: { reviewAnswer: 'RED' },
    }),
  );
  const digest = createHmac('sha256', SECRET).update(rawBody).digest('hex');
  return { rawBody, digest, alg: 'HMAC_SHA256_HEX' };
}

const kriptomat = (userId = WATCHED) =>
  Buffer.from(JSON.stringify({ type: 'applicantReviewed', externalUserId: Number(userId) }));

it('a Kriptomat webhook about a watched user without a running case wakes the watch, with its reason only', async () => {
  const { client, sent } = fakeSignalClient([watchWorkflowId(WATCHED)]);
  const receipt = await receiveKriptomatWebhook(client, kriptomat());
  expect(receipt).toEqual({
    result: 'recheck_requested',
    status: 202,
    userId: WATCHED,
    type: 'applicantReviewed',
  });
  expect(sent).toEqual([
    { workflowId: watchWorkflowId(WATCHED), signal: 'watchRecheck', args: [{ reason: 'kriptomat_webhook' }] },
  ]);
});

it.each(['applicantReviewed', 'applicantReset', 'applicantPersonalInfoChanged'])(
  'SumSub %s about a watched user without a running case wakes the watch',
  async (type) => {
    const { client, sent } = fakeSignalClient([watchWorkflowId(WATCHED)]);
    const receipt = await receiveSumsubWebhook(client, SECRET, sumsub(type));
    expect(receipt).toEqual({ result: 'signalled', status: 200, userId: WATCHED, type });
    expect(sent).toEqual([
      {
        workflowId: watchWorkflowId(WATCHED),
        signal: 'watchRecheck',
        args: [{ reason: 'sumsub_review_event' }],
      },
    ]);
  },
);

it.each(['applicantKytTxnRejected', 'kytCaseCreated', 'applicantWorkflowCompleted'])(
  'SumSub %s (not about the KYC review) never wakes a watch',
  async (type) => {
    const { client, sent } = fakeSignalClient([watchWorkflowId(WATCHED)]);
    const receipt = await receiveSumsubWebhook(client, SECRET, sumsub(type));
    expect(receipt).toMatchObject({ result: 'ignored', status: 202 });
    expect(sent).toEqual([]);
  },
);

it('the running case takes the events first: the watch is not signalled too', async () => {
  const { client, sent } = fakeSignalClient([kycWorkflowId(WATCHED), watchWorkflowId(WATCHED)]);
  await receiveKriptomatWebhook(client, kriptomat());
  await receiveSumsubWebhook(client, SECRET, sumsub('applicantReviewed'));
  // A personal-data change is not a review: the case never takes it, so it goes to the watch.
  await receiveSumsubWebhook(client, SECRET, sumsub('applicantPersonalInfoChanged'));
  expect(sent.map(({ workflowId, signal }) => `${workflowId} ${signal}`)).toEqual([
    `${kycWorkflowId(WATCHED)} recheck`,
    `${kycWorkflowId(WATCHED)} sumsubEvent`,
    `${watchWorkflowId(WATCHED)} watchRecheck`,
  ]);
});

it('a user with neither a case nor a watch is answered as before', async () => {
  const { client, sent } = fakeSignalClient([]);
  expect(await receiveKriptomatWebhook(client, kriptomat())).toMatchObject({
    result: 'unknown_case',
    status: 202,
  });
  expect(await receiveSumsubWebhook(client, SECRET, sumsub('applicantReviewed'))).toMatchObject({
    result: 'unknown_case',
    status: 202,
  });
  expect(await receiveSumsubWebhook(client, SECRET, sumsub('applicantPersonalInfoChanged'))).toMatchObject({
    result: 'ignored',
    status: 202,
  });
  expect(sent).toEqual([]);
});

it('a new case asks for a watch when its start says so, else when KYC_WATCH_APPROVED is on', () => {
  expect(watchRequestFrom({ KYC_WATCH_APPROVED: false }, true)).toEqual({});
  expect(watchRequestFrom({ KYC_WATCH_APPROVED: true }, false)).toBeUndefined();
  expect(watchRequestFrom({ KYC_WATCH_APPROVED: true })).toEqual({});
  expect(watchRequestFrom({ KYC_WATCH_APPROVED: false })).toBeUndefined();
  expect(watchRequestFrom({})).toBeUndefined();
});
