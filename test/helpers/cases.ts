import type { Client } from '@temporalio/client';
import type { KycCaseHandle } from '../../client/kyc-cases';
import type { KycCaseState } from '../../domain';
import { getStateQuery } from '../../workflows/messages';
import { eventually } from './eventually';

/** The phases a case went through, in order. */
export const phasesOf = (state: KycCaseState) => state.phases.map((change) => change.phase);

/** The phases of a user who never did KYC, from the first read until Kriptomat decides. */
export const ONBOARDING_PHASES = [
  'checking',
  'sumsub_applicant',
  'awaiting_user',
  'sharing',
  'awaiting_kriptomat',
];

/** Waits until the case's state satisfies `done`, and returns that state. */
export function untilState(
  handle: KycCaseHandle,
  done: (state: KycCaseState) => boolean,
  timeoutMs?: number,
): Promise<KycCaseState> {
  return eventually(async () => {
    const state = await handle.query(getStateQuery);
    return done(state) ? state : undefined;
  }, timeoutMs);
}

/** The first execution a visibility query finds, once it finds one (visibility can lag a moment). */
export function firstListed(client: Client, query: string) {
  return eventually(async () => {
    for await (const execution of client.workflow.list({ query })) return execution;
    return undefined;
  });
}
