import { startSandbox } from '../../sandbox/start-sandbox';
import { loadSandboxSettings } from '../../sandbox/main';
import { variantsFromEnv } from '../../sandbox/settings';

/** The vendor variants reach both simulators from the environment (as `npm start` runs) or from options. */
describe('startSandbox variants', () => {
  it('reads them from the environment and hands the paths to the worker', async () => {
    const sandbox = await startSandbox({
      webhookUrl: null,
      env: {
        KRIPTOMAT_SIM_LOGIN_ANSWER: 'wrapped',
        KRIPTOMAT_SHOW_USER_PATH: '/v1/users/{user_id}',
        SUMSUB_SIM_CONFLICT_DESCRIPTION: 'without_id',
      },
    });
    try {
      const { KRIPTOMAT_BASE_URL, KRIPTOMAT_TOKEN } = sandbox.workerEnv;
      expect(sandbox.workerEnv.KRIPTOMAT_SHOW_USER_PATH).toBe('/v1/users/{user_id}');
      const shown = await fetch(`${KRIPTOMAT_BASE_URL}/v1/users/passed-1`, {
        headers: { authorization: `Bearer ${KRIPTOMAT_TOKEN}` },
      });
      expect(shown.status).toBe(200);
    } finally {
      await sandbox.close();
    }
  });

  it('names a malformed variable, never its value', () => {
    expect(() => variantsFromEnv({ SUMSUB_SIM_DIGEST_ALG: 'md5-secret-ish' })).toThrow(
      /SUMSUB_SIM_DIGEST_ALG/,
    );
    expect(() => variantsFromEnv({ SUMSUB_SIM_DIGEST_ALG: 'md5-secret-ish' })).not.toThrow(/md5-secret-ish/);
    expect(
      variantsFromEnv({ SUMSUB_SIM_DIGEST_ALG_HEADER: 'false', KRIPTOMAT_SIM_CLIENT_ID: 'integer' }),
    ).toEqual({
      omitDigestAlgHeader: true,
      loginClientId: 'integer',
    });
  });

  it('is what sandbox/main.ts reads besides its own settings', () => {
    const settings = loadSandboxSettings({
      KRIPTOMAT_TOKEN: 't',
      SUMSUB_APP_TOKEN: 'a',
      SUMSUB_SECRET_KEY: 's',
      KRIPTOMAT_SIM_WEBHOOK_URL: 'http://127.0.0.1:8080/webhooks/kriptomat/token',
    });
    expect(settings.KRIPTOMAT_SIM_WEBHOOK_URL).toBe('http://127.0.0.1:8080/webhooks/kriptomat/token');
    expect(() => loadSandboxSettings({ SUMSUB_APP_TOKEN: 'a' })).toThrow(/SUMSUB_SECRET_KEY/);
  });
});
