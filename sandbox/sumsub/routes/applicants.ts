import type { Hono } from 'hono';
import type { SimulatedApplicant } from '../applicant-store';
import { resourceHandler } from '../resource-handler';
import type { Reply, ResourceRequest, SimulatorContext, SimulatorEnv } from '../resource-handler';
import { sumsubError } from '../sumsub-error';
import { createBody, providedFields, testCompletedBody } from './applicant-bodies';
import { invalidFields, notFound, ok, textField } from './replies';
import { scenarioForUser } from '../../scenarios';

/** Applicant routes: create, look up by external user id, get, review status, and the sandbox review. */
export function applicantRoutes(app: Hono<SimulatorEnv>, ctx: SimulatorContext): void {
  const userOfApplicant = (request: ResourceRequest) =>
    ctx.store.get(request.params.applicantId ?? '')?.externalUserId ?? null;
  const withApplicant = (request: ResourceRequest, reply: (applicant: SimulatedApplicant) => Reply) => {
    const applicant = ctx.store.get(request.params.applicantId ?? '');
    return applicant ? reply(applicant) : notFound('Applicant not found');
  };

  app.post(
    '/resources/applicants',
    resourceHandler(ctx, {
      endpoint: 'createApplicant',
      userIdOf: ({ json }) => textField(json, 'externalUserId') ?? null,
      handle: ({ query, json }) => {
        const levelName = query.get('levelName');
        if (!levelName) return { status: 400, body: sumsubError(400, 'levelName is required') };
        const body = createBody.safeParse(json);
        if (!body.success) return invalidFields(body.error);
        const { externalUserId } = body.data;
        const exists = scenarioForUser(externalUserId).applicantExists;
        const result = ctx.store.create(externalUserId, levelName, providedFields(body.data));
        if ('existing' in result) return alreadyExists(result.existing, exists ?? ctx.conflictDescription);
        ctx.player.begin(result.created);
        // An earlier attempt (in the story) created it: this create meets it.
        if (exists !== undefined) return alreadyExists(result.created, exists);
        return ok(applicantView(result.created));
      },
    }),
  );

  // Registered before `/:applicantId/one`, which would match this path too.
  app.get(
    '/resources/applicants/:ref{-;externalUserId=.+}/one',
    resourceHandler(ctx, {
      endpoint: 'applicantByExternalId',
      userIdOf: ({ params }) => externalUserIdOf(params.ref),
      handle: ({ params }) => {
        const applicant = ctx.store.findByExternalUserId(externalUserIdOf(params.ref));
        return applicant ? ok(applicantView(applicant)) : notFound('Applicant not found');
      },
    }),
  );

  app.get(
    '/resources/applicants/:applicantId/one',
    resourceHandler(ctx, {
      endpoint: 'applicant',
      userIdOf: userOfApplicant,
      handle: (request) => withApplicant(request, (applicant) => ok(applicantView(applicant))),
    }),
  );

  app.get(
    '/resources/applicants/:applicantId/status',
    resourceHandler(ctx, {
      endpoint: 'applicantStatus',
      userIdOf: userOfApplicant,
      handle: (request) => withApplicant(request, (applicant) => ok(applicant.review)),
    }),
  );

  app.post(
    '/resources/applicants/:applicantId/status/testCompleted',
    resourceHandler(ctx, {
      endpoint: 'testCompleted',
      userIdOf: userOfApplicant,
      handle: (request) =>
        withApplicant(request, (applicant) => {
          const result = testCompletedBody.safeParse(request.json);
          if (!result.success) return invalidFields(result.error);
          ctx.player.decideByHand(applicant.id, { rejectLabels: [], ...result.data });
          return ok({ ok: 1 });
        }),
    }),
  );
}

/**
 * SumSub's 409 for an external user id that has an applicant: documented as `... already exists: <id>`; the
 * `without_id` form leaves the id out, so a caller must look the applicant up.
 */
function alreadyExists(applicant: SimulatedApplicant, form: 'with_id' | 'without_id'): Reply {
  const description = `Applicant with external user id '${applicant.externalUserId}' already exists`;
  return {
    status: 409,
    body: sumsubError(409, form === 'with_id' ? `${description}: ${applicant.id}` : description),
  };
}

/** What SumSub answers about an applicant, minus any personal data (the simulator keeps none). */
function applicantView(applicant: SimulatedApplicant): Record<string, unknown> {
  const { id, createdAt, inspectionId, externalUserId, levelName, review } = applicant;
  return {
    id,
    createdAt,
    clientId: 'sandbox',
    inspectionId,
    externalUserId,
    levelName,
    type: 'individual',
    review,
  };
}

function externalUserIdOf(ref: string | undefined): string {
  return (ref ?? '').slice('-;externalUserId='.length);
}
