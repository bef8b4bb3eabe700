import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { trackingKey } from '../../../shared/config';
import { type EmailSendMessage, queueOneOffSend } from '../../../shared/email/send-request';
import { sealTrackingToken } from '../../../shared/email/tracking-token';
import {
  honourUnsubscribe,
  listUnsubscribeHeaders,
  openUnsubscribeToken,
  type UnsubscribeDeps,
  unsubscribeFor,
  unsubscribePage,
} from '../../../shared/email/unsubscribe';
import { memoryOptOuts } from './memory-opt-outs';

const key = randomBytes(32);
const link = { baseUrl: 'https://app.example.com/', key };
const who = { workspaceId: 'ws-1', sendId: 'send-1', email: 'Ada@Example.com' };

describe('List-Unsubscribe headers', () => {
  it('names the https link, then the mailto when configured, and asks for one-click POSTs', () => {
    expect(listUnsubscribeHeaders('https://a.test/u/t', 'unsubscribe@a.test')).toEqual({
      'List-Unsubscribe': '<https://a.test/u/t>, <mailto:unsubscribe@a.test?subject=unsubscribe>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
    expect(listUnsubscribeHeaders('https://a.test/u/t')).toEqual({
      'List-Unsubscribe': '<https://a.test/u/t>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
  });

  it('seals a token that names no id in clear and opens to the address, lower-cased', () => {
    const { url, headers } = unsubscribeFor(link, who);
    expect(url).toMatch(/^https:\/\/app\.example\.com\/u\/[A-Za-z0-9_-]+$/);
    expect(headers['List-Unsubscribe']).toBe(`<${url}>`);
    const token = url.slice(url.lastIndexOf('/') + 1);
    expect(token).not.toContain('ws-1');
    expect(openUnsubscribeToken(token, key)).toMatchObject({
      kind: 'unsubscribe',
      workspaceId: 'ws-1',
      email: 'ada@example.com',
    });
    expect(openUnsubscribeToken(token, randomBytes(32))).toBeUndefined();
    const click = sealTrackingToken({ kind: 'click', workspaceId: 'ws-1', sendId: 's', email: 'a@b.c' }, key);
    expect(openUnsubscribeToken(click, key)).toBeUndefined();
  });

  it('is put on marketing sends only', async () => {
    const sent: EmailSendMessage[] = [];
    const deps = {
      queue: { send: async (m: EmailSendMessage) => void sent.push(m) },
      newId: () => 'id-1',
      from: 'no-reply@x.test',
      unsubscribe: (sendId: string, email: string) => unsubscribeFor(link, { workspaceId: 'ws-1', sendId, email }),
    };
    const body = { to: 'ada@example.com', subject: 'Hi', html: '<p>Hi</p>' };
    await queueOneOffSend('ws-1', { ...body, category: 'marketing' }, undefined, deps);
    await queueOneOffSend('ws-1', { ...body, category: 'transactional' }, undefined, deps);
    expect(sent[0]?.headers?.['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(sent[0]?.context.unsubscribe_url).toMatch(/\/u\//);
    expect(sent[1]?.headers).toBeUndefined();
    await expect(
      queueOneOffSend('ws-1', { ...body, category: 'marketing' }, undefined, { ...deps, unsubscribe: undefined }),
    ).rejects.toThrow(/unsubscribe/);
  });
});

function fakes(contactId: string | undefined) {
  const memory = memoryOptOuts();
  const interactions: string[] = [];
  const deps: UnsubscribeDeps = {
    key,
    suppressions: memory.store,
    recordUnsubscribed: async (_ws, id) => void interactions.push(id),
    now: () => new Date('2026-12-04T00:00:00Z'),
  };
  // The link names the contact the send was for (none: a send to an address without a contact).
  const token = () =>
    new URL(unsubscribeFor(link, { ...who, ...(contactId ? { contactId } : {}) }).url).pathname.slice(3);
  const reasons = {
    get: (k: string) =>
      k.includes('|contact:')
        ? memory.byContact('ws-1', k.split('|contact:')[1] as string)
        : memory.byAddress('ws-1', k.split('|')[1] as string),
  };
  return { deps, memory, reasons, interactions, audits: memory.audits, token };
}

describe('honourUnsubscribe', () => {
  it('suppresses, records the interaction and audits once; a repeat changes nothing', async () => {
    const { deps, reasons, interactions, audits, token } = fakes('contact-1');
    expect(await honourUnsubscribe(deps, token())).toEqual({ status: 'unsubscribed', already: false });
    expect(await honourUnsubscribe(deps, token())).toEqual({ status: 'unsubscribed', already: true });
    expect([...(reasons.get('ws-1|ada@example.com') ?? [])]).toEqual(['unsubscribe']);
    expect(interactions).toEqual(['contact-1']);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ workspaceId: 'ws-1', eventAction: 'unsubscribed', resourceId: 'send-1' });
  });

  it('stores the consent withdrawal and the audit entry with the opt-out; a failing timeline entry is no failure of the unsubscribe', async () => {
    const { deps, memory, reasons, audits, token } = fakes('contact-1');
    const failing: UnsubscribeDeps = {
      ...deps,
      recordUnsubscribed: async () => {
        throw new Error('EventBridge throttled');
      },
    };
    expect(await honourUnsubscribe(failing, token())).toEqual({ status: 'unsubscribed', already: false });
    expect([...(reasons.get('ws-1|ada@example.com') ?? [])]).toEqual(['unsubscribe']);
    expect(memory.consent.map((c) => c.contactId)).toEqual(['contact-1']);
    expect(audits).toHaveLength(1);
    // The timeline entry stays on the opt-out, for a later request to record.
    expect(memory.unrecorded('ws-1', 'contact-1')).toHaveLength(1);
  });

  it('opts the contact out too, so a changed address does not bring the mail back; a bounce-free new address alone is not blocked', async () => {
    const { deps, reasons, token } = fakes('contact-1');
    await honourUnsubscribe(deps, token());
    expect([...(reasons.get('ws-1|contact:contact-1') ?? [])]).toEqual(['unsubscribe']);
    // The contact's new address, asked for the contact: blocked; asked as a bare address: not.
    expect(await deps.suppressions.reasonsFor('ws-1', 'ada.new@example.com', 'contact-1')).toEqual(['unsubscribe']);
    expect(await deps.suppressions.reasonsFor('ws-1', 'ada.new@example.com')).toEqual([]);
  });

  it('suppresses an address without a contact', async () => {
    const { deps, memory, interactions, audits, token } = fakes(undefined);
    expect((await honourUnsubscribe(deps, token())).status).toBe('unsubscribed');
    expect(memory.byAddress('ws-1', 'ada@example.com')).toEqual(['unsubscribe']);
    expect(memory.consent).toEqual([]);
    expect(audits).toHaveLength(1);
    expect(interactions).toEqual([]);
  });

  it('calls a tampered, foreign or malformed token invalid and writes nothing', async () => {
    const { deps, memory, audits, token } = fakes('contact-1');
    const good = token();
    const tampered = `${good.slice(0, 10)}${good[10] === 'A' ? 'B' : 'A'}${good.slice(11)}`;
    for (const bad of [tampered, 'x', '', '%%%', good.slice(0, 20)]) {
      expect(await honourUnsubscribe(deps, bad)).toEqual({ status: 'invalid' });
    }
    expect(memory.byAddress('ws-1', 'ada@example.com')).toEqual([]);
    expect(memory.byContact('ws-1', 'contact-1')).toEqual([]);
    expect(audits).toEqual([]);
  });
});

describe('unsubscribePage', () => {
  it('escapes what it shows and posts to the link', () => {
    const page = unsubscribePage('confirm', { action: 'https://a.test/u/t"x', email: '<b>@x.test' });
    expect(page).toContain('action="https://a.test/u/t&quot;x"');
    expect(page).toContain('&lt;b&gt;@x.test');
    expect(page).not.toContain('<script');
  });
});

describe('trackingKey', () => {
  it('derives 32 bytes from TRACKING_KEY, else from LOCAL_SECRET_KEY, and refuses a short or missing secret', () => {
    const local = randomBytes(32).toString('base64');
    const fromSecret = trackingKey({ TRACKING_KEY: 'x'.repeat(64) });
    expect(fromSecret).toHaveLength(32);
    expect(trackingKey({ TRACKING_KEY: 'x'.repeat(64), LOCAL_SECRET_KEY: local })).toEqual(fromSecret);
    expect(trackingKey({ LOCAL_SECRET_KEY: local })).toEqual(trackingKey({ LOCAL_SECRET_KEY: local }));
    expect(trackingKey({ LOCAL_SECRET_KEY: local })).not.toEqual(fromSecret);
    expect(() => trackingKey({ TRACKING_KEY: 'short' })).toThrow(/TRACKING_KEY/);
    expect(() => trackingKey({})).toThrow(/TRACKING_KEY/);
  });
});
