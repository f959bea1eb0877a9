import type { z } from 'zod';
import type { ApplicantReview } from '../../domain';
import { KycError, UserNotFoundError } from '../../domain';
import { parseBody } from '../http/parse-body';
import { applicantIdFromConflict, descriptionOf } from './applicant-conflict';
import {
  accessTokenSchema,
  applicantSchema,
  applicantStatusSchema,
  shareTokenSchema,
  testCompletedSchema,
  toApplicantReview,
} from './schemas';
import type { NewApplicant, ReviewResult, ShareToken, SumsubApplicant, WebSdkAccessToken } from './schemas';
import { encodeStrict, withQuery } from './signing';
import { SumsubTransport } from './transport';
import type { SumsubAnswer, SumsubTransportOptions } from './transport';

export interface SumsubClientOptions extends SumsubTransportOptions {
  /**
   * Which documented share-token call to use: `query` (`POST /resources/accessTokens/-/shareToken?...`, the one
   * Kriptomat documents) or `body` (`POST /resources/accessTokens/shareToken` with JSON).
   */
  shareTokenVariant?: 'query' | 'body';
}

const APPLICANTS = '/resources/applicants';

/** SumSub's API over signed HTTP. Every response is schema-checked; every failure is a `KycError`. */
export class SumsubClient {
  private readonly transport: SumsubTransport;
  private readonly shareTokenVariant: 'query' | 'body';

  constructor(options: SumsubClientOptions) {
    this.transport = new SumsubTransport(options);
    this.shareTokenVariant = options.shareTokenVariant ?? 'query';
  }

  /** Creates an applicant at `levelName`; a second create for the same external user id fails with a 409. */
  async createApplicant(levelName: string, applicant: NewApplicant): Promise<SumsubApplicant> {
    const endpoint = `SumSub POST ${APPLICANTS}`;
    const path = withQuery(APPLICANTS, { levelName });
    const answer = await this.transport.send('POST', path, endpoint, applicant);
    return parseAnswer(applicantSchema, answer, endpoint);
  }

  /**
   * The user's applicant, created if needed. A 409 means it exists already: its id is taken from SumSub's
   * documented description when that names our external user id, else the applicant is looked up by it
   * (docs/vendor-apis.md, "SumSub applicant creation"). An id taken from the description comes without a
   * review, which the caller reads.
   */
  async ensureApplicant(levelName: string, applicant: NewApplicant): Promise<SumsubApplicant> {
    const endpoint = `SumSub POST ${APPLICANTS}`;
    const path = withQuery(APPLICANTS, { levelName });
    const answer = await this.transport.send('POST', path, endpoint, applicant, [409]);
    if (answer.status !== 409) return parseAnswer(applicantSchema, answer, endpoint);
    const { externalUserId } = applicant;
    const id = applicantIdFromConflict(descriptionOf(answer.data), externalUserId);
    return id ? { id, externalUserId } : this.getApplicantByExternalUserId(externalUserId);
  }

  /** The applicant created for our user id; `UserNotFound` when there is none. */
  async getApplicantByExternalUserId(externalUserId: string): Promise<SumsubApplicant> {
    const path = `${APPLICANTS}/-;externalUserId=${encodeStrict(externalUserId)}/one`;
    return this.readApplicant(path, `SumSub GET ${APPLICANTS}/-;externalUserId={externalUserId}/one`);
  }

  /** The applicant with SumSub's id; `UserNotFound` when there is none. */
  async getApplicant(applicantId: string): Promise<SumsubApplicant> {
    const path = `${APPLICANTS}/${encodeStrict(applicantId)}/one`;
    return this.readApplicant(path, `SumSub GET ${APPLICANTS}/{applicantId}/one`);
  }

  /** The applicant's review status; an undocumented `reviewStatus` is a contract violation, not a default. */
  async getReview(applicantId: string): Promise<ApplicantReview> {
    const endpoint = `SumSub GET ${APPLICANTS}/{applicantId}/status`;
    const answer = await this.notFoundAsUser(
      this.transport.send('GET', `${APPLICANTS}/${encodeStrict(applicantId)}/status`, endpoint),
    );
    return toApplicantReview(applicantId, parseAnswer(applicantStatusSchema, answer, endpoint));
  }

  /** A token for the partner's frontend to open SumSub's WebSDK for this user (always with a lifetime). */
  async createWebSdkAccessToken(
    externalUserId: string,
    levelName: string,
    ttlInSecs: number,
  ): Promise<WebSdkAccessToken> {
    const endpoint = 'SumSub POST /resources/accessTokens';
    const path = withQuery('/resources/accessTokens', { userId: externalUserId, levelName, ttlInSecs });
    return parseAnswer(accessTokenSchema, await this.transport.send('POST', path, endpoint), endpoint);
  }

  /** A fresh single-use token letting `forClientId` (Kriptomat) import this applicant's KYC. */
  async createShareToken(applicantId: string, forClientId: string, ttlInSecs: number): Promise<ShareToken> {
    const params = { applicantId, forClientId, ttlInSecs };
    const endpoint = shareEndpoint(this.shareTokenVariant);
    const answer =
      this.shareTokenVariant === 'body'
        ? await this.transport.send('POST', '/resources/accessTokens/shareToken', endpoint, params)
        : await this.transport.send(
            'POST',
            withQuery('/resources/accessTokens/-/shareToken', params),
            endpoint,
          );
    return parseAnswer(shareTokenSchema, answer, endpoint);
  }

  /** Sandbox only: decides the applicant's review by hand, as SumSub's `testCompleted` call does. */
  async completeTestReview(applicantId: string, result: ReviewResult): Promise<void> {
    const endpoint = `SumSub POST ${APPLICANTS}/{applicantId}/status/testCompleted`;
    const path = `${APPLICANTS}/${encodeStrict(applicantId)}/status/testCompleted`;
    const body = { rejectLabels: [], ...result };
    parseAnswer(testCompletedSchema, await this.transport.send('POST', path, endpoint, body), endpoint);
  }

  private async readApplicant(path: string, endpoint: string): Promise<SumsubApplicant> {
    const answer = await this.notFoundAsUser(this.transport.send('GET', path, endpoint));
    return parseAnswer(applicantSchema, answer, endpoint);
  }

  private async notFoundAsUser(call: Promise<SumsubAnswer>): Promise<SumsubAnswer> {
    try {
      return await call;
    } catch (error) {
      if (error instanceof KycError && error.context?.status === 404) {
        throw new UserNotFoundError('no such SumSub applicant', error.context);
      }
      throw error;
    }
  }
}

/** The answer's body checked against its schema; a violation names the endpoint and the answer's status. */
function parseAnswer<T extends z.ZodType>(schema: T, answer: SumsubAnswer, endpoint: string): z.infer<T> {
  return parseBody(schema, answer.data, endpoint, answer.status);
}

function shareEndpoint(variant: 'query' | 'body'): string {
  return variant === 'body'
    ? 'SumSub POST /resources/accessTokens/shareToken'
    : 'SumSub POST /resources/accessTokens/-/shareToken';
}
