import { applicantIdFromConflict, descriptionOf } from '../../vendors/sumsub/applicant-conflict';
import type { RecordedReply, RecordedRequest } from '../helpers/recording-server';
import { allowLoopbackHttp, startRecordingServer } from '../helpers/recording-server';
import { failureOf } from '../helpers/rejections';
import { sumsubClient } from '../helpers/sumsub';

/**
 * SumSub answers the engine must read as documented (docs/vendor-apis.md, "SumSub review status" and
 * "SumSub applicant creation"), against a server scripted here rather than the simulator.
 */ allowLoopbackHttp();

async function withSumsub<T>(
  reply: (request: RecordedRequest) => RecordedReply,
  run: (client: ReturnType<typeof sumsubClient>, requests: RecordedRequest[]) => Promise<T>,
): Promise<T> {
  const server = await startRecordingServer(reply);
  try {
    return await run(sumsubClient(server.url), server.requests);
  } finally {
    await server.close();
  }
}

const STATUS = {
  reviewId: 'r1',
  attemptId: 'a1',
  attemptCnt: 1,
  levelName: 'basic-kyc-level',
  createDate: '2026-01-01 10:00:00+0000',
  reviewStatus: 'completed',
};

describe('a review read', () => {
  it('takes a RED without reviewRejectType as not final: rejectType null (old code: ContractViolation)', async () => {
    await withSumsub(
      () => ({
        status: 200,
        body: { ...STATUS, reviewResult: { reviewAnswer: 'RED', rejectLabels: ['FORGERY'] } },
      }),
      async (client) => {
        expect(await client.getReview('applicant-1')).toEqual({
          applicantId: 'applicant-1',
          reviewStatus: 'completed',
          reviewAnswer: 'RED',
          rejectType: null,
        });
      },
    );
  });

  it('still refuses a completed review without any result', async () => {
    await withSumsub(
      () => ({ status: 200, body: STATUS }),
      async (client) => {
        const error = await failureOf(client.getReview('applicant-1'));
        expect(error).toMatchObject({ type: 'ContractViolation' });
        expect(error.message).toContain('reviewResult');
      },
    );
  });
});

describe('a 409 on applicant creation', () => {
  const conflict = (description: string): RecordedReply => ({
    status: 409,
    body: { description, code: 409, correlationId: 'req-1' },
  });
  const found: RecordedReply = { status: 200, body: { id: 'found-by-lookup', externalUserId: 'u-1' } };

  it('looks the applicant up by its url-encoded external user id when the answer is not the documented one', async () => {
    await withSumsub(
      (request) => (request.method === 'POST' ? conflict('Duplicate applicant') : found),
      async (client, requests) => {
        const applicant = await client.ensureApplicant('basic-kyc-level', { externalUserId: 'u-1' });
        expect(applicant.id).toBe('found-by-lookup');
        expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([
          'POST /resources/applicants?levelName=basic-kyc-level',
          'GET /resources/applicants/-;externalUserId=u-1/one',
        ]);
      },
    );
  });

  it('takes the existing id from the documented description of our own user, without a lookup', async () => {
    await withSumsub(
      () => conflict("Applicant with external user id 'u-1' already exists: 63e0c0ffee0123456789abcd"),
      async (client, requests) => {
        const applicant = await client.ensureApplicant('basic-kyc-level', { externalUserId: 'u-1' });
        expect(applicant).toEqual({ id: '63e0c0ffee0123456789abcd', externalUserId: 'u-1' });
        expect(requests).toHaveLength(1);
      },
    );
  });

  it('looks up, rather than trust an id, when the description names another user', async () => {
    await withSumsub(
      (request) =>
        request.method === 'POST'
          ? conflict("Applicant with external user id 'someone-else' already exists: 63e0c0ffee")
          : found,
      async (client) => {
        expect((await client.ensureApplicant('basic-kyc-level', { externalUserId: 'u-1' })).id).toBe(
          'found-by-lookup',
        );
      },
    );
  });
});

describe('applicantIdFromConflict', () => {
  it('takes the id from the documented description of our own user', () => {
    const description = "Applicant with external user id 'u-1' already exists: 63e0c0ffee0123456789abcd";
    expect(applicantIdFromConflict(description, 'u-1')).toBe('63e0c0ffee0123456789abcd');
  });

  it.each([
    ['another user', "Applicant with external user id 'u-2' already exists: 63e0"],
    ['another wording', 'Applicant already exists: 63e0'],
    ['an id that could change a path', "Applicant with external user id 'u-1' already exists: ../../x"],
    ['no description', undefined],
  ])('takes nothing from %s', (_name, description) => {
    expect(applicantIdFromConflict(description, 'u-1')).toBeUndefined();
  });

  it('reads the description of an error body only', () => {
    expect(descriptionOf({ description: 'the description', code: 409 })).toBe('the description');
    expect(descriptionOf('Conflict')).toBeUndefined();
    expect(descriptionOf(null)).toBeUndefined();
  });
});
