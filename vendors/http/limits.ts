/**
 * The largest vendor answer (and request) the clients accept. Kriptomat's and SumSub's JSON bodies are a few
 * kilobytes; anything near this size is not an answer the engine can use, and reading it without a bound
 * would let one misbehaving endpoint exhaust the worker's memory.
 */
export const MAX_VENDOR_BODY_BYTES = 1024 * 1024;

/**
 * The largest answer read from the partner's webhook endpoint. The engine uses nothing of it but the status,
 * so a small allowance for an acknowledgement is all it needs; a bigger answer is no delivery.
 */
export const MAX_PARTNER_ANSWER_BYTES = 64 * 1024;
