/**
 * The partner account allowed to log in to the simulated Kriptomat: the documented login fields
 * (`client_id`, `client_secret`, `email`, `password`) and the base32 TOTP secret behind `security_code`.
 */
export interface PartnerAccount {
  clientId: string;
  clientSecret: string;
  email: string;
  password: string;
  totpSecret: string;
  /** The TOTP time step in seconds: 30, as Google Authenticator; shorter for test accounts that log in often. */
  totpPeriodSeconds?: number;
}
