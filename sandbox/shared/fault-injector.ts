import { faultSettingsSchema, seededRandom } from './faults';
import type { FaultSettings } from './faults';
import type { LoggedRequest } from './request-log';

export type RequestFault = NonNullable<LoggedRequest['fault']>;

/**
 * Draws a simulator's faults from its current settings. Requests and webhooks use separate generators seeded
 * from the same seed, so adding a webhook does not shift which request fails next.
 */
export class FaultInjector {
  private current: FaultSettings;
  private requestRandom: () => number;
  private webhookRandom: () => number;

  constructor(settings: unknown = {}) {
    this.current = faultSettingsSchema.parse(settings);
    this.requestRandom = seededRandom(this.current.seed);
    this.webhookRandom = seededRandom(this.current.seed + 1);
  }

  get settings(): FaultSettings {
    return { ...this.current };
  }

  /**
   * Replaces every setting (unset ones take their defaults) and restarts the generators from the seed, so the
   * same settings give the same faults. Throws a ZodError for invalid settings.
   */
  replace(settings: unknown): FaultSettings {
    const parsed = faultSettingsSchema.parse(settings);
    this.current = parsed;
    this.requestRandom = seededRandom(parsed.seed);
    this.webhookRandom = seededRandom(parsed.seed + 1);
    return this.settings;
  }

  /** One draw decides a request's fault, so the rates add up the way their names suggest. */
  drawRequestFault(): RequestFault | null {
    const { timeoutRate, errorRate, rateLimitRate } = this.current;
    if (timeoutRate + errorRate + rateLimitRate === 0) return null;
    const draw = this.requestRandom();
    if (draw < timeoutRate) return 'timeout';
    if (draw < timeoutRate + errorRate) return 'error';
    if (draw < timeoutRate + errorRate + rateLimitRate) return 'rate_limit';
    return null;
  }

  /** Whether the next webhook is lost, or delivered twice. */
  drawWebhookFault(): { drop: boolean; duplicate: boolean } {
    const { dropWebhookRate, duplicateWebhookRate } = this.current;
    const drop = dropWebhookRate > 0 && this.webhookRandom() < dropWebhookRate;
    const duplicate = !drop && duplicateWebhookRate > 0 && this.webhookRandom() < duplicateWebhookRate;
    return { drop, duplicate };
  }
}
