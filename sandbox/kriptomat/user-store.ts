import { randomBytes } from 'node:crypto';
import { scenarioForUser } from '../scenarios';

/** A simulated Kriptomat user, shaped like the documented `data` object. The profile is obviously fake. */
export interface SimulatedUser {
  email: string;
  name: string;
  surname: string;
  phone: string;
  date_of_birth: string;
  address: string;
  building_number: string;
  city: string;
  postal_code: string;
  country: string;
  status: string;
  kyc_status: string;
  edd_status: string;
}

/** The simulator's users, created from their scenario on first sight and changeable by tests and people. */
export class SimulatedUserStore {
  private readonly users = new Map<string, SimulatedUser | null>();
  /** Kriptomat's own applicant id per user (what its webhook names; never SumSub's applicant id). */
  private readonly applicantIds = new Map<string, string>();

  /** The user, or null for an unknown user (the API answers 404). */
  get(userId: string): SimulatedUser | null {
    if (!this.users.has(userId)) this.users.set(userId, fromScenario(userId));
    return this.users.get(userId) ?? null;
  }

  /** Changes statuses of a user (creating it, even for an id no scenario knows). */
  update(userId: string, patch: Partial<Pick<SimulatedUser, 'kyc_status' | 'edd_status'>>): SimulatedUser {
    const user = { ...(this.get(userId) ?? fakeProfile(userId, 'not_started', '')), ...patch };
    this.users.set(userId, user);
    return user;
  }

  /** Kriptomat's applicant id of a user: random, stable for the simulator's lifetime. */
  applicantIdOf(userId: string): string {
    let id = this.applicantIds.get(userId);
    if (id === undefined) {
      id = `km-${randomBytes(8).toString('hex')}`;
      this.applicantIds.set(userId, id);
    }
    return id;
  }
}

function fromScenario(userId: string): SimulatedUser | null {
  const scenario = scenarioForUser(userId);
  return scenario.kycStatus === null ? null : fakeProfile(userId, scenario.kycStatus, scenario.eddStatus);
}

function fakeProfile(userId: string, kycStatus: string, eddStatus: string): SimulatedUser {
  return {
    email: `${userId}@sandbox.invalid`,
    name: 'Sandy',
    surname: `Box-${userId}`,
    phone: '+10000000000',
    date_of_birth: '1990-01-01',
    address: 'Sandbox street 1',
    building_number: '1',
    city: 'Frankfurt',
    postal_code: '60306',
    country: 'DEU',
    status: 'active',
    kyc_status: kycStatus,
    edd_status: eddStatus,
  };
}

/**
 * The `data` object show-user answers with: as documented, or, for `loose_profile-` users, with numbers and
 * nulls where the seed shows strings and a field it does not show at all (none of them decides a case).
 */
export function shownUser(userId: string, user: SimulatedUser): Record<string, unknown> {
  if (scenarioForUser(userId).profile !== 'loose') return { ...user };
  return { ...user, postal_code: 11000, building_number: 12, middle_name: null, referral_tier: 2 };
}
