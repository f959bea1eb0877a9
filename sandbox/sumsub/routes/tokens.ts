import { randomUUID } from 'node:crypto';
import type { Hono } from 'hono';
import { DEFAULT_SHARE_TOKEN_TTL_SECS } from '../share-ledger';
import { resourceHandler } from '../resource-handler';
import type { Reply, ResourceRequest, SimulatorContext, SimulatorEnv } from '../resource-handler';
import { sumsubError } from '../sumsub-error';
import { notFound, ok, textField, ttlOf } from './replies';

type Fields = Record<string, unknown>;

/** Where each documented variant carries its parameters: the query string or a JSON body. */
const fromQuery = ({ query }: ResourceRequest): Fields => Object.fromEntries(query.entries());
const fromBody = ({ json }: ResourceRequest): Fields =>
  typeof json === 'object' && json !== null ? (json as Fields) : {};

/** WebSDK access tokens and share tokens, each in both documented variants. */
export function tokenRoutes(app: Hono<SimulatorEnv>, ctx: SimulatorContext): void {
  const accessToken = (fields: (request: ResourceRequest) => Fields) =>
    resourceHandler(ctx, {
      endpoint: 'accessToken',
      userIdOf: (request) => textField(fields(request), 'userId') ?? null,
      handle: (request) => mintAccessToken(fields(request)),
    });
  app.post('/resources/accessTokens', accessToken(fromQuery));
  app.post('/resources/accessTokens/sdk', accessToken(fromBody));

  const shareToken = (fields: (request: ResourceRequest) => Fields) =>
    resourceHandler(ctx, {
      endpoint: 'shareToken',
      userIdOf: (request) => {
        const applicantId = textField(fields(request), 'applicantId');
        return (applicantId && ctx.store.get(applicantId)?.externalUserId) ?? null;
      },
      handle: (request) => mintShareToken(ctx, fields(request)),
    });
  app.post('/resources/accessTokens/-/shareToken', shareToken(fromQuery));
  app.post('/resources/accessTokens/shareToken', shareToken(fromBody));
}

/** `{token: "_act-…", userId}`; SumSub requires the lifetime, so the simulator does too. */
function mintAccessToken(fields: Fields): Reply {
  const userId = textField(fields, 'userId');
  const levelName = textField(fields, 'levelName');
  const ttlInSecs = ttlOf(fields.ttlInSecs);
  const missing = [!userId && 'userId', !levelName && 'levelName', !ttlInSecs && 'ttlInSecs'].filter(Boolean);
  if (missing.length > 0) return badRequest(`Missing or invalid parameters: ${missing.join(', ')}`);
  return ok({ token: `_act-${randomUUID()}`, userId });
}

/** `{token, forClientId}`, only for an applicant whose current review is GREEN. */
function mintShareToken(ctx: SimulatorContext, fields: Fields): Reply {
  const applicantId = textField(fields, 'applicantId');
  const forClientId = textField(fields, 'forClientId');
  const ttlInSecs = fields.ttlInSecs === undefined ? DEFAULT_SHARE_TOKEN_TTL_SECS : ttlOf(fields.ttlInSecs);
  if (!applicantId || !forClientId || !ttlInSecs) {
    return badRequest('applicantId and forClientId are required, ttlInSecs must be a positive integer');
  }
  const applicant = ctx.store.get(applicantId);
  if (!applicant) return notFound('Applicant not found');
  const { reviewStatus, reviewResult } = applicant.review;
  if (reviewStatus !== 'completed' || reviewResult?.reviewAnswer !== 'GREEN') {
    return badRequest('Only approved (GREEN) applicants can be shared');
  }
  const token = ctx.ledger.mint(applicantId, forClientId, ttlInSecs);
  ctx.log.countMinted(applicant.externalUserId);
  return ok({ token, forClientId });
}

function badRequest(description: string): Reply {
  return { status: 400, body: sumsubError(400, description) };
}
