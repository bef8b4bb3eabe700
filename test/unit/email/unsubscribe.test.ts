import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { trackingKey } from '../../../shared/config';
import { type EmailSendMessage, queueOneOffSend } from '../../../shared/email/send-request';
import type { SuppressionReason } from '../../../shared/email/suppression-rules';
import { sealTrackingToken } from '../../../shared/email/tracking-token';
import {
  honourUnsubscribe,
  listUnsubscribeHeaders,
  openUnsubscribeToken,
  type UnsubscribeDeps,
  unsubscribeFor,
  unsubscribePage,
} from '../../../shared/email/unsubscribe';
import type { AuditEntry } from '../../../shared/identity/ports';

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
  const reasons = new Map<string, Set<SuppressionReason>>();
  const interactions: string[] = [];
  const audits: AuditEntry[] = [];
  const deps: UnsubscribeDeps = {
    key,
    suppressions: {
      reasonsFor: async (ws, email, contact) => [
        ...(reasons.get(`${ws}|${email}`) ?? []),
        ...(contact ? (reasons.get(`${ws}|contact:${contact}`) ?? []) : []),
      ],
      suppress: async (ws, email, reason) => {
        const set = reasons.get(`${ws}|${email}`) ?? new Set();
        set.add(reason);
        reasons.set(`${ws}|${email}`, set);
      },
      suppressContact: async (ws, contact, reason) => {
        const set = reasons.get(`${ws}|contact:${contact}`) ?? new Set();
        set.add(reason);
        reasons.set(`${ws}|contact:${contact}`, set);
      },
      contactOptOuts: async (ws, contact) => [...(reasons.get(`${ws}|contact:${contact}`) ?? [])],
    },
    recordUnsubscribed: async (_ws, id) => void interactions.push(id),
    audit: async (entry) => void audits.push(entry),
    now: () => new Date('2026-12-04T00:00:00Z'),
  };
  // The link names the contact the send was for (none: a send to an address without a contact).
  const token = () =>
    new URL(unsubscribeFor(link, { ...who, ...(contactId ? { contactId } : {}) }).url).pathname.slice(3);
  return { deps, reasons, interactions, audits, token };
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

  it('writes the consent withdrawal and the audit entry before the timeline entry, whose failure cannot skip them', async () => {
    const { deps, reasons, audits, token } = fakes('contact-1');
    const withdrawn: string[] = [];
    const failing: UnsubscribeDeps = {
      ...deps,
      withdrawConsent: async (_ws, id) => void withdrawn.push(id),
      recordUnsubscribed: async () => {
        throw new Error('EventBridge throttled');
      },
    };
    await expect(honourUnsubscribe(failing, token())).rejects.toThrow('throttled');
    expect([...(reasons.get('ws-1|ada@example.com') ?? [])]).toEqual(['unsubscribe']);
    expect(withdrawn).toEqual(['contact-1']);
    expect(audits).toHaveLength(1);
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
    const { deps, reasons, interactions, token } = fakes(undefined);
    expect((await honourUnsubscribe(deps, token())).status).toBe('unsubscribed');
    expect(reasons.size).toBe(1);
    expect(interactions).toEqual([]);
  });

  it('calls a tampered, foreign or malformed token invalid and writes nothing', async () => {
    const { deps, reasons, audits, token } = fakes('contact-1');
    const good = token();
    const tampered = `${good.slice(0, 10)}${good[10] === 'A' ? 'B' : 'A'}${good.slice(11)}`;
    for (const bad of [tampered, 'x', '', '%%%', good.slice(0, 20)]) {
      expect(await honourUnsubscribe(deps, bad)).toEqual({ status: 'invalid' });
    }
    expect(reasons.size).toBe(0);
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
