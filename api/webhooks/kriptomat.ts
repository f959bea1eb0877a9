import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { contractBreach, readWebhookJson } from '../../vendors/sumsub/webhook';
import { isValidUserId } from '../../domain';
import { recheckIfRunning, recheckWatchIfRunning } from '../../client/kyc-cases';
import { secretMatcher } from '../secret-matcher';

/** The one Kriptomat event of interest: a SumSub review finished at Kriptomat (docs/vendor-apis.md). */
const KRIPTOMAT_WAKING_TYPE = 'applicantReviewed';

/**
 * What became of one Kriptomat delivery. Everything readable or not is acknowledged (202): a delivery is
 * only ever a reason to look, so there is nothing to refuse. `type` is a bounded label, as for SumSub.
 */
export type KriptomatWebhookReceipt =
  | { result: 'recheck_requested'; status: 202; userId: string; type: string }
  | { result: 'unknown_case'; status: 202; userId?: string; type: string }
  | { result: 'ignored'; status: 202; userId?: string; type: string }
  | { result: 'malformed'; status: 202; type: string; reason: string };

/**
 * Kriptomat's `applicantReviewed`-style body. Only `type` and `externalUserId` (Kriptomat's own user id,
 * numeric in its examples) matter; `applicantId` is Kriptomat's applicant, not ours, and the review fields
 * are never read: the case re-reads Kriptomat, and that read decides.
 */
const kriptomatWebhookSchema = z.object({
  type: z.string().min(1),
  externalUserId: z
    .union([z.string(), z.number().int().nonnegative()], { error: 'expected a user id' })
    .transform(String),
});

/** A constant-time check of the webhook's secret path token; without a configured token nothing matches. */
export const webhookTokenMatcher = (token: string | undefined) => secretMatcher(token);

/**
 * Receives one delivery of Kriptomat's webhook (whose URL token the caller has checked): an
 * `applicantReviewed` about a user with an open case wakes that case to re-read Kriptomat now (`recheck`,
 * no input); about an approved user whose case has ended, it wakes the user's watch instead (`watchRecheck`,
 * the reason only). Anything else is acknowledged and ignored. Throws only when Temporal cannot take the signal.
 */
export async function receiveKriptomatWebhook(
  client: Client,
  rawBody: Buffer,
): Promise<KriptomatWebhookReceipt> {
  const read = readWebhookJson(rawBody);
  if (!read.ok) return { result: 'malformed', status: 202, type: read.type, reason: read.error };
  const { json, type } = read;
  const parsed = kriptomatWebhookSchema.safeParse(json);
  if (!parsed.success) {
    return { result: 'malformed', status: 202, type, reason: contractBreach(parsed.error, json) };
  }
  const { externalUserId } = parsed.data;
  const userId = isValidUserId(externalUserId) ? externalUserId : undefined;
  if (parsed.data.type !== KRIPTOMAT_WAKING_TYPE) {
    return { result: 'ignored', status: 202, type, ...(userId && { userId }) };
  }
  if (!userId) return { result: 'unknown_case', status: 202, type };
  const signalled =
    (await recheckIfRunning(client, userId)) ||
    (await recheckWatchIfRunning(client, userId, 'kriptomat_webhook'));
  return signalled
    ? { result: 'recheck_requested', status: 202, userId, type }
    : { result: 'unknown_case', status: 202, userId, type };
}
