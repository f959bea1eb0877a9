import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { kycDataConverter } from '../../codec';

/** A fixed test key (never a real one): tests decode what their workers encrypt. */
export const TEST_CODEC_ENV = {
  KYC_CODEC_KEY: `test-1:${Buffer.alloc(32, 7).toString('base64')}`,
} as const;

/** The test key as the configuration parses it. */
export const TEST_CODEC_CONFIG = { KYC_CODEC_KEY: TEST_CODEC_ENV.KYC_CODEC_KEY, KYC_CODEC_PREVIOUS_KEYS: [] };

/** A client of the test server that encrypts and decrypts payloads like the project's own clients. */
export function codecClient(env: TestWorkflowEnvironment): Client {
  return new Client({
    connection: env.connection,
    namespace: env.namespace ?? 'default',
    dataConverter: kycDataConverter(TEST_CODEC_CONFIG),
  });
}
