import type { AuditDatabase, AuditTrail } from '../../audit';
import { API_TOKEN, appWithoutTemporal } from '../api/api-harness';
import { embeddedTrail } from './embedded-postgres';
import { deleteNewestRow, headOf } from './tamper';

/**
 * `POST /v1/audit/verify` as the API's handler runs it over the real trail (PGlite), without Temporal: a chain
 * shortened since its checkpoint is named, an untouched one is not; without a trail the route answers 503 as
 * the other audit routes do.
 */
let db: AuditDatabase;
let audit: AuditTrail;
beforeAll(async () => {
  ({ db, audit } = await embeddedTrail());
}, 120_000);
afterAll(() => db?.close());

async function post(app: ReturnType<typeof appWithoutTemporal>['app'], body: unknown) {
  const response = await app.request('/v1/audit/verify', {
    method: 'POST',
    headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** A chain of `count` records; its checkpoint entry. */
async function chainOf(userId: string, count: number) {
  for (let index = 0; index < count; index += 1)
    await audit.append(
      userId,
      { kind: 'case.started', data: { by: 'partner-api' } },
      { idempotencyKey: `${index}` },
    );
  const pseudonym = (await audit.trail(userId))?.pseudonym ?? '';
  return { pseudonym, rows: count, head: (await headOf(db, pseudonym)) ?? '' };
}

it('names a chain shortened since the checkpoint, and not an untouched one', async () => {
  const { app, close } = appWithoutTemporal({ audit });
  try {
    const shortened = await chainOf('640130001', 3);
    const untouched = await chainOf('640130002', 2);
    expect(await post(app, { chains: [shortened, untouched] })).toEqual({
      status: 200,
      body: { ok: true, checked: 2, mismatches: [] },
    });
    await deleteNewestRow(db, shortened.pseudonym);
    expect(await post(app, { chains: [shortened, untouched] })).toEqual({
      status: 200,
      body: {
        ok: false,
        checked: 2,
        mismatches: [
          { pseudonym: shortened.pseudonym, finding: 'shortened', detail: '2 rows now, 3 at the checkpoint' },
        ],
      },
    });
  } finally {
    await close();
  }
});

it('answers 503 without an audit trail, as the GET does', async () => {
  const { app, close } = appWithoutTemporal();
  try {
    const chain = { pseudonym: 'p_Zq8xWm0bR1v4T9yLk2sNaA', rows: 1, head: 'a'.repeat(64) };
    const { status, body } = await post(app, { chains: [chain] });
    expect(status).toBe(503);
    expect(body).toMatchObject({ error: 'audit_trail_off' });
  } finally {
    await close();
  }
});
