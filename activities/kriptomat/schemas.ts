import { z } from 'zod';
import { EDD_STATUSES, KYC_STATUS_ALIASES } from '../../domain';
import type { EddStatus, KycStatus } from '../../domain';

/** Profile fields the engine does not decide on: tolerated when null or missing, typed when present. */
const profileText = z.string().nullish();

const kycStatus = z
  .enum(Object.keys(KYC_STATUS_ALIASES) as [string, ...string[]])
  .transform((raw): KycStatus => KYC_STATUS_ALIASES[raw] as KycStatus);

const reportedEdd = EDD_STATUSES.filter((status) => status !== 'not_reported');
const eddStatus = z
  .enum([...reportedEdd, ''])
  .nullish()
  .transform((raw): EddStatus => (raw ? (raw as EddStatus) : 'not_reported'));

/** `data` of `GET /api/v1/partners/users/{user_id}`, as documented by Kriptomat. */
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

/** `POST /api/v1/partners/auth/login`: only the token and its lifetime matter; other fields are ignored. */
export const loginResponseSchema = z.object({
  access_token: z.string().min(1),
  /** Seconds the token lives; sessions last 60 minutes when it is absent. */
  expires_in: z.number().positive().nullish(),
});
