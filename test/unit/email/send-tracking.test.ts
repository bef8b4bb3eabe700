/** The sender instruments tracked sends (marketing by default) and honours topic opt-outs. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { OutgoingEmail, SendLedger } from '../../../shared/email/ports';
import { type SendRequest, sendEmail } from '../../../shared/email/send-email';
import { type SuppressionReason, topicOptOut } from '../../../shared/email/suppression-rules';
import { openTrackingToken } from '../../../shared/email/tracking-token';
import { sendWorld } from './send-fixture';

const key = randomBytes(32);
const ledger: SendLedger = {
  claim: async () => ({ status: 'claimed' }),
  markSent: async () => {},
  close: async () => {},
  release: async () => {},
  stateOf: async () => ({ state: 'open' }),
};

function setup(suppressed: SuppressionReason[] = []) {
  const lookups: string[] = [];
  const { deps, outbox } = sendWorld({
    ledger,
    suppressions: { reasonsFor: async () => suppressed },
    now: () => 5_000,
    tracking: { baseUrl: 'https://app.example.com', key },
    contactIdOf: async (_ws, email) => {
      lookups.push(email);
      return 'contact-9';
    },
  });
  return { deps, outbox, lookups };
}

const unsubscribeUrl = 'https://app.example.com/u/UNSUBTOKEN';
const request: SendRequest = {
  workspaceId: 'ws-1',
  idempotencyKey: 'k1',
  sendId: 'send-1',
  category: 'marketing',
  from: 'news@acme.test',
  to: 'ada@example.com',
  content: {
    subject: 'News',
    html: '<p><a href="https://acme.test/offer?a=1&amp;b=2">Offer</a> <a href="{{ unsubscribe_url }}">Unsubscribe</a></p>',
    text: 'Offer: https://acme.test/offer?a=1&b=2',
  },
  context: { contact: {}, workspace: { name: 'Acme' }, unsubscribe_url: unsubscribeUrl },
};
const clickTargets = (html: string) =>
  [...html.matchAll(/href="https:\/\/app\.example\.com\/t\/c\/([^"]+)"/g)].map((m) =>
    openTrackingToken(m[1] ?? '', key),
  );

describe('sendEmail with tracking', () => {
  it('wraps links and adds the pixel of a marketing send, leaving the unsubscribe link and the text part', async () => {
    const { deps, outbox, lookups } = setup();
    expect((await sendEmail(request, deps)).status).toBe('sent');
    const email = outbox[0] as OutgoingEmail;
    expect(clickTargets(email.html).map((t) => t?.url)).toEqual(['https://acme.test/offer?a=1&b=2']);
    expect(clickTargets(email.html)[0]).toMatchObject({ contactId: 'contact-9', sendId: 'send-1', issuedAtMs: 5_000 });
    expect(email.html).toContain(`href="${unsubscribeUrl}"`);
    expect(email.html).toMatch(/<img src="https:\/\/app\.example\.com\/t\/o\/[A-Za-z0-9_-]+"/);
    expect(email.text).toBe('Offer: https://acme.test/offer?a=1&b=2');
    expect(lookups).toEqual(['ada@example.com']);
  });

  it('uses the contact the request names without a lookup', async () => {
    const { deps, outbox, lookups } = setup();
    await sendEmail({ ...request, contactId: 'contact-1' }, deps);
    expect(clickTargets(outbox[0]?.html ?? '')[0]?.contactId).toBe('contact-1');
    expect(lookups).toEqual([]);
  });

  it('leaves transactional mail alone unless it opts in, and marketing that opts out', async () => {
    const { deps, outbox } = setup();
    await sendEmail({ ...request, category: 'transactional' }, deps);
    await sendEmail({ ...request, category: 'transactional', track: true }, deps);
    await sendEmail({ ...request, track: false }, deps);
    expect(outbox.map((e) => e.html.includes('/t/o/'))).toEqual([false, true, false]);
  });

  it('closes a marketing send of an opted-out topic; other topics and transactional mail go out', async () => {
    const { deps, outbox } = setup([topicOptOut('news')]);
    expect(await sendEmail({ ...request, topic: 'news' }, deps)).toEqual({
      status: 'not-sent',
      reason: 'suppressed: unsubscribe:topic:news',
    });
    expect((await sendEmail({ ...request, topic: 'product' }, deps)).status).toBe('sent');
    expect((await sendEmail({ ...request, topic: 'news', category: 'transactional' }, deps)).status).toBe('sent');
    expect(outbox).toHaveLength(2);
  });
});

describe('sendEmail and the recipient’s contact', () => {
  const asked = () => {
    const calls: Array<string | undefined> = [];
    return {
      calls,
      suppressions: {
        reasonsFor: async (_ws: string, _email: string, contactId?: string) => {
          calls.push(contactId);
          return [];
        },
      },
    };
  };

  it('reads the opt-outs of the contact found by address for a marketing send, and tags the mail with it', async () => {
    const { deps, outbox } = setup();
    const { calls, suppressions } = asked();
    await sendEmail({ ...request, track: false }, { ...deps, suppressions });
    expect(calls).toEqual(['contact-9']);
    expect(outbox[0]?.tags).toMatchObject({ contact: 'contact-9' });
  });

  it('reads only the address for transactional mail, and looks nobody up when it is not tracked', async () => {
    const { deps, outbox, lookups } = setup();
    const { calls, suppressions } = asked();
    await sendEmail({ ...request, category: 'transactional', contactId: 'contact-1' }, { ...deps, suppressions });
    await sendEmail({ ...request, category: 'transactional' }, { ...deps, suppressions });
    expect(calls).toEqual([undefined, undefined]);
    expect(lookups).toEqual([]);
    expect(outbox.map((e) => e.tags.contact)).toEqual(['contact-1', undefined]);
  });

  it('gives the claim back when the lookup fails', async () => {
    const { deps } = setup();
    const released: string[] = [];
    const failing = {
      ...deps,
      ledger: { ...ledger, release: async (_ws: string, k: string) => void released.push(k) },
      contactIdOf: async () => {
        throw new Error('contacts unavailable');
      },
    };
    await expect(sendEmail(request, failing)).rejects.toThrow('contacts unavailable');
    expect(released).toEqual(['k1']);
  });
});
