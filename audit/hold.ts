/**
 * How long records must be kept after a user's last case ended before their key may be destroyed (AML rules:
 * at least five years after the relationship ends). Whole years count in calendar years;
 * `KYC_AUDIT_HOLD` (config/fields.ts) is parsed into this shape.
 */
export type HoldDuration = { years: number } | { days: number };

export const DEFAULT_HOLD: HoldDuration = { years: 5 };

/** When a hold that starts at `from` ends. */
export function holdEnds(from: Date, hold: HoldDuration): Date {
  const end = new Date(from.getTime());
  if ('years' in hold) end.setUTCFullYear(end.getUTCFullYear() + hold.years);
  else end.setUTCDate(end.getUTCDate() + hold.days);
  return end;
}
