/** Provider events normalised: every SES and Resend event type, tags, and what is ignored. */
import { describe, expect, it } from 'vitest';
import { resendWebhooksOf } from '../../../lib/local/emulators/resend-webhooks';
import { sesEventsOf } from '../../../lib/local/emulators/ses-events';
import {
  type EventEnvelope,
  parseProviderEvent,
  parseResendWebhook,
  parseSesEvent,
  resendEnvelope,
} from '../../../shared/email/provider-events';

const tags = { workspace: ['ws-1'], send: ['send-1'], 'ses:configuration-set': ['cs'] };
const mail = { messageId: 'ses-msg-1', timestamp: '2026-12-01T10:00:00.000Z', destination: ['Ada@Example.com'], tags };

const ses = (detailType: string, detail: Record<string, unknown>): EventEnvelope => ({
  version: '0',
  id: `evt-${detailType}`,
  'detail-type': detailType,
  source: 'aws.ses',
  time: '2026-12-01T10:00:05Z',
  detail: { mail, ...detail },
});

describe('SES events (EventBridge envelopes)', () => {
  it.each([
    ['Email Sent', { eventType: 'Send', send: {} }, 'sent'],
    [
      'Email Delivered',
      { eventType: 'Delivery', delivery: { recipients: ['ada@example.com'], timestamp: '2026-12-01T10:00:01.000Z' } },
      'delivered',
    ],
    ['Email Rejected', { eventType: 'Reject', reject: { reason: 'Bad content' } }, 'rejected'],
    [
      'Email Delivery Delayed',
      {
        eventType: 'DeliveryDelay',
        deliveryDelay: { delayType: 'MailboxFull', delayedRecipients: [{ emailAddress: 'ada@example.com' }] },
      },
      'delivery_delayed',
    ],
    ['Email Opened', { eventType: 'Open', open: { ipAddress: '1.2.3.4' } }, 'opened'],
    ['Email Clicked', { eventType: 'Click', click: { link: 'https://x' } }, 'clicked'],
    ['Email Rendering Failed', { eventType: 'Rendering Failure', failure: { errorMessage: 'x' } }, 'rendering_failed'],
    ['Email Subscribed', { eventType: 'Subscription', subscription: {} }, 'subscription'],
  ])('%s -> %s', (detailType, detail, type) => {
    const parsed = parseSesEvent(ses(detailType, detail));
    expect(parsed).toMatchObject({
      status: 'events',
      events: [
        {
          provider: 'ses',
          type,
          providerMessageId: 'ses-msg-1',
          workspaceId: 'ws-1',
          sendId: 'send-1',
          email: 'ada@example.com',
        },
      ],
    });
  });

  it.each([
    ['Permanent', 'permanent'],
    ['Transient', 'transient'],
    ['Undetermined', 'undetermined'],
  ])('a %s bounce names each bounced recipient with its type and time', (bounceType, expected) => {
    const parsed = parseSesEvent(
      ses('Email Bounced', {
        eventType: 'Bounce',
        bounce: {
          bounceType,
          bounceSubType: 'General',
          bouncedRecipients: [{ emailAddress: 'Ada@Example.com', status: '5.1.1' }],
          timestamp: '2026-12-01T10:00:02.000Z',
        },
      }),
    );
    expect(parsed).toEqual({
      status: 'events',
      events: [
        {
          provider: 'ses',
          type: 'bounced',
          providerMessageId: 'ses-msg-1',
          workspaceId: 'ws-1',
          sendId: 'send-1',
          email: 'ada@example.com',
          bounceType: expected,
          bounceSubType: 'General',
          at: '2026-12-01T10:00:02.000Z',
        },
      ],
    });
  });

  it('a complaint names the complained recipient', () => {
    const parsed = parseSesEvent(
      ses('Email Complaint Received', {
        eventType: 'Complaint',
        complaint: {
          complainedRecipients: [{ emailAddress: 'ada@example.com' }],
          timestamp: '2026-12-01T11:00:00.000Z',
          complaintFeedbackType: 'abuse',
        },
      }),
    );
    expect(parsed).toMatchObject({
      status: 'events',
      events: [{ type: 'complained', email: 'ada@example.com', at: '2026-12-01T11:00:00.000Z' }],
    });
  });

  it('ignores, with a reason, events without our tags, unknown kinds and malformed records', () => {
    // Its own mail record: the shared fixture stays as it is for the other tests.
    const foreign = ses('Email Sent', {
      eventType: 'Send',
      mail: { ...mail, tags: { 'ses:configuration-set': ['cs'] } },
    });
    expect(parseSesEvent(foreign)).toEqual({ status: 'ignored', reason: expect.stringContaining('tags') });
    expect(parseSesEvent(ses('Email Sent', { eventType: 'Mystery' })).status).toBe('ignored');
    expect(parseSesEvent({ ...ses('x', {}), detail: { nothing: true } }).status).toBe('ignored');
    expect(parseProviderEvent({ ...ses('x', {}), source: 'aws.s3' })).toEqual({
      status: 'ignored',
      reason: 'unknown source aws.s3',
    });
  });

  it('reads what the local SES emulator publishes for the mailbox simulator', () => {
    const events = sesEventsOf({
      messageId: 'm-1',
      from: 'App <no-reply@app.test>',
      to: ['bounce+3@simulator.amazonses.com'],
      subject: 's',
      tags: [
        { Name: 'workspace', Value: 'ws-9' },
        { Name: 'send', Value: 's-9' },
      ],
      atMs: Date.parse('2026-12-01T10:00:00Z'),
    });
    expect(events.map((e) => e.detailType)).toEqual(['Email Sent', 'Email Bounced']);
    const bounce = parseSesEvent({
      version: '0',
      id: 'e',
      'detail-type': 'Email Bounced',
      source: 'aws.ses',
      detail: events[1]?.detail as Record<string, unknown>,
    });
    expect(bounce).toMatchObject({
      status: 'events',
      events: [
        {
          type: 'bounced',
          bounceType: 'permanent',
          workspaceId: 'ws-9',
          sendId: 's-9',
          email: 'bounce+3@simulator.amazonses.com',
        },
      ],
    });
    const detailTypes = (to: string) =>
      sesEventsOf({ messageId: 'm', from: 'a@b.c', to: [to], subject: '', tags: [], atMs: 0 }).map((e) => e.detailType);
    expect(detailTypes('complaint@simulator.amazonses.com')).toEqual([
      'Email Sent',
      'Email Delivered',
      'Email Complaint Received',
    ]);
    expect(detailTypes('success@simulator.amazonses.com')).toEqual(['Email Sent', 'Email Delivered']);
    expect(detailTypes('ooto@simulator.amazonses.com')).toEqual(['Email Sent', 'Email Delivered']);
    expect(detailTypes('anyone@example.com')).toEqual(['Email Sent', 'Email Delivered']);
    const suppressed = sesEventsOf({
      messageId: 'm',
      from: 'a@b.c',
      to: ['suppressionlist@simulator.amazonses.com'],
      subject: '',
      tags: [],
      atMs: 0,
    });
    expect(suppressed[1]?.detail).toMatchObject({ bounce: { bounceType: 'Permanent', bounceSubType: 'Suppressed' } });
  });
});

