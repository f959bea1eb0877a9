import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { PayloadDecryptionError } from '../../codec';
import type { Logger } from '../../observability/logger';
import { apiErrorHandler, validationHook } from '../errors';
import { callerLimit } from '../rate-limit';
import { CALLER_ERRORS, json, rateLimited } from '../responses';
import { ErrorSchema, ValidationErrorSchema } from '../schemas';
import { callerGuard } from './caller-guard';
import type { ProxyCredential } from './codec-auth';
import { codecAuth } from './codec-auth';
import type { PeerCheck } from './peer';
import { isLoopbackPeer } from './peer';
import { MAX_CODEC_BODY_BYTES, PayloadsJsonSchema, fromPayloadJson, toPayloadJson } from './payload-json';

export interface CodecAppOptions {
  codec: PayloadCodec;
  /** `KYC_CODEC_TOKEN`: callers may send it as a bearer token. */
  token: string | undefined;
  /** `KYC_CODEC_PROXY_HEADER`/`KYC_CODEC_PROXY_SECRET`: the header a fronting proxy injects. */
  proxy?: ProxyCredential;
  /** `KYC_CODEC_CORS_ORIGINS`: the browser origins (the Temporal UI's) allowed to call; any other is refused. */
  corsOrigins: readonly string[];
  /** `KYC_CODEC_ALLOWED_HOSTS`: host names served besides localhost, 127.0.0.1 and ::1. */
  allowedHosts?: readonly string[];
  /**
   * Whether, without any credential configured, a loopback peer may call: true unless a proxy sits in front
   * (`KYC_API_BEHIND_TLS_PROXY`). Default true.
   */
  trustLoopback?: boolean;
  /** Whether the caller is on this machine; defaults to the Node server's socket address. */
  isLoopbackPeer?: PeerCheck;
  /** Requests per minute per caller (`KYC_API_REQUESTS_PER_MINUTE`); unlimited when unset. */
  requestsPerMinute?: number;
  logger: Logger;
}

const CODEC_SCHEME = 'codecAuth';

const CODEC_ERRORS = {
  ...CALLER_ERRORS,
  400: json(
    z.union([ValidationErrorSchema, ErrorSchema]),
    'Malformed payloads, or one under a key id this engine does not know (named; its bytes never echoed)',
  ),
  401: json(ErrorSchema, 'A credential is configured, and the call did not carry it'),
  403: json(
    ErrorSchema,
    'A host name or browser origin that is not served, or (without a credential configured) a caller off this machine',
  ),
};

/** Set by the CORS middleware, which runs first, on every answer to a browser origin of `KYC_CODEC_CORS_ORIGINS`. */
const CORS_HEADERS = {
  'Access-Control-Allow-Origin': {
    schema: { type: 'string' as const, maxLength: 2048, format: 'uri' },
    description: "The request's Origin, when it is one of KYC_CODEC_CORS_ORIGINS (absent otherwise)",
  },
};

/**
 * A codec route's answers: the CORS header on all; the caller-limit headers on those given after the caller
 * passed the host, origin and credential checks (not the 401 and 403 of those checks).
 */
function codecResponses<T extends Record<number, { description: string; headers?: Record<string, unknown> }>>(
  responses: T,
): T {
  const limited = rateLimited(responses, [401, 403]);
  const entries = Object.entries(limited).map(([status, response]) => [
    status,
    { ...response, headers: { ...response.headers, ...CORS_HEADERS } },
  ]);
  return Object.fromEntries(entries) as T;
}

const codecRoute = (path: '/encode' | '/decode', summary: string) =>
  createRoute({
    method: 'post',
    path,
    summary,
    security: [{ [CODEC_SCHEME]: [] }],
    request: { body: { required: true, content: { 'application/json': { schema: PayloadsJsonSchema } } } },
    responses: codecResponses({
      200: json(PayloadsJsonSchema, 'The payloads, in the order sent'),
      ...CODEC_ERRORS,
    }),
  });

/**
 * The codec server the Temporal UI and CLI call to show encrypted payloads (`POST /encode`, `POST /decode`),
 * as an app without a port: `createApp` mounts it at `/codec`. It decrypts and encrypts with the engine's
 * keys, so it is an oracle for whoever reaches it: only the served host names and the UI's origins get past
 * the first check (DNS rebinding, foreign pages), then a credential (token or proxy header) or, with none
 * configured and no proxy in front, being on this machine. Payloads the codec cannot trust (plaintext, failed
 * authentication) come back as the untrusted marker, as the workflow sees them.
 */
export function createCodecApp(options: CodecAppOptions): OpenAPIHono {
  const { codec, logger } = options;
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.onError(apiErrorHandler(logger));
  app.openAPIRegistry.registerComponent('securitySchemes', CODEC_SCHEME, {
    type: 'http',
    scheme: 'bearer',
    description:
      'KYC_CODEC_TOKEN (or the header of KYC_CODEC_PROXY_HEADER); with neither configured, a caller on the same machine',
  });
  app.use(
    '*',
    cors({
      origin: [...options.corsOrigins],
      allowHeaders: ['content-type', 'x-namespace', 'authorization'],
      allowMethods: ['POST', 'OPTIONS'],
      credentials: true,
      maxAge: 600,
    }),
  );
  app.use(
    '*',
    callerGuard({ allowedHosts: options.allowedHosts ?? [], allowedOrigins: options.corsOrigins }),
  );
  app.use(
    '*',
    codecAuth({
      token: options.token,
      proxy: options.proxy,
      trustLoopback: options.trustLoopback ?? true,
      isLoopbackPeer: options.isLoopbackPeer ?? isLoopbackPeer,
    }),
  );
  if (options.requestsPerMinute !== undefined) {
    app.use('*', callerLimit({ perMinute: options.requestsPerMinute, what: 'codec requests' }));
  }
  app.use('*', bodyLimit({ maxSize: MAX_CODEC_BODY_BYTES }));

  app.openapi(codecRoute('/encode', 'Encrypt payloads with the current key'), async (c) => {
    const payloads = await codec.encode(c.req.valid('json').payloads.map(fromPayloadJson));
    return c.json({ payloads: payloads.map(toPayloadJson) }, 200);
  });

  app.openapi(codecRoute('/decode', 'Decrypt payloads (current and retired keys)'), async (c) => {
    let payloads: Payload[];
    try {
      payloads = await codec.decode(c.req.valid('json').payloads.map(fromPayloadJson));
    } catch (error) {
      // The problem by name (the unknown key id), never the bytes.
      const message =
        error instanceof PayloadDecryptionError ? error.message : 'a payload could not be decoded';
      return c.json({ error: 'undecodable_payload', message }, 400);
    }
    return c.json({ payloads: payloads.map(toPayloadJson) }, 200);
  });
  return app;
}
