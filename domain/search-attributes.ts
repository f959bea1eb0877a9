import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * The custom search attributes operations filter cases by in the Temporal UI and CLI. They are stored in
 * plain text (a payload codec does not cover them), so they only ever hold enum values, never personal data.
 */
/** A case's phase, or `watching` on the watch of an approved user (domain/watch.ts). */
export const KYC_PHASE = defineSearchAttributeKey('KycPhase', SearchAttributeType.KEYWORD);
export const KYC_STATUS = defineSearchAttributeKey('KycStatus', SearchAttributeType.KEYWORD);
export const EDD_STATUS = defineSearchAttributeKey('EddStatus', SearchAttributeType.KEYWORD);
export const KYC_OUTCOME = defineSearchAttributeKey('KycOutcome', SearchAttributeType.KEYWORD);

/** Every key the project registers on a namespace (dev server flags, test environments, compose). */
export const KYC_SEARCH_ATTRIBUTES = [KYC_PHASE, KYC_STATUS, EDD_STATUS, KYC_OUTCOME] as const;
