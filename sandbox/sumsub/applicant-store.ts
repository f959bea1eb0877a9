import { randomBytes } from 'node:crypto';
import type { ReviewResult, ReviewStatus } from './review';

/** An applicant's review, shaped like the documented `/status` body. */
export interface SimulatedReview {
  reviewId: string;
  attemptId: string;
  attemptCnt: number;
  levelName: string;
  createDate: string;
  reviewDate?: string;
  reviewStatus: ReviewStatus;
  reviewResult?: ReviewResult;
}

/**
 * An applicant as the simulator keeps it. The personal data a create call sends is not kept at all: only the
 * names of the fields that were given (`email`, `fixedInfo.firstName`, ...), so tests can see what was sent.
 */
export interface SimulatedApplicant {
  id: string;
  externalUserId: string;
  levelName: string;
  inspectionId: string;
  createdAt: string;
  providedFields: string[];
  review: SimulatedReview;
}

/** Read access to the simulator's applicants, for tests; every answer is a copy. */
export interface SimulatedApplicants {
  get(applicantId: string): SimulatedApplicant | undefined;
  findByExternalUserId(externalUserId: string): SimulatedApplicant | undefined;
  list(): SimulatedApplicant[];
}

/** The simulator's applicants, one per external user id, as SumSub enforces. */
export class ApplicantStore implements SimulatedApplicants {
  private readonly byId = new Map<string, SimulatedApplicant>();
  private readonly idByExternalUserId = new Map<string, string>();

  constructor(private readonly now: () => number) {}

  /** Creates an applicant, or returns the existing one of this external user id as `existing`. */
  create(
    externalUserId: string,
    levelName: string,
    providedFields: string[],
  ): { created: SimulatedApplicant } | { existing: SimulatedApplicant } {
    const existing = this.findByExternalUserId(externalUserId);
    if (existing) return { existing };
    const now = this.now();
    const applicant: SimulatedApplicant = {
      id: randomBytes(12).toString('hex'),
      externalUserId,
      levelName,
      inspectionId: randomBytes(12).toString('hex'),
      createdAt: sumsubDate(now),
      providedFields,
      review: {
        reviewId: shortId(),
        attemptId: shortId(),
        attemptCnt: 0,
        levelName,
        createDate: `${sumsubDate(now)}+0000`,
        reviewStatus: 'init',
      },
    };
    this.byId.set(applicant.id, applicant);
    this.idByExternalUserId.set(externalUserId, applicant.id);
    return { created: structuredClone(applicant) };
  }

  get(applicantId: string): SimulatedApplicant | undefined {
    const applicant = this.byId.get(applicantId);
    return applicant && structuredClone(applicant);
  }

  findByExternalUserId(externalUserId: string): SimulatedApplicant | undefined {
    const id = this.idByExternalUserId.get(externalUserId);
    return id === undefined ? undefined : this.get(id);
  }

  list(): SimulatedApplicant[] {
    return [...this.byId.values()].map((applicant) => structuredClone(applicant));
  }

  /** The user (re)submits documents: a new attempt goes `pending` and any earlier result is cleared. */
  submit(applicantId: string): SimulatedApplicant | undefined {
    return this.changeReview(applicantId, (review) => ({
      ...review,
      attemptId: shortId(),
      attemptCnt: review.attemptCnt + 1,
      reviewStatus: 'pending',
      reviewResult: undefined,
      reviewDate: undefined,
    }));
  }

  /** A review is decided. */
  complete(applicantId: string, result: ReviewResult): SimulatedApplicant | undefined {
    return this.changeReview(applicantId, (review) => ({
      ...review,
      reviewStatus: 'completed',
      reviewResult: result,
      reviewDate: `${sumsubDate(this.now())}+0000`,
    }));
  }

  private changeReview(
    applicantId: string,
    change: (review: SimulatedReview) => SimulatedReview,
  ): SimulatedApplicant | undefined {
    const applicant = this.byId.get(applicantId);
    if (!applicant) return undefined;
    applicant.review = withoutUndefined(change(applicant.review));
    return structuredClone(applicant);
  }
}

/** SumSub's `yyyy-MM-dd HH:mm:ss` dates, in UTC. */
function sumsubDate(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

function shortId(): string {
  return randomBytes(4).toString('base64url').slice(0, 5);
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
