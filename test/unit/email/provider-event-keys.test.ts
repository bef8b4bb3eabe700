/**
 * Review round 13 (test/unit/email/hard-bounce-after-soft-bounce.test.ts): an event's dedupe key
 * names one fact. Two facts of one type about one message and recipient (a soft bounce and a
 * later hard bounce; a bounce SES never attempted and one it did) get two keys, so each is counted
 * and put on the timeline; the same fact delivered again (a replay, a complaint's second feedback
 * report) keeps one key, so it counts once; a delivery delay never shares a delivery's key.
 */
import { describe, expect, it } from 'vitest';
import { eventKeyOf } from '../../../shared/email/process-event';
import type { EmailEvent } from '../../../shared/email/provider-events';

const base: EmailEvent = {
  provider: 'ses',
  type: 'bounced',
  providerMessageId: 'ses-msg-1',
  workspaceId: 'ws-1',
  sendId: 'send-1',
  email: 'ada@example.com',
  at: '2026-12-04T10:00:00.000Z',
};

describe('eventKeyOf', () => {
  it('tells a hard bounce from a soft one of the same message; transient and undetermined are one soft fact', () => {
    const hard = eventKeyOf({ ...base, bounceType: 'permanent' });
    const soft = eventKeyOf({ ...base, bounceType: 'transient' });
    expect(hard).not.toBe(soft);
    expect(hard).toBe('ses#ses-msg-1#bounced:hard#ada@example.com');
    expect(eventKeyOf({ ...base, bounceType: 'undetermined' })).toBe(soft);
  });

  it('tells a bounce or complaint SES never attempted (account suppression list) from a real one', () => {
    const real = eventKeyOf({ ...base, bounceType: 'permanent' });
    expect(eventKeyOf({ ...base, bounceType: 'permanent', accountSuppressed: true })).not.toBe(real);
    const complaint = { ...base, type: 'complained' as const };
    expect(eventKeyOf({ ...complaint, accountSuppressed: true })).not.toBe(eventKeyOf(complaint));
  });

  it('keeps one key per fact: a replay, a later time, another subtype, a delivery again', () => {
    const hard = { ...base, bounceType: 'permanent' as const };
    expect(eventKeyOf({ ...hard, at: '2026-12-04T11:00:00.000Z', bounceSubType: 'NoEmail' })).toBe(eventKeyOf(hard));
    const complaint = { ...base, type: 'complained' as const };
    expect(eventKeyOf({ ...complaint, at: '2026-12-05T00:00:00.000Z' })).toBe(eventKeyOf(complaint));
    const delivered = { ...base, type: 'delivered' as const };
    expect(eventKeyOf(delivered)).toBe('ses#ses-msg-1#delivered#ada@example.com');
  });

  it('never gives a delivery delay the key of the delivery, nor one recipient the key of another', () => {
    expect(eventKeyOf({ ...base, type: 'delivery_delayed' })).not.toBe(eventKeyOf({ ...base, type: 'delivered' }));
    expect(eventKeyOf({ ...base, type: 'delivered', email: 'bob@example.com' })).not.toBe(
      eventKeyOf({ ...base, type: 'delivered' }),
    );
  });
});
