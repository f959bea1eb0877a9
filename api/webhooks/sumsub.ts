import type { Client } from '@temporalio/client';
import { parseSumsubWebhook, verifyWebhookDigest } from '../../vendors/sumsub/webhook';
import type { SumsubReviewWebhook } from '../../vendors/sumsub/webhook';
import type { SumsubEvent } from '../../domain';
import { isValidUserId, wakesWatch } from '../../domain';
import { recheckWatchIfRunning, sendSumsubEventIfRunning } from '../../client/kyc-cases';
import type { RecentDeliveries } from './recent-deliveries';

/**
 * What became of one webhook delivery, and the HTTP status SumSub should get for it. `type` is always a
 * bounded label (a documented type name, `kytCase*` or `other`), safe for logs and metric labels. Every
 * correctly signed body is answered 2xx, or SumSub redelivers it for a day and emails the client. `signalled`
 * means the user's running case, or else the user's running watch, took the event.
 */
export type WebhookReceipt =
  | { result: 'signalled'; status: 200; userId: string; type: string }
  /** These bytes were taken already by this process: answered, so SumSub stops, but not signalled again. */
  | { result: 'duplicate'; status: 200; userId: string; type: string }
  /**
   * The user has neither a running case nor a running watch. `userId` is left out when it cannot be one of
   * ours: such an id may be anything, even an email.
   */
  | { result: 'unknown_case'; status: 202; userId?: string; type: string }
  /** Not a KYC review event (KYT, AML, workflow, action, travel rule, personal info, ...): never moves a case. */
  | { result: 'ignored'; status: 202; userId?: string; type: string }
  /** Signed but unreadable: acknowledged all the same; `reason` names fields, never values. */
  | { result: 'malformed'; status: 202; type: string; reason: string }
  | { result: 'bad_signature'; status: 401; reason: string }
  /** Temporal could not take the signal: SumSub redelivers later. Made by the receiver, not by this module. */
  | { result: 'unavailable'; status: 503; reason: string };

export interface SumsubWebhookRequest {
  rawBody: Buffer;
  digest: string | null | undefined;
  alg: string | null | undefined;
}

/**
 * Receives one SumSub webhook (docs/vendor-apis.md, "SumSub webhooks"): verifies the digest over the raw
 * bytes first, then routes by `type`. Only the applicant's KYC review events wake the user's case, and only
 * as a hint: the signal carries no verdict, the case reads the review from SumSub. Every other type is
 * acknowledged and ignored; so is a body that does not parse. A case that does not exist (a user onboarded
 * elsewhere, or a finished case) is acknowledged too. An exact replay of a body this process took (`recent`)
 * is answered without a second signal; one that reaches another replica only wakes the case again.
 *
 * When the user has no running case but a watch (approved earlier), a review event, or a change of the
 * applicant's personal data, wakes the watch to re-read Kriptomat (`watchRecheck`, the reason only).
 * Transaction-monitoring and the other events never do (domain/watch.ts `wakesWatch`).
 */
export async function receiveSumsubWebhook(
  client: Client,
  secret: string,
  request: SumsubWebhookRequest,
  recent?: RecentDeliveries,
): Promise<WebhookReceipt> {
  if (!verifyWebhookDigest(request.rawBody, { digest: request.digest, alg: request.alg }, secret)) {
    return { result: 'bad_signature', status: 401, reason: 'x-payload-digest does not match the body' };
  }
  const parsed = parseSumsubWebhook(request.rawBody);
  if (parsed.kind === 'malformed') {
    return { result: 'malformed', status: 202, type: parsed.type, reason: parsed.error };
  }
  if (parsed.kind === 'other') {
    const userId = ownUserId(parsed.externalUserId);
    const ignored = { result: 'ignored', status: 202, type: parsed.type, ...(userId && { userId }) } as const;
    if (!userId || !wakesWatch(parsed.type)) return ignored;
    // Only a watch takes such an event: the case's own wait is for the review, which this is not.
    const woken = await signalOnce(request.rawBody, recent, () =>
      recheckWatchIfRunning(client, userId, 'sumsub_review_event'),
    );
    if (woken === 'duplicate') return { result: 'duplicate', status: 200, userId, type: parsed.type };
    return woken ? { result: 'signalled', status: 200, userId, type: parsed.type } : ignored;
  }
  const { webhook } = parsed;
  const { type } = webhook;
  const userId = ownUserId(webhook.externalUserId);
  if (!userId) return { result: 'unknown_case', status: 202, type };
  const signalled = await signalOnce(
    request.rawBody,
    recent,
    async () =>
      (await sendSumsubEventIfRunning(client, userId, toSumsubEvent(webhook))) ||
      (await recheckWatchIfRunning(client, userId, 'sumsub_review_event')),
  );
  if (signalled === 'duplicate') return { result: 'duplicate', status: 200, userId, type };
  if (!signalled) return { result: 'unknown_case', status: 202, userId, type };
  return { result: 'signalled', status: 200, userId, type };
}

/**
 * Sends a signal for a delivery unless this process took the same bytes already (`duplicate`). A delivery that
 * reached no workflow is released, so its redelivery gets another look (the case may have started since).
 */
async function signalOnce(
  rawBody: Buffer,
  recent: RecentDeliveries | undefined,
  signal: () => Promise<boolean>,
): Promise<boolean | 'duplicate'> {
  const delivery = recent?.claim(rawBody);
  if (delivery && !delivery.claimed) return 'duplicate';
  let signalled: boolean;
  try {
    signalled = await signal();
  } catch (error) {
    delivery?.release();
    throw error;
  }
  if (signalled) delivery?.taken();
  else delivery?.release();
  return signalled;
}

/** The external user id when it can name one of our cases; anything else may be anything, even an email. */
function ownUserId(externalUserId: string | undefined): string | undefined {
  return externalUserId !== undefined && isValidUserId(externalUserId) ? externalUserId : undefined;
}

/** The hint the case gets: which event, which applicant, when. */
function toSumsubEvent({ type, applicantId, createdAt }: SumsubReviewWebhook): SumsubEvent {
  return { type, applicantId, createdAt };
}
