import { z } from 'zod';

/**
 * Faults a simulator injects, set per run (and changeable at run time through `PUT /_sandbox/faults`). Rates
 * are probabilities from 0 to 1, drawn from a seeded generator so that a run can be repeated. `/_sandbox`
 * routes never fail.
 */
export const faultSettingsSchema = z.object({
  /** Share of partner calls answered 500 (or 503) before doing anything. */
  errorRate: z.number().min(0).max(1).default(0),
  /** Share of partner calls answered 429 with `Retry-After: retryAfterSeconds`. */
  rateLimitRate: z.number().min(0).max(1).default(0),
  retryAfterSeconds: z.number().int().min(0).default(1),
  /** Extra delay before every answer, in milliseconds. */
  latencyMs: z.number().int().min(0).default(0),
  /** Share of calls that hang for `hangMs` and then drop the connection (a client timeout). */
  timeoutRate: z.number().min(0).max(1).default(0),
  hangMs: z.number().int().min(0).default(20_000),
  /** SumSub webhooks: share never delivered at all, and share delivered twice. */
  dropWebhookRate: z.number().min(0).max(1).default(0),
  duplicateWebhookRate: z.number().min(0).max(1).default(0),
  /** Seed of the fault generator. */
  seed: z.number().int().default(1),
});

export type FaultSettings = z.infer<typeof faultSettingsSchema>;

export const NO_FAULTS: FaultSettings = faultSettingsSchema.parse({});

/** A small seeded generator (mulberry32): deterministic fault sequences without a dependency. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
