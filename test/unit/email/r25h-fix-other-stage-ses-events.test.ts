/**
 * Fix of review round 25 (h), defence in depth: every stage of an account shares the default bus SES
 * publishes to, so the processor, told its stage's configuration set (SES_CONFIGURATION_SET, set by
 * the stack), drops an SES event of another set, or of none, as `foreign` before reading anything of
 * it: prod's bounces never become suppressions, send records or counters in dev's table. Without a
 * set (the local runtime) every event is read as before; Resend events are not SES's and pass.
 */
import { describe, expect, it } from 'vitest';
import {
  type EventEnvelope,
  parseProviderEvent,
  parseSesEvent,
  resendEnvelope,
} from '../../../shared/email/provider-events';

const bounce = (configurationSet?: string): EventEnvelope => ({
  version: '0',
  id: 'evt-1',
  'detail-type': 'Email Bounced',
  source: 'aws.ses',
  time: '2026-12-01T10:00:05Z',
  detail: {
    eventType: 'Bounce',
    bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: 'person@example.com' }] },
    mail: {
      messageId: 'm-1',
      destination: ['person@example.com'],
      tags: {
        ...(configurationSet ? { 'ses:configuration-set': [configurationSet] } : {}),
        workspace: ['ws-1'],
        send: ['send-1'],
      },
    },
  },
});

const dev = { sesConfigurationSet: 'dev-unite-hub' };

describe('an SES event and the stage that reads it', () => {
  it('is read when it is of the stage’s own configuration set', () => {
    expect(parseSesEvent(bounce('dev-unite-hub'), dev)).toMatchObject({
      status: 'events',
      events: [{ type: 'bounced', email: 'person@example.com', workspaceId: 'ws-1' }],
    });
  });

  it.each([
    ['another stage’s set', 'prod-unite-hub'],
    ['no set at all', undefined],
  ])('is dropped as foreign when it is of %s, whatever its tags', (_label, set) => {
    const parsed = parseProviderEvent(bounce(set), dev);
    expect(parsed).toMatchObject({ status: 'ignored', foreign: true });
    // The reason names the sets, never the recipient.
    expect(JSON.stringify(parsed)).not.toContain('person@example.com');
  });

  it('is read whatever its set when the stage names none (the local runtime)', () => {
    expect(parseProviderEvent(bounce('prod-unite-hub')).status).toBe('events');
    expect(parseProviderEvent(bounce()).status).toBe('events');
  });

  it('leaves a Resend webhook to its own checks', () => {
    const hook = resendEnvelope(
      'msg_1',
      {
        type: 'email.delivered',
        data: { email_id: 'e1', to: ['person@example.com'], tags: { workspace: 'ws-1', send: 's-1' } },
      },
      new Date('2026-12-01T10:00:00Z'),
    );
    expect(parseProviderEvent(hook, dev).status).toBe('events');
  });
});
