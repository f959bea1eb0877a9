import { ConfigurationError } from '../../domain';
import { loadWorkerConfig } from '../../config';
import { TEST_CODEC_ENV } from '../helpers/codec';

const SUMSUB = {
  SUMSUB_APP_TOKEN: 'sbx:t',
  SUMSUB_SECRET_KEY: 's',
  SUMSUB_KRIPTOMAT_CLIENT_ID: 'kriptomat',
  ...TEST_CODEC_ENV,
};
const LOGIN = {
  KRIPTOMAT_CLIENT_ID: 'id',
  KRIPTOMAT_CLIENT_SECRET: 'secret',
  KRIPTOMAT_EMAIL: 'ops@partner.example',
  KRIPTOMAT_PASSWORD: 'pw',
  KRIPTOMAT_TOTP_SECRET: 'JBSWY3DPEHPK3PXP',
};

/** The configuration error's message for `env`, which must be invalid. */
function problemsWith(env: NodeJS.ProcessEnv): string {
  try {
    loadWorkerConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as ConfigurationError).message;
  }
  throw new Error('expected the configuration to be refused');
}

describe('loadWorkerConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadWorkerConfig({
      KRIPTOMAT_BASE_URL: 'https://api.kriptomat.io',
      KRIPTOMAT_TOKEN: 't',
      ...SUMSUB,
    });
    expect(config).toMatchObject({
      TEMPORAL_ADDRESS: 'localhost:7233',
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: 'kyc',
      SUMSUB_BASE_URL: 'https://api.sumsub.com',
      SUMSUB_LEVEL_NAME: 'basic-kyc-level',
      SUMSUB_SHARE_TOKEN_VARIANT: 'query',
      SUMSUB_SHARE_TOKEN_TTL_SECS: 1200,
    });
  });

  it("reads the vendors' HTTP timeouts as milliseconds, left to the clients' 15 s when unset", () => {
    const base = { KRIPTOMAT_BASE_URL: 'https://api.kriptomat.io', KRIPTOMAT_TOKEN: 't', ...SUMSUB };
    expect(loadWorkerConfig({ ...base, KRIPTOMAT_TIMEOUT: '3s', SUMSUB_TIMEOUT: '1500ms' })).toMatchObject({
      KRIPTOMAT_TIMEOUT: 3_000,
      SUMSUB_TIMEOUT: 1_500,
    });
    const defaults = loadWorkerConfig(base);
    expect([defaults.KRIPTOMAT_TIMEOUT, defaults.SUMSUB_TIMEOUT]).toEqual([undefined, undefined]);
  });

  it('names every missing or malformed variable, without echoing values', () => {
    const message = problemsWith({
      KRIPTOMAT_BASE_URL: 'ftp://secret-host.example',
      TEMPORAL_TASK_QUEUE: '',
    });
    for (const name of [
      'KRIPTOMAT_BASE_URL',
      'TEMPORAL_TASK_QUEUE',
      'SUMSUB_APP_TOKEN',
      'SUMSUB_SECRET_KEY',
      'SUMSUB_KRIPTOMAT_CLIENT_ID',
      'KYC_CODEC_KEY',
    ]) {
      expect(message).toMatch(new RegExp(`${name}: `));
    }
    expect(message).not.toContain('secret-host');
  });

  it('takes the five login variables instead of a static Kriptomat token', () => {
    expect(
      loadWorkerConfig({ KRIPTOMAT_BASE_URL: 'https://api.kriptomat.io', ...LOGIN, ...SUMSUB }),
    ).toMatchObject(LOGIN);
  });

  it('names the login variables still missing when neither a token nor a full login is given', () => {
    const { KRIPTOMAT_TOTP_SECRET: _, KRIPTOMAT_PASSWORD: __, ...partial } = LOGIN;
    const message = problemsWith({ KRIPTOMAT_BASE_URL: 'https://api.kriptomat.io', ...partial, ...SUMSUB });
    expect(message).toContain('KRIPTOMAT_TOTP_SECRET: required unless KRIPTOMAT_TOKEN is set');
    expect(message).toContain('KRIPTOMAT_PASSWORD: required unless KRIPTOMAT_TOKEN is set');
    expect(message).not.toContain('KRIPTOMAT_EMAIL');
    expect(message).not.toContain(LOGIN.KRIPTOMAT_CLIENT_SECRET);
  });

  it('requires a signing secret with a partner webhook URL, and a path for every moved endpoint', () => {
    const message = problemsWith({
      KRIPTOMAT_BASE_URL: 'https://api.kriptomat.io',
      KRIPTOMAT_TOKEN: 't',
      KRIPTOMAT_IMPORT_PATH: 'v1/users/{userId}/kyc-import',
      PARTNER_WEBHOOK_URL: 'https://partner.example/kyc-events',
      ...SUMSUB,
    });
    expect(message).toContain('PARTNER_WEBHOOK_SECRET: required when PARTNER_WEBHOOK_URL is set');
    expect(message).toContain('KRIPTOMAT_IMPORT_PATH: must be a path starting with /');
  });
});
