import { corruptionRulesSchema, ruleFor } from './corruptions';
import type { CorruptionRule } from './corruptions';
import { faultSettingsSchema, seededRandom } from './faults';
import type { FaultSettings } from './faults';
import type { LoggedRequest } from './request-log';

export type RequestFault = NonNullable<LoggedRequest['fault']>;

interface SeededFaults {
  current: FaultSettings;
  requestRandom: () => number;
  webhookRandom: () => number;
}

/** Validated settings (a ZodError otherwise) and their generators, fresh from the seed. */
function seededFaults(settings: unknown): SeededFaults {
  const current = faultSettingsSchema.parse(settings);
  return {
    current,
    requestRandom: seededRandom(current.seed),
    webhookRandom: seededRandom(current.seed + 1),
  };
}

/**
 * Draws a simulator's faults from its current settings. Requests and webhooks use separate generators seeded
 * from the same seed, so adding a webhook does not shift which request fails next.
 */
export class FaultInjector {
  private state: SeededFaults;
  /** Kept apart from the rates: replacing one never resets the other. */
  private rules: CorruptionRule[] = [];

  constructor(settings: unknown = {}) {
    this.state = seededFaults(settings);
  }

  get corruptions(): CorruptionRule[] {
    return structuredClone(this.rules);
  }

  /** Replaces every corruption rule (`[]` clears them). Throws a ZodError for invalid rules. */
  replaceCorruptions(rules: unknown): CorruptionRule[] {
    this.rules = corruptionRulesSchema.parse(rules);
    return this.corruptions;
  }

  /** The rule that rewrites the answer of this call, if any. */
  corruptionFor(endpoint: string, userId: string | null): CorruptionRule | undefined {
    return ruleFor(this.rules, endpoint, userId);
  }

  get settings(): FaultSettings {
    return { ...this.state.current };
  }

  /**
   * Replaces every setting (unset ones take their defaults) and restarts the generators from the seed, so the
   * same settings give the same faults. Throws a ZodError for invalid settings.
   */
  replace(settings: unknown): FaultSettings {
    this.state = seededFaults(settings);
    return this.settings;
  }

  /** One draw decides a request's fault, so the rates add up the way their names suggest. */
  drawRequestFault(): RequestFault | null {
    const { timeoutRate, errorRate, rateLimitRate } = this.state.current;
    if (timeoutRate + errorRate + rateLimitRate === 0) return null;
    const draw = this.state.requestRandom();
    if (draw < timeoutRate) return 'timeout';
    if (draw < timeoutRate + errorRate) return 'error';
    if (draw < timeoutRate + errorRate + rateLimitRate) return 'rate_limit';
    return null;
  }

  /** Whether the next webhook is lost, or delivered twice. */
  drawWebhookFault(): { drop: boolean; duplicate: boolean } {
    const { dropWebhookRate, duplicateWebhookRate } = this.state.current;
    const drop = dropWebhookRate > 0 && this.state.webhookRandom() < dropWebhookRate;
    const duplicate = !drop && duplicateWebhookRate > 0 && this.state.webhookRandom() < duplicateWebhookRate;
    return { drop, duplicate };
  }
}
