import { createHmac } from 'node:crypto';
import type { PartnerEvent } from '../../domain';
import { partnerEventBody, standardEventType } from '../../domain';
import { signStandardWebhook } from '../../vendors/partner/webhook-notifier';
import { completedEvent } from '../helpers/partner-event';

/** Partner notifications signed as Standard Webhooks specifies, checked without the library that signs them. */
describe('the webhook-signature of a notification', () => {
  it("reproduces the reference libraries' known vector", () => {
    const signature = signStandardWebhook(
      'msg_p5jXN8AQM9LWM0D4loKWxJek',
      new Date(1_614_265_330 * 1000),
      '{"test": 2432232314}',
      ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
    );

    expect(signature).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('is the base64 HMAC-SHA256 of id.timestamp.body under the decoded secret, one per secret', () => {
    const secrets = ['whsec_' + Buffer.alloc(32, 7).toString('base64'), 'a-raw-secret-of-24-bytes!'];
    const body = '{"type":"case.approved","data":{"userId":"Jürgen-42"}}';
    const at = new Date('2026-12-03T10:00:00.999Z');

    const expected = [Buffer.alloc(32, 7), Buffer.from(secrets[1] ?? '', 'utf8')].map(
      (key) => `v1,${createHmac('sha256', key).update(`evt-1.1796292000.${body}`, 'utf8').digest('base64')}`,
    );
    expect(signStandardWebhook('evt-1', at, body, secrets)).toBe(expected.join(' '));
  });
});

describe('the event a partner receives', () => {
  const actionRequired: PartnerEvent = {
    ...completedEvent('u7'),
    type: 'case.action_required',
    phase: 'awaiting_user',
    action: 'verify_at_sumsub',
    outcome: null,
  };

  const needsAttention: PartnerEvent = {
    ...completedEvent('u9'),
    type: 'case.needs_attention',
    phase: 'needs_attention',
    outcome: null,
    errorType: 'ContractViolation',
  };

  it('names an ended case by its outcome, and keeps action_required and needs_attention', () => {
    for (const outcome of ['approved', 'rejected', 'expired', 'cancelled', 'unresolved'] as const) {
      expect(standardEventType({ ...completedEvent(), phase: outcome, outcome })).toBe(`case.${outcome}`);
    }
    expect(standardEventType(actionRequired)).toBe('case.action_required');
    expect(standardEventType(needsAttention)).toBe('case.needs_attention');
  });

  it('tells a parked case by the error type that parked it, under both formats', () => {
    expect(partnerEventBody(needsAttention, 'standard')).toMatchObject({
      type: 'case.needs_attention',
      timestamp: needsAttention.occurredAt,
      data: { phase: 'needs_attention', errorType: 'ContractViolation' },
    });
    expect(partnerEventBody(needsAttention, 'legacy')).toMatchObject({
      type: 'case.needs_attention',
      errorType: 'ContractViolation',
    });
  });

  it('is { type, timestamp, data } under Standard Webhooks, and the flat event under legacy', () => {
    const event = completedEvent('u8');

    expect(partnerEventBody(event, 'standard')).toEqual({
      type: 'case.approved',
      timestamp: event.occurredAt,
      data: {
        eventId: event.eventId,
        userId: 'u8',
        phase: 'approved',
        action: null,
        outcome: 'approved',
        kycStatus: 'passed',
        eddStatus: 'not_reported',
      },
    });
    expect(partnerEventBody(event, 'legacy')).toBe(event);
  });
});
