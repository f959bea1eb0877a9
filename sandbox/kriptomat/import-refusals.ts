import { scenarioForUser } from '../scenarios';

/** What a refused first import answers, as the `import_refused-` / `import_unauthorized-` scenarios say. */
export type ImportRefusal = 'plain_422' | 'unauthenticated';

/**
 * Kriptomat's undocumented refusals of a first import: once per user whose scenario asks for one, the next
 * import that carries a redeemable share token burns it and is refused. Later imports proceed as usual.
 */
export class ImportRefusals {
  private readonly refused = new Set<string>();

  /** The refusal this import of `userId` gets (and records), or null. */
  take(userId: string): ImportRefusal | null {
    const refusal = scenarioForUser(userId).firstImportRefusal;
    if (refusal === undefined || this.refused.has(userId)) return null;
    this.refused.add(userId);
    return refusal;
  }
}

/** The bodies Kriptomat sends with them: its own plain shape, no SumSub code passed through. */
export const IMPORT_REFUSAL_ANSWERS = {
  plain_422: { status: 422, body: { status: false, message: 'The token is invalid.' } },
  unauthenticated: { status: 401, body: { message: 'Unauthenticated.' } },
} as const;
