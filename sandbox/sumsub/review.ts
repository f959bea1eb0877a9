import { z } from 'zod';

/** The `reviewStatus` values docs/vendor-apis.md lists for an applicant's KYC review. */
export const REVIEW_STATUSES = ['init', 'pending', 'prechecked', 'queued', 'completed', 'onHold'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

/**
 * A completed review's result as SumSub documents it. `reviewRejectType` is optional here on purpose: SumSub
 * can complete a review RED without one (not final), and the simulator must be able to say so.
 */
export const reviewResultSchema = z.object({
  reviewAnswer: z.enum(['GREEN', 'RED']),
  rejectLabels: z.array(z.string()).optional(),
  reviewRejectType: z.enum(['FINAL', 'RETRY']).optional(),
});
export type ReviewResult = z.infer<typeof reviewResultSchema>;