describe('Resend webhooks', () => {
  const data = {
    created_at: '2026-12-01T10:00:00.000Z',
    email_id: 're-1',
    from: 'App <no-reply@app.test>',
    to: ['Bob@Example.com'],
    subject: 'Hi',
    tags: [
      { name: 'workspace', value: 'ws-2' },
      { name: 'send', value: 'send-2' },
    ],
  };

  it.each([
    ['email.sent', 'sent'],
    ['email.delivered', 'delivered'],
    ['email.complained', 'complained'],
    ['email.delivery_delayed', 'delivery_delayed'],
    ['email.opened', 'opened'],
    ['email.clicked', 'clicked'],
  ])('%s -> %s', (hookType, type) => {
    expect(parseResendWebhook({ type: hookType, created_at: '2026-12-01T10:00:03.000Z', data })).toEqual({
      status: 'events',
      events: [
        {
          provider: 'resend',
          type,
          providerMessageId: 're-1',
          workspaceId: 'ws-2',
          sendId: 'send-2',
          email: 'bob@example.com',
          at: '2026-12-01T10:00:03.000Z',
        },
      ],
    });
  });

  it('email.bounced carries its bounce type (Permanent -> hard, Transient -> soft)', () => {
    const bounce = (type: string) =>
      parseResendWebhook({
        type: 'email.bounced',
        created_at: '2026-12-01T10:00:03.000Z',
        data: { ...data, bounce: { type, subType: 'General', message: 'x' } },
      });
    expect(bounce('Permanent')).toMatchObject({
      events: [{ type: 'bounced', bounceType: 'permanent', bounceSubType: 'General' }],
    });
    expect(bounce('Transient')).toMatchObject({ events: [{ type: 'bounced', bounceType: 'transient' }] });
  });

  it('accepts tags as an object too, and ignores webhooks that are not ours or not email delivery events', () => {
    expect(
      parseResendWebhook({ type: 'email.delivered', data: { ...data, tags: { workspace: 'w', send: 's' } } }),
    ).toMatchObject({
      events: [{ workspaceId: 'w', sendId: 's' }],
    });
    expect(parseResendWebhook({ type: 'email.delivered', data: { ...data, tags: [] } }).status).toBe('ignored');
    expect(parseResendWebhook({ type: 'domain.created', data: { id: 'd' } }).status).toBe('ignored');
    expect(parseResendWebhook({ type: 'email.scheduled', data }).status).toBe('ignored');
    expect(parseResendWebhook('nonsense').status).toBe('ignored');
  });

  it('round-trips through the queue envelope, and reads what the local stand-in sends', () => {
    const hooks = resendWebhooksOf(
      {
        id: 're-9',
        created_at: data.created_at,
        from: data.from,
        to: ['complained+1@resend.dev'],
        subject: 'x',
        tags: data.tags,
      },
      0,
    );
    expect(hooks.map((h) => h.type)).toEqual(['email.sent', 'email.delivered', 'email.complained']);
    const envelope = resendEnvelope('msg_1', hooks[2] as Record<string, unknown>, new Date());
    expect(parseProviderEvent(envelope)).toMatchObject({
      status: 'events',
      events: [{ provider: 'resend', type: 'complained', email: 'complained+1@resend.dev', providerMessageId: 're-9' }],
    });
    const bounced = resendWebhooksOf(
      {
        id: 're-8',
        created_at: data.created_at,
        from: data.from,
        to: ['bounced@resend.dev'],
        subject: 'x',
        tags: data.tags,
      },
      0,
    );
    expect(bounced.map((h) => h.type)).toEqual(['email.sent', 'email.bounced']);
    expect(parseResendWebhook(bounced[1])).toMatchObject({ events: [{ type: 'bounced', bounceType: 'permanent' }] });
  });
});

