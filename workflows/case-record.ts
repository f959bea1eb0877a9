import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type { SearchAttributePair } from '@temporalio/common';
import type { CasePhase, KriptomatKycSnapshot, KycCaseState } from '../domain';
import { EDD_STATUS, isOutcome, KYC_OUTCOME, KYC_PHASE, KYC_STATUS } from '../domain';
import { renderDetails } from './case-details';

/** A fresh case in `checking`. Workflow time (`new Date()`) is deterministic, so timestamps replay exactly. */
export function newCaseState(userId: string): KycCaseState {
  const now = new Date().toISOString();
  return {
    userId,
    phase: 'checking',
    outcome: null,
    kycStatus: null,
    eddStatus: null,
    review: null,
    phases: [{ phase: 'checking', at: now }],
    lastError: null,
    kriptomatChecks: 0,
    sumsubChecks: 0,
    sumsubEvents: 0,
    droppedMessages: 0,
    wait: null,
    nextCheckAt: null,
    notifications: 0,
    cancelReason: null,
    runs: 1,
    startedAt: now,
    updatedAt: now,
  };
}

/** Moves the case to `phase` and shows it to operators (search attributes and UI details). */
export function enterPhase(state: KycCaseState, phase: CasePhase): void {
  const now = new Date().toISOString();
  state.phase = phase;
  state.updatedAt = now;
  state.nextCheckAt = null;
  if (isOutcome(phase)) state.outcome = phase;
  // An unresolved case keeps the error it was parked with: that is why it ended.
  if (phase !== 'needs_attention' && phase !== 'unresolved') state.lastError = null;
  // A wait belongs to its phase; parking keeps it so `retry` resumes the same wait and deadline.
  if (phase !== state.wait?.phase && phase !== 'needs_attention') state.wait = null;
  state.phases.push({ phase, at: now });
  publish(state);
}

/**
 * Records a fresh read of the Kriptomat user and says whether a status changed. It shows nothing itself: the
 * caller usually changes phase next, and one search-attribute update (a history event) should cover both.
 */
export function recordSnapshot(state: KycCaseState, snapshot: KriptomatKycSnapshot): boolean {
  const changed = state.kycStatus !== snapshot.kycStatus || state.eddStatus !== snapshot.eddStatus;
  state.kycStatus = snapshot.kycStatus;
  state.eddStatus = snapshot.eddStatus;
  state.kriptomatChecks += 1;
  state.updatedAt = new Date().toISOString();
  return changed;
}

/** The search attributes that show the case, as one update. */
export function searchAttributesOf(state: KycCaseState): SearchAttributePair[] {
  return [
    { key: KYC_PHASE, value: state.phase },
    ...(state.kycStatus ? [{ key: KYC_STATUS, value: state.kycStatus }] : []),
    ...(state.eddStatus ? [{ key: EDD_STATUS, value: state.eddStatus }] : []),
    ...(state.outcome ? [{ key: KYC_OUTCOME, value: state.outcome }] : []),
  ];
}

/** Shows the case to operators: search attributes (a history event) and the UI details. */
export function publish(state: KycCaseState): void {
  upsertSearchAttributes(searchAttributesOf(state));
  showDetails(state);
}

/** Refreshes only the UI details (no history event), e.g. after the next check time changed. */
export function showDetails(state: KycCaseState): void {
  setCurrentDetails(renderDetails(state));
}
