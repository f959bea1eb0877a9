import { StaticTokenProvider } from '../../vendors/kriptomat/auth';
import { KriptomatClient } from '../../vendors/kriptomat/client';
import { resolveKriptomatPaths } from '../../vendors/kriptomat/paths';
import { ConfigurationError } from '../../domain';
import { failureOf } from '../helpers/rejections';
import type { RecordedReply, RecordedRequest } from '../helpers/recording-server';
import { allowLoopbackHttp, startRecordingServer } from '../helpers/recording-server';

/**
 * Kriptomat's show-user answers beyond its one example (docs/vendor-apis.md, "Kriptomat show user" and
 * "Kriptomat paths"), against a server scripted here from the documentation: numbers and nulls in profile
 * fields, undocumented EDD values, the `v1/users/{user_id}` path variant and 404s that point at a path.
 */ allowLoopbackHttp();

const TOKEN = 'partner-static-token-answers-1';

const SEED_USER = {
  email: 'john@example.invalid',
  name: 'John',
  surname: 'Doe',
  phone: '+381631283023',
  date_of_birth: '1963-09-23',
  address: 'Some street 123',
  building_number: '123',
  city: 'Frankfurt',
  postal_code: '60306',
  country: 'DEU',
  status: 'active',
  kyc_status: 'passed',
  edd_status: '',
};

async function withServer<T>(
  reply: (request: RecordedRequest, index: number) => RecordedReply,
  run: (client: KriptomatClient, requests: RecordedRequest[]) => Promise<T>,
  paths?: ConstructorParameters<typeof KriptomatClient>[0]['paths'],
): Promise<T> {
  const server = await startRecordingServer(reply);
  try {
    const client = new KriptomatClient({ baseUrl: server.url, auth: new StaticTokenProvider(TOKEN), paths });
    return await run(client, server.requests);
  } finally {
    await server.close();
  }
}

const userAnswer = (data: object): RecordedReply => ({ status: 200, body: { status: true, data } });

describe('Kriptomat profile fields the engine does not decide on', () => {
  it('reads numbers and nulls in profile fields instead of parking the read (old code: ContractViolation)', async () => {
    const data = {
      ...SEED_USER,
      postal_code: 11000,
      building_number: 7,
      middle_name: null,
      city: null,
      phone: {},
    };
    await withServer(
      () => userAnswer(data),
      async (client) => {
        expect(await client.readKycStatus('42')).toEqual({ kycStatus: 'passed', eddStatus: 'not_reported' });
        const user = await client.getUser('42');
        expect(user).toMatchObject({ postal_code: '11000', building_number: '7', email: SEED_USER.email });
        expect(user.city).toBeUndefined();
        expect(user.phone).toBeUndefined();
        expect(user).not.toHaveProperty('middle_name');
      },
    );
  });

  it('reads a user whose profile fields are all missing', async () => {
    await withServer(
      () => userAnswer({ kyc_status: 'pending' }),
      async (client) =>
        expect(await client.readKycStatus('43')).toEqual({ kycStatus: 'pending', eddStatus: 'not_reported' }),
    );
  });

  it('still refuses an undocumented kyc_status, naming the field and not the value', async () => {
    await withServer(
      () => userAnswer({ ...SEED_USER, kyc_status: 'under_review' }),
      async (client) => {
        const error = await failureOf(client.readKycStatus('44'));
        expect(error).toMatchObject({ type: 'ContractViolation', retryable: false });
        expect(error.message).toContain('data.kyc_status');
        expect(error.message).not.toContain('under_review');
      },
    );
  });
});

describe('edd_status', () => {
  it.each([
    ['a documented value', 'required', 'required'],
    ['the empty string of the seed', '', 'not_reported'],
    ['null', null, 'not_reported'],
    ['an undocumented value, kept as sent (old code: ContractViolation)', 'in_review', 'in_review'],
    ['another undocumented value', 'EDD-Pending.2', 'EDD-Pending.2'],
    ['prose', 'waiting for the documents of John Doe', 'unreadable'],
    ['a number', 3, 'unreadable'],
    ['an overlong word', 'x'.repeat(80), 'unreadable'],
  ])('reads %s', async (_name, raw, expected) => {
    await withServer(
      () => userAnswer({ ...SEED_USER, edd_status: raw }),
      async (client) => expect((await client.readKycStatus('45')).eddStatus).toBe(expected),
    );
  });

  it('reads a missing edd_status as not reported', async () => {
    const { edd_status: _dropped, ...withoutEdd } = SEED_USER;
    await withServer(
      () => userAnswer(withoutEdd),
      async (client) => expect((await client.readKycStatus('46')).eddStatus).toBe('not_reported'),
    );
  });
});

describe('Kriptomat paths', () => {
  it('reads users at the documented v1/users/{user_id} variant, written as Kriptomat writes it', async () => {
    await withServer(
      () => userAnswer(SEED_USER),
      async (client, requests) => {
        await client.readKycStatus('1');
        expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v1/users/1']);
      },
      { showUser: 'v1/users/{user_id}', importKyc: 'v1/users/{user_id}/kyc-import' },
    );
  });

  it.each([
    ['no placeholder', { showUser: '/v1/users' }, 'KRIPTOMAT_SHOW_USER_PATH'],
    ['two placeholders', { importKyc: '/v1/users/{userId}/{id}/kyc-import' }, 'KRIPTOMAT_IMPORT_PATH'],
  ])('refuses a user path with %s as a configuration error naming its variable', (_name, paths, variable) => {
    expect(() => resolveKriptomatPaths(paths)).toThrow(ConfigurationError);
    expect(() => resolveKriptomatPaths(paths)).toThrow(variable);
  });

  it('says a 404 on the first read ever is likely a wrong path (old code: only "no such user")', async () => {
    await withServer(
      () => ({ status: 404, body: { message: 'Not Found' } }),
      async (client) => {
        const error = await failureOf(client.readKycStatus('47'));
        expect(error).toMatchObject({ type: 'UserNotFound', retryable: false, context: { status: 404 } });
        expect(error.message).toMatch(/no user read has succeeded yet.*check KRIPTOMAT_SHOW_USER_PATH/);
      },
    );
  });

  it('says so again once several reads in a row answer 404, but not for one unknown user', async () => {
    await withServer(
      (_request, index) =>
        index === 0 ? userAnswer(SEED_USER) : { status: 404, body: { message: 'Not Found' } },
      async (client) => {
        await client.readKycStatus('48');
        const messages: string[] = [];
        for (const userId of ['49', '50', '51'])
          messages.push((await failureOf(client.readKycStatus(userId))).message);
        expect(messages[0]).not.toContain('KRIPTOMAT_SHOW_USER_PATH');
        expect(messages[1]).not.toContain('KRIPTOMAT_SHOW_USER_PATH');
        expect(messages[2]).toMatch(/the last 3 user reads all answered 404.*check KRIPTOMAT_SHOW_USER_PATH/);
      },
    );
  });

  it('never follows a redirect with the bearer token', async () => {
    await withServer(
      (request) =>
        request.path.startsWith('/moved')
          ? userAnswer(SEED_USER)
          : { status: 307, headers: { location: '/moved/users/52' } },
      async (client, requests) => {
        const error = await failureOf(client.readKycStatus('52'));
        expect(error).toMatchObject({ retryable: false, context: { status: 307 } });
        expect(requests).toHaveLength(1);
      },
    );
  });
});
