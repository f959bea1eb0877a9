import type { CliConfig } from '../config';
import { ConfigurationError, isLoopbackHost } from '../domain';
import { CaseNotFoundError } from '../client/case-errors';

/** The API answered with an error the operator should read (its `message`). Exit 1. */
export class ApiRequestError extends Error {
  override name = 'ApiRequestError';
}

/** The audit trail holds nothing of the user (never recorded, or erased). Exit 3, as a missing case. */
export class NothingRecordedError extends CaseNotFoundError {
  override name = 'NothingRecordedError';
  constructor(userId: string) {
    super(userId);
    this.message = `the audit trail holds nothing of user ${userId} (never recorded, or erased)`;
  }
}

/** Longest error body read from the API: its messages are at most 1000 characters. */
const MAX_ERROR_BODY = 4096;

/**
 * Calls to the engine's HTTP API, for the commands that go through it: the audit trail lives in the API's
 * database (under `npm start` an embedded one, which only the API's process may open).
 */
export class ApiClient {
  private constructor(
    private readonly base: URL,
    private readonly token: string,
  ) {}

  /** From `KYC_API_URL` and `KYC_API_TOKEN`; plain http only to this machine, since the token goes along. */
  static fromConfig(config: Pick<CliConfig, 'KYC_API_URL' | 'KYC_API_TOKEN'>, what: string): ApiClient {
    if (!config.KYC_API_TOKEN)
      throw new ConfigurationError(`${what} goes through the API: set KYC_API_TOKEN (and KYC_API_URL)`);
    const base = new URL(config.KYC_API_URL);
    if (base.protocol !== 'https:' && !isLoopbackHost(base.hostname))
      throw new ConfigurationError('KYC_API_URL must be https unless it names this machine');
    return new ApiClient(base, config.KYC_API_TOKEN);
  }

  /**
   * A request with the bearer token, and `body` sent as JSON when given; a 2xx response, else the API's error
   * as an exception. `userId` turns a 404 into `NothingRecordedError`.
   */
  async request(method: string, path: string, userId?: string, body?: unknown): Promise<Response> {
    const url = new URL(path, this.base);
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
    } catch (error) {
      const why =
        error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : '';
      throw new ApiRequestError(`cannot reach the API at ${this.base.origin}: ${why}`);
    }
    if (response.ok) return response;
    const message = await errorMessage(response);
    if (response.status === 404 && userId !== undefined) throw new NothingRecordedError(userId);
    if (response.status === 401)
      throw new ConfigurationError(`the API refused KYC_API_TOKEN (401): ${message}`);
    throw new ApiRequestError(`the API answered ${response.status}: ${message}`);
  }

  /** A JSON answer (to `body`, sent as JSON, when given). */
  async json(method: string, path: string, userId?: string, body?: unknown): Promise<unknown> {
    return (await this.request(method, path, userId, body)).json();
  }
}

async function errorMessage(response: Response): Promise<string> {
  const text = (await response.text()).slice(0, MAX_ERROR_BODY);
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown };
    if (typeof body.message === 'string') return body.message;
    return typeof body.error === 'string' ? body.error : text;
  } catch {
    return text || response.statusText;
  }
}
