import { RecentDeliveries } from '../../api/webhooks/recent-deliveries';

/** The webhook receiver's memory of bodies it took: exact replays are caught, within a bounded size. */
const body = (n: number) => Buffer.from(JSON.stringify({ type: 'applicantPending', n }));

describe('RecentDeliveries', () => {
  it('claims a body once; the same bytes again are a replay, other bytes are not', () => {
    const recent = new RecentDeliveries();
    const first = recent.claim(body(1));
    first.taken();
    expect(first.claimed).toBe(true);
    expect(recent.claim(body(1)).claimed).toBe(false);
    expect(recent.claim(Buffer.from(`${body(1).toString()} `)).claimed).toBe(true);
  });

  it('refuses a copy while the first is still being signalled, and frees a body whose signal failed', () => {
    const recent = new RecentDeliveries();
    const inFlight = recent.claim(body(2));
    expect(recent.claim(body(2)).claimed).toBe(false);
    inFlight.release();
    expect(recent.claim(body(2)).claimed).toBe(true);
  });

  it('keeps at most its capacity, forgetting the oldest first', () => {
    const recent = new RecentDeliveries(3);
    for (const n of [1, 2, 3, 4]) recent.claim(body(n)).taken();
    expect(recent.size).toBe(3);
    expect(recent.claim(body(1)).claimed).toBe(true); // forgotten: taken again
    expect(recent.claim(body(4)).claimed).toBe(false);
  });
});