describe('campaign sends', () => {
  it('carry their campaign and node from the tags, and drop implausible ones', () => {
    const tagged = (campaign: string, node: string): EventEnvelope => ({
      ...ses('Email Delivered', { eventType: 'Delivery', delivery: { recipients: ['ada@example.com'] } }),
      detail: {
        eventType: 'Delivery',
        delivery: { recipients: ['ada@example.com'] },
        mail: { ...mail, tags: { ...tags, campaign: [campaign], node: [node] } },
      },
    });
    const campaignOf = (envelope: EventEnvelope) => {
      const parsed = parseSesEvent(envelope);
      if (parsed.status !== 'events') throw new Error(`ignored: ${parsed.reason}`);
      return parsed.events[0]?.campaign;
    };
    expect(campaignOf(tagged('cmp-1', 'welcome'))).toEqual({ campaignId: 'cmp-1', nodeId: 'welcome' });
    expect(campaignOf(tagged('cmp 1; drop', 'welcome'))).toBeUndefined();
    expect(campaignOf(tagged('cmp-1', 'no such node!'))).toEqual({ campaignId: 'cmp-1' });
    expect(
      campaignOf(ses('Email Delivered', { eventType: 'Delivery', delivery: { recipients: ['ada@example.com'] } })),
    ).toBeUndefined();
  });
});

describe('sends that name their contact', () => {
  const delivered = (contactTag: string[] | undefined, recipients = ['ada@example.com']): EventEnvelope => ({
    ...ses('Email Delivered', { eventType: 'Delivery', delivery: { recipients } }),
    detail: {
      eventType: 'Delivery',
      delivery: { recipients },
      mail: { ...mail, tags: { ...tags, ...(contactTag ? { contact: contactTag } : {}) } },
    },
  });
  const contactIds = (parsed: ReturnType<typeof parseSesEvent>) =>
    parsed.status === 'events' ? parsed.events.map((e) => e.contactId) : [`ignored: ${parsed.reason}`];

  it('carry the contact from the `contact` tag, for one recipient only, and drop implausible ids', () => {
    expect(contactIds(parseSesEvent(delivered(['c0ffee-42'])))).toEqual(['c0ffee-42']);
    expect(contactIds(parseSesEvent(delivered(['../other ws'])))).toEqual([undefined]);
    expect(contactIds(parseSesEvent(delivered(undefined)))).toEqual([undefined]);
    expect(contactIds(parseSesEvent(delivered(['c0ffee-42'], ['ada@example.com', 'bob@example.com'])))).toEqual([
      undefined,
      undefined,
    ]);
  });

  it('read the same tag on a Resend webhook', () => {
    const hook = (value: string) => ({
      type: 'email.delivered',
      data: {
        email_id: 're-9',
        to: ['bob@example.com'],
        tags: [
          { name: 'workspace', value: 'ws-2' },
          { name: 'send', value: 'send-2' },
          { name: 'contact', value },
        ],
      },
    });
    const of = (body: unknown) => {
      const parsed = parseResendWebhook(body, '2026-12-01T10:00:00.000Z');
      return parsed.status === 'events' ? parsed.events[0]?.contactId : parsed.reason;
    };
    expect(of(hook('c-7'))).toBe('c-7');
    expect(of(hook('c 7; drop'))).toBeUndefined();
  });
});
