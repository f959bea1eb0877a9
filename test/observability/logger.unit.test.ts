import { ApplicationFailure } from '@temporalio/common';
import { Writable } from 'node:stream';
import { createLogger, sdkLogger } from '../../observability/logger';

/** Personal data and secrets, each distinctive so a leak anywhere in the output is found. */
const PERSONAL = {
  email: 'jane.leak-7731@example.invalid',
  name: 'Janet',
  surname: 'Leakinson',
  phone: '+386 40 111 2233',
  dob: '1987-03-14',
  date_of_birth: '1987-03-15',
  address: 'Leaky Lane 42',
  city: 'Leakville',
  postal_code: 'LK-9931',
  token: 'tok-ffd1c9e2',
  secret: 'sec-77aa01',
  authorization: 'Bearer bearer-9c1d',
};

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: createLogger({ service: 'test', destination }), output: () => lines.join('') };
}

function expectNoPersonalData(output: string): void {
  for (const value of Object.values(PERSONAL)) expect(output).not.toContain(value);
}

describe('the redacting logger', () => {
  it('redacts personal data and secrets by field name at every depth, in arrays and in any case', () => {
    const { logger, output } = capture();
    logger.info({ ...PERSONAL, userId: 'u-1' }, 'top level');
    logger.info({ user: PERSONAL, status: 200 }, 'one level down');
    logger.info({ request: { body: PERSONAL } }, 'two levels down');
    logger.info({ error: { details: [{ context: { profile: PERSONAL } }] } }, 'deep inside an array');
    logger.info({ headers: { Authorization: PERSONAL.authorization, EMAIL: PERSONAL.email } }, 'any case');

    expectNoPersonalData(output());
    expect(output()).toContain('[redacted]');
    // What an operator needs stays readable.
    expect(output()).toContain('"userId":"u-1"');
    expect(output()).toContain('"status":200');
  });

  it("keeps an activity failure's message and stack but not the personal data in its details", () => {
    const { logger, output } = capture();
    const failure = ApplicationFailure.create({
      type: 'PartnerUnavailable',
      message: 'vendor unavailable (Kriptomat GET /api/v1/partners/users/{userId}, HTTP 500)',
      details: [{ endpoint: 'Kriptomat GET /api/v1/partners/users/{userId}', status: 500, ...PERSONAL }],
    });
    // What the SDK logs when an activity attempt fails, through the adapter the worker installs.
    sdkLogger(logger).warn('Activity failed', { error: failure, activityType: 'readKycStatus' });

    const line = JSON.parse(output()) as { error: { type: string; message: string; stack: string } };
    expect(line.error.type).toBe('PartnerUnavailable');
    expect(line.error.message).toContain('HTTP 500');
    expect(line.error.stack).toContain('ApplicationFailure');
    expectNoPersonalData(output());
  });

  it('leaves out the request and response an HTTP client error carries', () => {
    const { logger, output } = capture();
    const error = Object.assign(new Error('Request failed with status code 500'), {
      config: { data: JSON.stringify(PERSONAL) },
      response: { data: `no user with email ${PERSONAL.email}` },
      code: 'ERR_BAD_RESPONSE',
    });
    logger.error({ err: error }, 'vendor call failed');

    expect(output()).toContain('ERR_BAD_RESPONSE');
    expectNoPersonalData(output());
  });

  it("redacts a child logger's bindings too", () => {
    const { logger, output } = capture();
    logger.child({ email: PERSONAL.email }).info('bound');
    expectNoPersonalData(output());
  });
});
