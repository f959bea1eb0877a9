import type { Client } from '@temporalio/client';
import { parseSumsubWebhook, verifyWebhookDigest } from '../activities/sumsub/webhook';
import type { SumsubWebhook } from '../activities/sumsub/webhook';
import { toApplicantReview } from '../activities/sumsub/schemas';
import type { SumsubEvent } from '../domain';
import { USER_ID_PATTERN } from '../domain';
import { sumsubEventSignal } from '../workflows/messages';
import { signalCaseIfRunning } from './kyc-cases';
import type { RecentDeliveries } from './recent-deliveries';

/** What became of one webhook delivery, and the HTTP status SumSub should get for it. */
export type WebhookReceipt =
  | { result: 'signalled'; status: 200; userId: string; type: string }
  /** These bytes were taken already by this process: answered, so SumSub stops, but not signalled again. */
  | { result: 'duplicate'; status: 200; userId: string; type: string }
  /** `userId` is left out when it cannot be one of ours: such an id may be anything, even an email. */
  | { result: 'unknown_case'; status: 202; userId?: string; type: string }
  | { result: 'bad_signature'; status: 401; reason: string }
  | { result: 'malformed'; status: 400; reason: string }
  /** Temporal could not take the signal: SumSub redelivers later. Made by the receiver, not by this module. */
  | { result: 'unavailable'; status: 503; reason: string };

export interface SumsubWebhookRequest {
  rawBody: Buffer;
  digest: string | null | undefined;
  alg: string | null | undefined;
}

/**
 * Receives one SumSub webhook: verifies the digest over the raw bytes, parses the documented body, and
 * signals the user's case. Nothing is signalled unless the digest matches. A case that does not exist (a
 * user onboarded elsewhere, or a finished case) is accepted and ignored, so SumSub stops redelivering.
 * An exact replay of a body this process took (`recent`) is answered without a second signal; one that
 * reaches another replica is signalled and dropped by the workflow, which orders events by `createdAtMs`.
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
  if (!parsed.ok) return { result: 'malformed', status: 400, reason: parsed.error };
  const { webhook } = parsed;
  const userId = webhook.externalUserId;
  if (!USER_ID_PATTERN.test(userId)) return { result: 'unknown_case', status: 202, type: webhook.type };
  const delivery = recent?.claim(request.rawBody);
  if (delivery && !delivery.claimed) return { result: 'duplicate', status: 200, userId, type: webhook.type };
  let signalled: boolean;
  try {
    signalled = await signalCaseIfRunning(client, userId, sumsubEventSignal, toSumsubEvent(webhook));
  } catch (error) {
    delivery?.release();
    throw error;
  }
  if (!signalled) {
    // Nothing was signalled: a redelivery deserves another look (the case may have started since).
    delivery?.release();
    return { result: 'unknown_case', status: 202, userId, type: webhook.type };
  }
  delivery?.taken();
  return { result: 'signalled', status: 200, userId, type: webhook.type };
}

/** The review fields of a webhook, with `createdAtMs` (`yyyy-MM-dd HH:mm:ss.fff`, UTC) as an ISO timestamp. */
function toSumsubEvent(webhook: SumsubWebhook): SumsubEvent {
  const { applicantId, reviewStatus, reviewResult } = webhook;
  // The same reading of a review as a status call's: an answer counts only once the review is completed.
  const review = reviewStatus ? toApplicantReview(applicantId, { reviewStatus, reviewResult }) : null;
  return {
    type: webhook.type,
    applicantId,
    reviewStatus: review?.reviewStatus ?? null,
    reviewAnswer: review?.reviewAnswer ?? null,
    rejectType: review?.rejectType ?? null,
    createdAt: `${webhook.createdAtMs.replace(' ', 'T')}Z`,
  };
}
