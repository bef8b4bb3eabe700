// Review round 19: this test failed at 6a48c48.
// The provider event parsers looked a payload's event type up on a plain object: an SES `eventType`
// or a Resend `type` of "constructor" or "toString" found an inherited function and was taken as an event.
import { describe, expect, it } from 'vitest';
import { type EventEnvelope, parseResendWebhook, parseSesEvent } from '../../../shared/email/provider-events';

const tags = { workspace: ['ws-1'], send: ['send-1'] };
const mail = { messageId: 'ses-msg-1', timestamp: '2026-12-01T10:00:00.000Z', destination: ['ada@example.com'], tags };
const ses = (eventType: string): EventEnvelope => ({
  version: '0',
  id: 'evt-1',
  'detail-type': 'Email Sent',
  source: 'aws.ses',
  time: '2026-12-01T10:00:05Z',
  detail: { mail, eventType },
});
const data = { email_id: 're-1', to: ['ada@example.com'], tags: { workspace: 'ws-1', send: 'send-1' } };

describe('an event type named like a member of Object.prototype', () => {
  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])('is ignored (SES %s)', (kind) => {
    expect(parseSesEvent(ses(kind))).toEqual({ status: 'ignored', reason: expect.stringContaining('not handled') });
  });

  it.each(['constructor', 'toString', '__proto__', 'valueOf'])('is ignored (Resend %s)', (type) => {
    expect(parseResendWebhook({ type, data })).toEqual({
      status: 'ignored',
      reason: expect.stringContaining('not handled'),
    });
  });

  it('still maps the types the tables hold', () => {
    expect(parseSesEvent(ses('Send'))).toMatchObject({ status: 'events', events: [{ type: 'sent' }] });
    expect(parseResendWebhook({ type: 'email.delivered', data })).toMatchObject({
      status: 'events',
      events: [{ type: 'delivered' }],
    });
  });
});
