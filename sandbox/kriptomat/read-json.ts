import type { Context } from 'hono';

/** The request's JSON body, or undefined when it has none or it is not JSON (the route then answers 4xx). */
export async function readJson(c: Context): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    return undefined;
  }
}
