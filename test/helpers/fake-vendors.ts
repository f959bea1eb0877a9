import { ApplicationFailure } from '@temporalio/common';
import type { AuditActivities } from '../../activities/audit';
import { createAuditActivities } from '../../activities/audit';
import type { KycActivities, PartnerEvent, ShareResult } from '../../activities/contract';
import type { ApplicantReview, KriptomatKycSnapshot } from '../../domain';
import { ContractViolationError, VendorUnavailableError, RateLimitedError } from '../../domain';
import { toApplicationFailure } from '../../activities/failures';

type ActivityName = keyof KycActivities;
/**
 * Non-retryably as a broken contract, retryably as an outage, or as a 429 whose `Retry-After` is the fake's
 * `retryAfterMs`.
 */
type Failure = 'contract' | 'outage' | 'rate_limited';
export const FAKE_RETRY_AFTER_MS = 3_000;

/**
 * Typed fake partners for workflow logic tests: each user's Kriptomat status and SumSub review are plain
 * fields a test sets, every call is counted, and a test can make any activity fail (non-retryably, as a
 * broken contract, or retryably, as an outage) until it says otherwise.
 */
export class FakeVendors {
  readonly kyc = new Map<string, KriptomatKycSnapshot>();
  readonly reviews = new Map<string, ApplicantReview>();
  readonly notifications: PartnerEvent[] = [];
  readonly imports = new Map<string, number>();
  readonly calls: { name: ActivityName; userId: string }[] = [];
  private readonly failures = new Map<string, Failure>();
  /** The `Retry-After` a `rate_limited` failure carries: short for real time, any length in virtual time. */
  retryAfterMs = FAKE_RETRY_AFTER_MS;

  /** A user the fake Kriptomat reports as `kycStatus`, with EDD not reported. */
  user(userId: string, kycStatus: KriptomatKycSnapshot['kycStatus']): this {
    this.kyc.set(userId, { kycStatus, eddStatus: 'not_reported' });
    return this;
  }

  /** Sets the applicant's review at the fake SumSub (`applicant-<userId>`). */
  review(userId: string, review: Omit<ApplicantReview, 'applicantId'>): this {
    this.reviews.set(userId, { applicantId: applicantIdOf(userId), ...review });
    return this;
  }

  /** Makes `name` fail for `userId` until `heal` is called. */
  fail(name: ActivityName, userId: string, how: Failure): this {
    this.failures.set(`${name}/${userId}`, how);
    return this;
  }

  heal(name: ActivityName, userId: string): void {
    this.failures.delete(`${name}/${userId}`);
  }

  /** The activity functions a worker registers; the audit trail off, as on a worker without audit keys. */
  activities(): KycActivities & AuditActivities {
    return {
      readKycStatus: settled((userId) => {
        this.enter('readKycStatus', userId);
        return this.snapshot(userId);
      }),
      ensureSumsubApplicant: settled((userId) => {
        this.enter('ensureSumsubApplicant', userId);
        return this.reviews.get(userId) ?? { applicantId: applicantIdOf(userId), ...IN_PROGRESS };
      }),
      readApplicantReview: settled((applicantId) => {
        const userId = applicantId.replace(/^applicant-/, '');
        this.enter('readApplicantReview', userId);
        return this.reviews.get(userId) ?? { applicantId, ...IN_PROGRESS };
      }),
      shareApplicantWithKriptomat: settled(({ userId }): ShareResult => {
        this.enter('shareApplicantWithKriptomat', userId);
        if (this.snapshot(userId).kycStatus !== 'not_started')
          return { result: 'skipped', kyc: this.snapshot(userId) };
        this.imports.set(userId, (this.imports.get(userId) ?? 0) + 1);
        this.user(userId, 'pending');
        return { result: 'imported', kyc: this.snapshot(userId) };
      }),
      notifyPartner: settled((event) => {
        this.enter('notifyPartner', event.userId);
        this.notifications.push(event);
      }),
      ...createAuditActivities(null),
    };
  }

  private enter(name: ActivityName, userId: string): void {
    this.calls.push({ name, userId });
    const failure = this.failures.get(`${name}/${userId}`);
    if (failure === 'contract') {
      throw toApplicationFailure(
        new ContractViolationError(['data.kyc_status: invalid option'], { endpoint: `fake ${name}` }),
      );
    }
    if (failure === 'outage')
      throw toApplicationFailure(new VendorUnavailableError('fake outage', { endpoint: `fake ${name}` }));
    if (failure === 'rate_limited') {
      const context = { endpoint: `fake ${name}`, status: 429 };
      throw toApplicationFailure(new RateLimitedError('fake 429', context, this.retryAfterMs));
    }
  }

  private snapshot(userId: string): KriptomatKycSnapshot {
    const snapshot = this.kyc.get(userId);
    if (!snapshot) throw ApplicationFailure.nonRetryable('no such fake user', 'UserNotFound');
    return snapshot;
  }
}

export const applicantIdOf = (userId: string) => `applicant-${userId}`;

/** A synchronous fake as an activity: returns a promise, and a throw becomes a rejection. */
function settled<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => Promise<R> {
  return (...args) => Promise.resolve().then(() => fn(...args));
}

const IN_PROGRESS = { reviewStatus: 'init', reviewAnswer: null, rejectType: null } as const;
