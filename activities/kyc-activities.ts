import type { ApplicantReview } from '../domain';
import type { KycActivities, ShareResult } from './contract';
import type { KriptomatClient } from '../vendors/kriptomat/client';
import { importWithFreshTokens } from '../vendors/kriptomat/import-attempts';
import type { ImportAttemptOptions } from '../vendors/kriptomat/import-attempts';
import type { SumsubClient } from '../vendors/sumsub/client';
import type { SumsubSettings } from '../vendors/clients';
import { applicantFromProfile } from '../vendors/sumsub/fixed-info';
import { toApplicantReview } from '../vendors/sumsub/schemas';

export type { SumsubSettings };

export type KriptomatPort = Pick<KriptomatClient, 'readKycStatus' | 'getUser' | 'importKyc'>;
export type SumsubPort = Pick<SumsubClient, 'ensureApplicant' | 'getReview' | 'createShareToken'>;

/**
 * The partner-facing activities, as plain functions over the clients (the failure mapping is applied by
 * `createActivities`). Each is idempotent: running it again after a crash at any point converges on the same
 * applicant and never imports twice.
 */
export function vendorActivities(
  kriptomat: KriptomatPort,
  sumsub: SumsubPort,
  settings: SumsubSettings,
  importOptions: ImportAttemptOptions = {},
): Omit<KycActivities, 'notifyPartner'> {
  return {
    readKycStatus: (userId) => kriptomat.readKycStatus(userId),

    async ensureSumsubApplicant(userId): Promise<ApplicantReview> {
      // The profile is read here, inside the activity, so personal data never enters workflow history.
      const user = await kriptomat.getUser(userId);
      const applicant = await sumsub.ensureApplicant(settings.levelName, applicantFromProfile(userId, user));
      // Creation answers with the review inline; a found applicant may not carry one.
      return applicant.review
        ? toApplicantReview(applicant.id, applicant.review)
        : sumsub.getReview(applicant.id);
    },

    readApplicantReview: (applicantId) => sumsub.getReview(applicantId),

    shareApplicantWithKriptomat: ({ userId, applicantId }): Promise<ShareResult> =>
      importWithFreshTokens(
        {
          readKycStatus: () => kriptomat.readKycStatus(userId),
          // Share tokens are single-use and short-lived: a fresh one for every attempt.
          mintShareToken: async () =>
            (
              await sumsub.createShareToken(
                applicantId,
                settings.kriptomatClientId,
                settings.shareTokenTtlSecs,
              )
            ).token,
          importKyc: (token) => kriptomat.importKyc(userId, token),
        },
        importOptions,
      ),
  };
}
