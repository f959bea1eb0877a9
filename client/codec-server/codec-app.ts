import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { PayloadDecryptionError } from '../../codec';
import type { Logger } from '../../observability/logger';
import { bearerAuth } from '../api/auth';
import { apiErrorHandler, validationHook } from '../api/errors';
import { json } from '../api/responses';
import { ErrorSchema, ValidationErrorSchema } from '../api/schemas';
import type { PeerCheck } from './peer';
import { isLoopbackPeer } from './peer';
import { PayloadsJsonSchema, fromPayloadJson, toPayloadJson } from './payload-json';

export interface CodecAppOptions {
  codec: PayloadCodec;
  /** `KYC_CODEC_TOKEN`: when set, callers send it as a bearer token; when unset only loopback peers may call. */
  token: string | undefined;
  /** `KYC_CODEC_CORS_ORIGINS`: the browser origins (the Temporal UI's) allowed to call. */
  corsOrigins: readonly string[];
  /** Whether the caller is on this machine; defaults to the Node server's socket address. */
  isLoopbackPeer?: PeerCheck;
  logger: Logger;
}

/** Histories can carry many payloads of up to 2 MB each; anything far larger is not a codec call. */
const MAX_BODY_BYTES = 32 * 1024 * 1024;

const CODEC_SCHEME = 'codecAuth';

const CODEC_ERRORS = {
  400: json(
    z.union([ValidationErrorSchema, ErrorSchema]),
    'Malformed payloads, or one that cannot be decoded (unknown key id, bytes that fail authentication)',
  ),
  401: json(ErrorSchema, 'Missing or wrong bearer token'),
  403: json(ErrorSchema, 'Without KYC_CODEC_TOKEN only callers on this machine may use the codec'),
};
const codecRoute = (path: '/encode' | '/decode', summary: string) =>
  createRoute({
    method: 'post',
    path,
    summary,
    security: [{ [CODEC_SCHEME]: [] }],
    request: { body: { required: true, content: { 'application/json': { schema: PayloadsJsonSchema } } } },
    responses: { 200: json(PayloadsJsonSchema, 'The payloads, in the order sent'), ...CODEC_ERRORS },
  });

/** Refuses a caller without the token (when one is configured), or off this machine (when none is). */
function codecAuth(token: string | undefined, loopback: PeerCheck): MiddlewareHandler {
  if (token) return bearerAuth({ secret: token, realm: 'kyc-codec' });
  return async (c, next) => {
    if (loopback(c)) return next();
    const message = 'without KYC_CODEC_TOKEN only callers on this machine may use the codec';
    return c.json({ error: 'forbidden', message }, 403);
  };
}

/**
 * The codec server the Temporal UI and CLI call to show encrypted payloads (`POST /encode`, `POST /decode`),
 * as an app without a port: `createApp` mounts it at `/codec`. Decoding needs the keys, so it is guarded by
 * a token or, in the sandbox, by being on this machine; CORS lets the UI's origins call it from a browser.
 */
export function createCodecApp(options: CodecAppOptions): OpenAPIHono {
  const { codec, token, corsOrigins, logger } = options;
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.onError(apiErrorHandler(logger));
  app.openAPIRegistry.registerComponent('securitySchemes', CODEC_SCHEME, {
    type: 'http',
    scheme: 'bearer',
    description: 'KYC_CODEC_TOKEN; when it is not set, no token and a caller on the same machine',
  });
  app.use(
    '*',
    cors({
      origin: [...corsOrigins],
      allowHeaders: ['content-type', 'x-namespace', 'authorization'],
      allowMethods: ['POST', 'OPTIONS'],
      credentials: true,
      maxAge: 600,
    }),
  );
  app.use('*', codecAuth(token, options.isLoopbackPeer ?? isLoopbackPeer));
  app.use('*', bodyLimit({ maxSize: MAX_BODY_BYTES }));

  app.openapi(codecRoute('/encode', 'Encrypt payloads with the current key'), async (c) => {
    const payloads = await codec.encode(c.req.valid('json').payloads.map(fromPayloadJson));
    return c.json({ payloads: payloads.map(toPayloadJson) }, 200);
  });

  app.openapi(codecRoute('/decode', 'Decrypt payloads (current and retired keys)'), async (c) => {
    let payloads: Payload[];
    try {
      payloads = await codec.decode(c.req.valid('json').payloads.map(fromPayloadJson));
    } catch (error) {
      // The problem by name (key id, failed authentication), never the bytes.
      const message =
        error instanceof PayloadDecryptionError ? error.message : 'a payload could not be decoded';
      return c.json({ error: 'undecodable_payload', message }, 400);
    }
    return c.json({ payloads: payloads.map(toPayloadJson) }, 200);
  });
  return app;
}
