import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Temporal could not take the signal: the vendor should deliver again later. */
export interface UnavailableReceipt {
  result: 'unavailable';
  status: 503;
  reason: string;
}

/**
 * The one shape of a webhook route: `receive` acts on the raw body (the bytes a signature covers) and says
 * what became of the delivery; `onReceipt` is told (never the body) and the receipt, less its status, is the
 * answer. A throw means Temporal could not take the signal: 503, so the vendor delivers again later.
 */
export function webhookHandler<R extends { status: ContentfulStatusCode }>(
  receive: (rawBody: Buffer, c: Context) => Promise<R>,
  onReceipt?: (receipt: R | UnavailableReceipt) => void,
): (c: Context) => Promise<Response> {
  return async (c) => {
    const rawBody = Buffer.from(await c.req.arrayBuffer());
    let receipt: R;
    try {
      receipt = await receive(rawBody, c);
    } catch (error) {
      const reason = error instanceof Error ? error.message : 'unknown error';
      onReceipt?.({ result: 'unavailable', status: 503, reason });
      return c.json({ error: 'temporal unavailable, deliver again later' }, 503);
    }
    onReceipt?.(receipt);
    const { status, ...body } = receipt;
    return c.json(body, status);
  };
}
