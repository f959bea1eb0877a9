import { inspect } from 'node:util';
import { SumsubClient } from '../../vendors/sumsub/client';
import { toApplicationFailure } from '../../activities/failures';
import { startSumsubSimulator } from '../../sandbox/sumsub/server';
import { startScriptedServer } from '../helpers/scripted-server';
import {
  startWebhookReceiver,
  SUMSUB_APP_TOKEN,
  SUMSUB_SECRET,
  waitFor,
  WEBHOOK_SECRET,
} from '../helpers/sumsub';
import { failureOf } from '../helpers/rejections';
import { allowLoopbackHttp } from '../helpers/recording-server';

allowLoopbackHttp();

/**
 * Nothing the SumSub code produces (errors, Temporal failures, logs, console output, the simulator's records
 * and webhooks) may hold the app token, the secrets, a request signature or the person's data.
 */
const PERSON = {
  email: 'leak-check@sandbox.invalid',
  phone: '+19995550123',
  fixedInfo: { firstName: 'Leakfirstname', lastName: 'Leaklastname', dob: '1966-06-16', country: 'AUT' },
};
const FORBIDDEN = [
  SUMSUB_APP_TOKEN,
  SUMSUB_SECRET,
  WEBHOOK_SECRET,
  PERSON.email,
  PERSON.phone,
  PERSON.fixedInfo.firstName,
  PERSON.fixedInfo.lastName,
  PERSON.fixedInfo.dob,
];

it('keeps credentials, signatures and personal data out of errors, logs and records', async () => {
  const output: string[] = [];
  const capture = (...args: unknown[]) => void output.push(args.map((arg) => inspect(arg)).join(' '));
  const spies = [
    ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
      jest.spyOn(console, level).mockImplementation(capture),
    ),
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => (capture(chunk), true)),
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => (capture(chunk), true)),
  ];
  const receiver = await startWebhookReceiver();
  const sim = await startSumsubSimulator({
    appToken: SUMSUB_APP_TOKEN,
    secretKey: SUMSUB_SECRET,
    webhookUrl: receiver.url,
    webhookSecret: WEBHOOK_SECRET,
    reviewDelayMs: 10,
  });
  // A server that echoes personal data in a broken body, and records the signatures it was sent.
  const signatures: string[] = [];
  const echo = await startScriptedServer((req) => {
    signatures.push(String(req.headers['x-app-access-sig']));
    return { status: 200, body: JSON.stringify({ id: 42, externalUserId: 'u', ...PERSON }) };
  });
  const options = { appToken: SUMSUB_APP_TOKEN, secretKey: SUMSUB_SECRET, timeoutMs: 300 };
  const client = new SumsubClient({ ...options, baseUrl: sim.url });
  const errors: unknown[] = [];
  const collect = async (call: Promise<unknown>) => errors.push(await failureOf(call));
  try {
    const { id } = await client.ensureApplicant('basic-kyc-level', {
      externalUserId: 'onboard-leak-1',
      ...PERSON,
    });
    await collect(client.createApplicant('basic-kyc-level', { externalUserId: 'onboard-leak-1', ...PERSON }));
    await collect(
      client.createApplicant('basic-kyc-level', {
        externalUserId: 'x',
        fixedInfo: { country: PERSON.phone },
      }),
    );
    await collect(new SumsubClient({ ...options, baseUrl: sim.url, secretKey: 'wrong' }).getApplicant(id));
    await collect(
      new SumsubClient({ ...options, baseUrl: echo.url }).ensureApplicant('level', PERSON as never),
    );
    await collect(new SumsubClient({ ...options, baseUrl: echo.url }).getApplicant(id));
    for (const faults of [{ errorRate: 1 }, { rateLimitRate: 1 }, { timeoutRate: 1, hangMs: 1_000 }]) {
      sim.setFaults(faults);
      await collect(
        client.createApplicant('basic-kyc-level', { externalUserId: 'onboard-leak-2', ...PERSON }),
      );
    }
    sim.setFaults({});
    await waitFor(() => receiver.received.length >= 3, 5_000, 'the review webhooks');
    expect(errors).toHaveLength(8);
    expect(signatures.length).toBeGreaterThan(0);

    const everything = [
      ...errors.flatMap((error) => [
        inspect(error, { depth: 10 }),
        JSON.stringify(error),
        (error as Error).stack,
      ]),
      ...errors.map((error) => inspect(toApplicationFailure(error), { depth: 10 })),
      inspect(client, { depth: 10, showHidden: true }),
      JSON.stringify(sim.log),
      JSON.stringify(sim.applicants.list()),
      ...receiver.received.map((webhook) => webhook.raw.toString()),
      ...output,
    ].join('\n');
    for (const secret of [...FORBIDDEN, ...signatures]) expect(everything).not.toContain(secret);
    // No signature of any request either, whichever it was: they are 64 hex digits.
    expect(everything).not.toMatch(/[0-9a-f]{64}/);
  } finally {
    spies.forEach((spy) => spy.mockRestore());
    await Promise.all([sim.close(), receiver.close(), echo.close()]);
  }
});
