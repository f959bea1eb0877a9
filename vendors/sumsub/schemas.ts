import { z } from 'zod';
import { countedReview, REJECT_TYPES, REVIEW_ANSWERS, REVIEW_STATUSES } from '../../domain';
import type { ApplicantReview, ReviewStatus } from '../../domain';

/** Personal data SumSub may be given at creation; all of it optional, none of it ever logged. */
export interface FixedInfo {
  firstName?: string;
  lastName?: string;
  /** `YYYY-MM-DD`. */
  dob?: string;
  /** ISO 3166-1 alpha-3, e.g. `DEU`. */
  country?: string;
  addresses?: {
    street?: string;
    buildingNumber?: string;
    town?: string;
    postCode?: string;
    country?: string;
  }[];
}

/** The body of `POST /resources/applicants`. */
export interface NewApplicant {
  externalUserId: string;
  email?: string;
  phone?: string;
  fixedInfo?: FixedInfo;
}

/**
 * `reviewResult` as documented. Moderator and client comments are dropped: they are free text about the
 * person and the engine decides on the answer and reject type alone.
 */
export const reviewResultSchema = z.object({
  reviewAnswer: z.enum(REVIEW_ANSWERS),
  rejectLabels: z.array(z.string()).optional(),
  reviewRejectType: z.enum(REJECT_TYPES).optional(),
});
export type ReviewResult = z.infer<typeof reviewResultSchema>;

/**
 * A completed review must say GREEN or RED: without an answer the case cannot read it, so the body breaks the
 * contract rather than defaulting to either outcome. A RED without `reviewRejectType` is not a contract error:
 * it is read with `rejectType: null`, which the case treats as not final and keeps waiting on
 * (docs/vendor-apis.md, "SumSub review status").
 */
function requireDecisiveResult(
  review: { reviewStatus?: ReviewStatus; reviewResult?: ReviewResult },
  ctx: z.RefinementCtx,
): void {
  if (review.reviewStatus === 'completed' && !review.reviewResult) {
    ctx.addIssue({
      code: 'custom',
      path: ['reviewResult'],
      message: 'required when reviewStatus is completed',
    });
  }
}

/** `GET /resources/applicants/{applicantId}/status`, as documented. */
export const applicantStatusSchema = z
  .object({
    reviewId: z.string(),
    attemptId: z.string(),
    attemptCnt: z.number().int(),
    levelName: z.string(),
    createDate: z.string(),
    reviewDate: z.string().optional(),
    reviewStatus: z.enum(REVIEW_STATUSES),
    reviewResult: reviewResultSchema.optional(),
  })
  .superRefine(requireDecisiveResult);

/**
 * An applicant as the engine needs it. Unknown fields (the profile SumSub recognised, documents, ...) are
 * stripped on parse, so personal data does not travel further than the HTTP response.
 */
export const applicantSchema = z.object({
  id: z.string().min(1),
  externalUserId: z.string().min(1),
  levelName: z.string().optional(),
  inspectionId: z.string().optional(),
  createdAt: z.string().optional(),
  review: z
    .object({ reviewStatus: z.enum(REVIEW_STATUSES), reviewResult: reviewResultSchema.optional() })
    .optional(),
});
export type SumsubApplicant = z.infer<typeof applicantSchema>;

/** `{token: "_act-…", userId}` of both WebSDK access-token variants. */
export const accessTokenSchema = z.object({ token: z.string().min(1), userId: z.string().min(1) });
export type WebSdkAccessToken = z.infer<typeof accessTokenSchema>;

/** `{token, forClientId}` of both share-token variants. */
export const shareTokenSchema = z.object({ token: z.string().min(1), forClientId: z.string().min(1) });
export type ShareToken = z.infer<typeof shareTokenSchema>;

/** `{"ok":1}` of the sandbox `testCompleted` call. */
export const testCompletedSchema = z.object({ ok: z.literal(1) });

/** The review the case acts on, from SumSub's `reviewStatus` and `reviewResult`. */
export function toApplicantReview(
  applicantId: string,
  review: { reviewStatus: ReviewStatus; reviewResult?: ReviewResult },
): ApplicantReview {
  const { reviewAnswer, reviewRejectType } = review.reviewResult ?? {};
  return countedReview(applicantId, review.reviewStatus, reviewAnswer, reviewRejectType);
}
