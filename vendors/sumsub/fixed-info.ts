import type { KriptomatUser } from '../kriptomat/schemas';
import type { NewApplicant } from './schemas';

/**
 * The SumSub applicant of a Kriptomat user, pre-filled from the Kriptomat profile so the user types less in
 * the WebSDK. Only fields Kriptomat actually sent are passed on; nothing here is ever logged or returned to
 * the workflow.
 */
export function applicantFromProfile(userId: string, user: KriptomatUser): NewApplicant {
  const address = compact({
    street: user.address ?? undefined,
    buildingNumber: user.building_number ?? undefined,
    town: user.city ?? undefined,
    postCode: user.postal_code ?? undefined,
    country: alpha3(user.country),
  });
  const fixedInfo = compact({
    firstName: user.name ?? undefined,
    lastName: user.surname ?? undefined,
    dob: user.date_of_birth ?? undefined,
    country: alpha3(user.country),
    addresses: Object.keys(address).length > 0 ? [address] : undefined,
  });
  return compact({
    externalUserId: userId,
    email: user.email ?? undefined,
    phone: user.phone ?? undefined,
    fixedInfo: Object.keys(fixedInfo).length > 0 ? fixedInfo : undefined,
  });
}

/** SumSub wants ISO alpha-3 (Kriptomat's example sends `DEU`); anything else is left for the user to enter. */
function alpha3(country: string | null | undefined): string | undefined {
  return country && /^[A-Z]{3}$/.test(country) ? country : undefined;
}

/** Drops undefined and empty-string fields, so SumSub sees only what Kriptomat knows. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, field]) => field !== undefined && field !== ''),
  ) as T;
}
