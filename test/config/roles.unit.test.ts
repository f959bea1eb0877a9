import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { caseTimingsFromConfig } from '../../client/case-timings';
import { environmentWithDotenv, loadApiConfig, loadCliConfig } from '../../config';
import { ConfigurationError } from '../../domain';
import { TEST_CODEC_ENV } from '../helpers/codec';

const API = {
  ...TEST_CODEC_ENV,
  KYC_API_TOKEN: 'a-long-enough-api-token-0123456789',
  SUMSUB_APP_TOKEN: 'sbx:t',
  SUMSUB_SECRET_KEY: 's',
  SUMSUB_WEBHOOK_SECRET: 'w',
};

function refusal(load: () => unknown): string {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as Error).message;
  }
  throw new Error('expected the configuration to be refused');
}

describe('the API configuration', () => {
  it('needs the API token, the webhook secret, SumSub credentials and the codec key', () => {
    const message = refusal(() => loadApiConfig({}));
    for (const name of [
      'KYC_API_TOKEN',
      'SUMSUB_WEBHOOK_SECRET',
      'SUMSUB_APP_TOKEN',
      'SUMSUB_SECRET_KEY',
      'KYC_CODEC_KEY',
    ]) {
      expect(message).toContain(`${name}: `);
    }
  });

  it('has the documented defaults', () => {
    expect(loadApiConfig(API)).toMatchObject({
      KYC_API_HOST: '127.0.0.1',
      KYC_API_PORT: 8080,
      KYC_API_BEHIND_TLS_PROXY: false,
      KYC_API_CASE_STARTS_PER_MINUTE: 600,
      KYC_API_REQUESTS_PER_MINUTE: 6000,
      KYC_CODEC_ALLOWED_HOSTS: [],
      TEMPORAL_ADDRESS: 'localhost:7233',
      TEMPORAL_TASK_QUEUE: 'kyc',
      KYC_CODEC_CORS_ORIGINS: ['http://localhost:8233', 'http://127.0.0.1:8233'],
    });
  });

  it('refuses a short API token without echoing it', () => {
    const message = refusal(() => loadApiConfig({ ...API, KYC_API_TOKEN: 'hunter2' }));
    expect(message).toContain('KYC_API_TOKEN: must be at least 32 characters');
    expect(message).not.toContain('hunter2');
  });

  it('asks for the key of a client certificate', () => {
    expect(refusal(() => loadApiConfig({ ...API, TEMPORAL_TLS_CERT_PATH: '/tls/client.pem' }))).toContain(
      'TEMPORAL_TLS_KEY_PATH: mTLS needs both the certificate and its key',
    );
  });
});

describe('default timings of new cases', () => {
  it('reads durations as milliseconds and leaves unset ones to the workflow', () => {
    const config = loadCliConfig({
      ...TEST_CODEC_ENV,
      KYC_READ_SCHEDULE: '30s, 1m,1h',
      KYC_DECISION_DEADLINE: '14d',
      KYC_PARKED_DEADLINE: '7d',
      KYC_WAITS_PER_RUN: '5',
    });
    expect(caseTimingsFromConfig(config)).toEqual({
      pollSchedule: [30_000, 60_000, 3_600_000],
      decisionDeadline: 14 * 24 * 3_600_000,
      parkedDeadline: 7 * 24 * 3_600_000,
      waitsPerRun: 5,
    });
  });

  it('names a malformed duration', () => {
    const message = refusal(() => loadCliConfig({ ...TEST_CODEC_ENV, KYC_READ_SCHEDULE: '30s,soon' }));
    expect(message).toContain('KYC_READ_SCHEDULE.1: must be a duration such as 30s, 15m, 1h or 14d');
    expect(refusal(() => loadCliConfig({ ...TEST_CODEC_ENV, KYC_USER_DEADLINE: '30 days' }))).toContain(
      'KYC_USER_DEADLINE: ',
    );
  });
});

describe('.env', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kyc-env-'));
  const file = path.join(dir, 'kyc.env');
  writeFileSync(file, `KYC_API_PORT=9090\nTEMPORAL_NAMESPACE=from-file\n`);

  it('fills in what the environment does not set; the environment wins', () => {
    const env = environmentWithDotenv({ KYC_ENV_FILE: file, TEMPORAL_NAMESPACE: 'from-env' });
    expect(env).toMatchObject({ KYC_API_PORT: '9090', TEMPORAL_NAMESPACE: 'from-env' });
  });

  it('names a KYC_ENV_FILE that does not exist', () => {
    expect(() => environmentWithDotenv({ KYC_ENV_FILE: path.join(dir, 'missing.env') })).toThrow(
      /^KYC_ENV_FILE: no such file/,
    );
  });
});
