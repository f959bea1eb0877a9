import { z } from 'zod';
import { eddStatusFrom, KYC_STATUS_ALIASES } from '../../domain';
import type { EddStatus, KycStatus } from '../../domain';

/**
 * A profile field the engine does not decide on. Kriptomat may send a number or `null` where its example
 * shows a string (`postal_code: 11000`, `middle_name: null`; docs/vendor-apis.md, "Kriptomat show user"), so
 * any JSON value or none is accepted: a string is kept, a finite number becomes its decimal string, and
 * anything else is dropped. Such a field can never fail a read.
 */
const profileText = z
  .unknown()
  .optional()
  .transform((raw): string | undefined => {
    if (typeof raw === 'string') return raw;
    if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
    return undefined;
  });

/** The one field that decides a case: strict, an undocumented value is a contract error, not a default. */
const kycStatus = z
  .enum(Object.keys(KYC_STATUS_ALIASES) as [string, ...string[]])
  .transform((raw): KycStatus => KYC_STATUS_ALIASES[raw] as KycStatus);

/** Recorded and shown, never decided on: see `eddStatusFrom`. */
const eddStatus = z
  .unknown()
  .optional()
  .transform((raw): EddStatus => eddStatusFrom(raw));

/** `data` of the show-user call, as documented by Kriptomat; fields not listed are dropped on parse. */
const kriptomatUserSchema = z.object({
  email: profileText,
  name: profileText,
  surname: profileText,
  phone: profileText,
  date_of_birth: profileText,
  address: profileText,
  building_number: profileText,
  city: profileText,
  postal_code: profileText,
  country: profileText,
  /** The account status (`active` in the documentation), distinct from the KYC status. */
  status: profileText,
  kyc_status: kycStatus,
  edd_status: eddStatus,
});
export type KriptomatUser = z.infer<typeof kriptomatUserSchema>;

export const showUserResponseSchema = z.object({ status: z.literal(true), data: kriptomatUserSchema });

/** `POST .../kyc-import` answers `{status: true}`; anything else is not a documented success. */
export const importKycResponseSchema = z.object({ status: z.literal(true) });

/** Seconds, as a JSON number or a numeric string (the login answer is undocumented: both are accepted). */
const seconds = z.union([
  z.number().positive(),
  z
    .string()
    .regex(/^\d{1,9}(\.\d+)?$/, 'expected a number of seconds')
    .transform(Number)
    .pipe(z.number().positive()),
]);

const loginToken = z.object({
  access_token: z.string().min(1),
  /** Seconds the token lives; sessions last 60 minutes when it is absent. */
  expires_in: seconds.nullish(),
});

/**
 * The login answer. Kriptomat does not show it: the token is accepted at the top level
 * (`{access_token, expires_in?}`) or wrapped like every other Kriptomat answer (`{status, data: {...}}`).
 * Other fields are ignored. An answer with neither is a contract error naming the top-level fields.
 */
export const loginResponseSchema = z.preprocess((body) => unwrapData(body), loginToken);

function unwrapData(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || 'access_token' in body) return body;
  const { data } = body as { data?: unknown };
  return typeof data === 'object' && data !== null && 'access_token' in data ? data : body;
}
