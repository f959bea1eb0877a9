import type { HttpBindings } from '@hono/node-server';
import type { Context, Handler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { corruptAnswer } from '../shared/corruptions';
import type { RequestLog } from '../shared/request-log';
import type { ApplicantStore } from './applicant-store';
import type { FaultInjector } from '../shared/fault-injector';
import type { ReviewPlayer } from './review-player';
import type { SumsubShareLedger } from './share-ledger';
import { isSignedCorrectly } from './signature-check';
import type { SignatureCheckOptions } from './signature-check';
import { signatureMismatch, sumsubError } from './sumsub-error';
import type { TimerSet } from '../shared/timers';
import type { WebhookSender } from './webhook-sender';

/** Everything the simulator's routes share. */
export interface SimulatorContext {
  store: ApplicantStore;
  ledger: SumsubShareLedger;
  player: ReviewPlayer;
  webhooks: WebhookSender;
  faults: FaultInjector;
  timers: TimerSet;
  log: RequestLog;
  signature: SignatureCheckOptions;
  /** SumSub's 409 on a second create names the existing applicant (`with_id`, documented) or not. */
  conflictDescription: 'with_id' | 'without_id';
}

export type SimulatorEnv = { Bindings: Partial<HttpBindings> };

/** A `/resources` request as a route sees it: the raw body, its query and its (decoded) path parameters. */
export interface ResourceRequest {
  params: Record<string, string>;
  query: URLSearchParams;
  rawBody: Buffer;
  /** The body parsed as JSON, or undefined when it is empty or not JSON. */
  json: unknown;
}

export interface Reply {
  status: ContentfulStatusCode;
  body: unknown;
}

export interface ResourceRoute {
  /** A stable name for the request log (`createApplicant`, `shareToken`, ...). */
  endpoint: string;
  /** The external user id the call is about, when it can be told. */
  userIdOf(request: ResourceRequest): string | null;
  handle(request: ResourceRequest): Reply;
}

/** Content types SumSub refuses with 415: it takes JSON, or nothing on a POST without a body. */
const FORM_CONTENT_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data'];

/**
 * Wraps a route with what every `/resources` call goes through at SumSub: injected faults first (as a gateway
 * would), then `415` for a form content type, then the signature check over the raw bytes received, then the
 * route; each call is logged.
 */
export function resourceHandler(ctx: SimulatorContext, route: ResourceRoute): Handler<SimulatorEnv> {
  return async (c) => {
    const rawBody = Buffer.from(await c.req.arrayBuffer());
    const target = requestTarget(c);
    const request: ResourceRequest = {
      params: c.req.param(),
      query: new URL(target, 'http://simulator').searchParams,
      rawBody,
      json: parseJson(rawBody),
    };
    const authorized = isSignedCorrectly(ctx.signature, {
      method: c.req.method,
      pathWithQuery: target,
      appToken: c.req.header('x-app-token'),
      ts: c.req.header('x-app-access-ts'),
      signature: c.req.header('x-app-access-sig'),
      body: rawBody,
    });
    const entry = {
      service: 'sumsub' as const,
      endpoint: route.endpoint,
      method: c.req.method,
      path: target.split('?')[0] ?? target,
      userId: route.userIdOf(request),
      authorized,
    };
    const { latencyMs, hangMs, retryAfterSeconds } = ctx.faults.settings;
    if (latencyMs > 0) await ctx.timers.sleep(latencyMs);
    const fault = ctx.faults.drawRequestFault();
    if (fault === 'timeout') {
      // No answer at all: the log says status 0, the socket is dropped once the client has given up.
      ctx.log.record({ ...entry, status: 0, fault });
      await ctx.timers.sleep(hangMs);
      c.env?.incoming?.socket.destroy();
      return c.body(null, 504);
    }
    if (fault === 'error') {
      ctx.log.record({ ...entry, status: 500, fault });
      return c.json(sumsubError(500, 'Internal server error'), 500);
    }
    if (fault === 'rate_limit') {
      ctx.log.record({ ...entry, status: 429, fault });
      const body = sumsubError(429, 'Too many requests');
      return c.json(body, 429, { 'Retry-After': String(retryAfterSeconds) });
    }
    if (isForm(c.req.header('content-type'))) {
      ctx.log.record({ ...entry, status: 415, fault: null });
      return c.json(sumsubError(415, 'Unsupported Media Type'), 415);
    }
    const reply = authorized ? route.handle(request) : { status: 401 as const, body: signatureMismatch() };
    const rule = authorized ? ctx.faults.corruptionFor(route.endpoint, entry.userId) : undefined;
    if (!rule) {
      ctx.log.record({ ...entry, status: reply.status, fault: null });
      return c.json(reply.body, reply.status);
    }
    // The route did its work (a corrupted create still creates); only its answer is rewritten.
    const answer = corruptAnswer(rule, reply.status, reply.body);
    ctx.log.record({ ...entry, status: answer.status, fault: null, corruption: rule.kind });
    return new Response(answer.body, {
      status: answer.status,
      headers: { 'content-type': answer.contentType },
    });
  };
}

/**
 * The request target exactly as it arrived (what the client signed); only when the app runs without a Node
 * server (injected requests) is it rebuilt from the parsed URL.
 */
function requestTarget(c: Context<SimulatorEnv>): string {
  const raw = c.env?.incoming?.url;
  if (raw) return raw;
  const url = new URL(c.req.url);
  return url.pathname + url.search;
}

function isForm(contentType: string | undefined): boolean {
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return FORM_CONTENT_TYPES.includes(mediaType);
}

function parseJson(rawBody: Buffer): unknown {
  if (rawBody.length === 0) return undefined;
  try {
    return JSON.parse(rawBody.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
