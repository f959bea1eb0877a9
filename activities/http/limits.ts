/**
 * The largest vendor answer (and request) the clients accept. Kriptomat's and SumSub's JSON bodies are a few
 * kilobytes; anything near this size is not an answer the engine can use, and reading it without a bound
 * would let one misbehaving endpoint exhaust the worker's memory.
 */
export const MAX_VENDOR_BODY_BYTES = 1024 * 1024;

/** The axios settings that enforce it: a bigger answer is abandoned while it streams in, not buffered. */
export const VENDOR_BODY_LIMITS = {
  maxContentLength: MAX_VENDOR_BODY_BYTES,
  maxBodyLength: MAX_VENDOR_BODY_BYTES,
} as const;
