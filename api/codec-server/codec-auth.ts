import type { MiddlewareHandler } from 'hono';
import { bearerMatcher } from '../auth';
import { secretMatcher } from '../secret-matcher';
import type { PeerCheck } from './peer';

/** A header that a fronting proxy injects once it has authenticated the operator, and its secret value. */
export interface ProxyCredential {
  header: string;
  secret: string;
}

export interface CodecAuthOptions {
  /** `KYC_CODEC_TOKEN`, sent as `Authorization: Bearer`. */
  token: string | undefined;
  /** `KYC_CODEC_PROXY_HEADER` and `KYC_CODEC_PROXY_SECRET`. */
  proxy: ProxyCredential | undefined;
  /**
   * Whether a loopback peer may call without a credential when none is configured: off behind a proxy
   * (`KYC_API_BEHIND_TLS_PROXY`), where a proxy on the same host makes every caller loopback.
   */
  trustLoopback: boolean;
  isLoopbackPeer: PeerCheck;
}

/** A constant-time check of one header against its secret, as for the bearer token. */
const headerMatcher = ({ secret }: ProxyCredential) => secretMatcher(secret);

/**
 * Who may use the codec, which decrypts (and encrypts) with the engine's keys. With a credential configured,
 * the caller presents one: the bearer token, or the header a fronting proxy injects. Without any, only a
 * loopback peer, and only when no proxy sits in front. Refusals: 401 with a Bearer challenge when a credential
 * was expected, 403 when no credential could do.
 */
export function codecAuth({
  token,
  proxy,
  trustLoopback,
  isLoopbackPeer,
}: CodecAuthOptions): MiddlewareHandler {
  const bearer = bearerMatcher(token);
  const proxied = proxy && headerMatcher(proxy);
  const anyCredential = Boolean(token || proxy);
  return async (c, next) => {
    if (bearer(c.req.header('authorization'))) return next();
    if (proxy && proxied?.(c.req.header(proxy.header))) return next();
    if (anyCredential) {
      c.header('WWW-Authenticate', 'Bearer realm="kyc-codec"');
      return c.json({ error: 'unauthorized' }, 401);
    }
    if (trustLoopback && isLoopbackPeer(c)) return next();
    const message = trustLoopback
      ? 'without KYC_CODEC_TOKEN only callers on this machine may use the codec'
      : 'behind a proxy the codec needs KYC_CODEC_TOKEN or KYC_CODEC_PROXY_HEADER';
    return c.json({ error: 'forbidden', message }, 403);
  };
}
