import { freeLoopbackPort } from '../../worker/free-port';
import { sumsubClientFrom } from '../../vendors/clients';
import type { ApiEnv } from './api-harness';
import { startApiEnv } from './api-harness';

/**
 * The API mints WebSDK tokens through the SumSub client and its shared budget (KYC_DATABASE_URL). With the
 * engine's database unreachable no call goes out uncounted: the partner gets a 503 to retry, naming neither
 * the database's address nor its password.
 */
const PASSWORD = 'db-password-DO-NOT-LEAK-4';
let api: ApiEnv;
let sumsubCalls = 0;
beforeAll(async () => {
  const closedPort = await freeLoopbackPort();
  const sumsub = sumsubClientFrom(
    {
      // Where nothing listens: the request would be SumSub's, but the store must be asked first.
      SUMSUB_BASE_URL: 'http://127.0.0.1:1',
      SUMSUB_APP_TOKEN: 'sbx:app-token',
      SUMSUB_SECRET_KEY: 'secret-key',
      SUMSUB_GETS_PER_5S: 270,
      SUMSUB_POSTS_PER_5S: 45,
      KYC_DATABASE_URL: `postgres://kyc:${PASSWORD}@127.0.0.1:${closedPort}/kyc`,
      KYC_ALLOW_INSECURE_HOSTS: ['127.0.0.1'],
    },
    { observer: () => void (sumsubCalls += 1) },
  );
  api = await startApiEnv('api-vendor-limits', { sumsub });
});
afterAll(async () => api?.stop());

it('answers 503 for a WebSDK token while the vendor limit store is down, and sends nothing to SumSub', async () => {
  const userId = api.t.userOf('limits');
  api.t.partners.user(userId, 'not_started');
  expect((await api.call('PUT', `/v1/cases/${userId}`)).status).toBe(202);
  await api.until(userId, (view) => view.phase === 'awaiting_user');

  const response = await api.call('POST', `/v1/cases/${userId}/sumsub-access-token`);
  expect(response.status).toBe(503);
  expect(response.body.error).toBe('unavailable');
  expect(response.body.message).toContain('database');
  expect(sumsubCalls).toBe(0);
  const everything = JSON.stringify(response.body) + api.logs.text();
  expect(everything).not.toContain(PASSWORD);
}, 60_000);
