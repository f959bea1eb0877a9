/**
 * Saved histories are kept per generation of the workflow code, a folder each under `histories/`: a case that
 * began under an older generation is still replayed by today's code, so older folders are never re-recorded.
 * `npm run record-histories` writes into the newest generation's folder, named here.
 */
export const GENERATION = '2026-12-retry-after-timer';
