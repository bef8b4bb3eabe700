/**
 * Broadcasts over in-memory stores: the start (postal address required for marketing, one
 * first page queued), the page fan-out (one self-contained send per live contact, ledger key
 * `broadcast#<id>#<contact>`, the next page queued), progress derived from recorded pages, and
 * a redelivered page changing nothing.
 */
import { describe, expect, it } from 'vitest';
import type { ContactStore } from '../../../shared/crm/contacts/ports';
import type { Contact } from '../../../shared/crm/model';
import {
  type BroadcastRecord,
  type BroadcastStore,
  broadcastProgress,
  runAudiencePage,
  startBroadcast,
} from '../../../shared/email/broadcast';
import type { AudiencePageMessage, EmailSendMessage } from '../../../shared/email/send-request';
import { emailQueueMessage } from '../../../shared/email/send-request';
import type { TemplateStore, TemplateVersion } from '../../../shared/email/stored-templates';

const WS = 'ws-1';
const version: TemplateVersion = {
  workspaceId: WS,
  templateId: 'tpl-1',
  version: 2,
  name: 'News',
  category: 'marketing',
  subject: 'Hi {{ contact.firstName }}',
  html: '<a href="{{ unsubscribe_url }}">Unsubscribe</a>{{ workspace.postalAddress }}',
  createdAt: '2026-12-01T00:00:00Z',
  createdBy: 'u-1',
};
const templates: Pick<TemplateStore, 'get' | 'version'> = {
  async get(ws, id) {
    return ws === WS && id === 'tpl-1'
      ? {
          workspaceId: WS,
          templateId: 'tpl-1',
          name: 'News',
          category: 'marketing',
          latestVersion: 2,
          createdAt: '',
          updatedAt: '',
        }
      : undefined;
  },
  async version(ws, id, v) {
    return ws === WS && id === 'tpl-1' && v === 2 ? version : undefined;
  },
};

function memoryBroadcasts(): BroadcastStore {
  const records = new Map<string, BroadcastRecord>();
  const pages = new Set<string>();
  return {
    async create(record) {
      if (records.has(record.broadcastId)) return false;
      records.set(record.broadcastId, record);
      return true;
    },
    async get(_ws, id) {
      return records.get(id);
    },
    async pageRecorded(_ws, id, page) {
      return pages.has(`${id}#${page}`);
    },
    async recordPage(_ws, id, p) {
      if (pages.has(`${id}#${p.page}`)) return false;
      pages.add(`${id}#${p.page}`);
      const r = records.get(id) as BroadcastRecord;
      records.set(id, {
        ...r,
        enqueued: r.enqueued + p.enqueued,
        skipped: r.skipped + p.skipped,
        pagesDone: r.pagesDone + 1,
        ...(p.last ? { lastPage: p.page } : {}),
        updatedAt: p.at,
      });
      return true;
    },
  };
}

const contact = (i: number, extra: Partial<Contact> = {}): Contact => ({
  contactId: `c-${String(i).padStart(3, '0')}`,
  workspaceId: WS,
  email: `c${i}@example.com`,
  firstName: `Name${i}`,
  status: 'lead',
  tags: i % 2 === 0 ? ['vip'] : [],
  customFields: {},
  score: 0,
  tier: 'cold',
  createdAt: '',
  updatedAt: '',
  ...extra,
});
/** A contact list paged by index, filtered by tag, as the adapter's contract. */
const listOf = (all: Contact[]): Pick<ContactStore, 'list'> => ({
  async list(_ws, filter, page) {
    const matching = all.filter((c) => !filter.tag || c.tags.includes(filter.tag));
    const start = page.cursor ? Number(page.cursor) : 0;
    const slice = matching.slice(start, start + page.limit);
    const next = start + page.limit < matching.length ? String(start + page.limit) : undefined;
    return { contacts: slice, ...(next ? { nextCursor: next } : {}) };
  },
});

const recorder = () => {
  const sent: Array<EmailSendMessage | AudiencePageMessage> = [];
  return { sent, queue: { send: async (m: EmailSendMessage | AudiencePageMessage) => void sent.push(m) } };
};
const profile = (postalAddress?: string) => async () => ({ name: 'Acme', ...(postalAddress ? { postalAddress } : {}) });
const now = () => new Date('2026-12-04T10:00:00Z');

describe('startBroadcast', () => {
  it('refuses a marketing broadcast while the workspace has no postal address', async () => {
    const { queue, sent } = recorder();
    const start = startBroadcast(
      WS,
      'tpl-1',
      { audience: {} },
      { createdBy: 'u-1' },
      {
        templates,
        broadcasts: memoryBroadcasts(),
        queue,
        profile: profile(),
        newId: () => 'b-1',
        now,
      },
    );
    await expect(start).rejects.toMatchObject({ code: 'POSTAL_ADDRESS_MISSING', status: 400 });
    expect(sent).toEqual([]);
  });

  it('records the broadcast and queues its first page; a repeated key answers the same broadcast', async () => {
    const { queue, sent } = recorder();
    const deps = {
      templates,
      broadcasts: memoryBroadcasts(),
      queue,
      profile: profile('1 Main St'),
      newId: () => 'b-x',
      now,
    };
    const first = await startBroadcast(
      WS,
      'tpl-1',
      { audience: { tag: 'vip' } },
      { clientKey: 'k', createdBy: 'u' },
      deps,
    );
    const again = await startBroadcast(
      WS,
      'tpl-1',
      { audience: { tag: 'vip' } },
      { clientKey: 'k', createdBy: 'u' },
      deps,
    );
    expect(first).toMatchObject({ status: 'queued', version: 2, enqueued: 0 });
    expect(again.broadcastId).toBe(first.broadcastId);
    expect(sent[0]).toMatchObject({
      kind: 'audience-page',
      broadcastId: first.broadcastId,
      templateId: 'tpl-1',
      version: 2,
      audience: { tag: 'vip' },
      workspace: { name: 'Acme', postalAddress: '1 Main St' },
      page: 0,
    });
    expect(emailQueueMessage.parse(sent[0]).kind).toBe('audience-page');
  });

  it('answers 404 for an unknown template', async () => {
    const { queue } = recorder();
    const deps = { templates, broadcasts: memoryBroadcasts(), queue, profile: profile('x'), newId: () => 'b', now };
    await expect(startBroadcast(WS, 'nope', { audience: {} }, { createdBy: 'u' }, deps)).rejects.toMatchObject({
      status: 404,
    });
  });
});

describe('runAudiencePage', () => {
  it('fans every page out once: one send per contact, progress done with the total, redeliveries change nothing', async () => {
    // Prepare: 25 contacts, 13 tagged vip (even indexes), one of them unsubscribed.
    const all = Array.from({ length: 25 }, (_, i) => contact(i, i === 4 ? { status: 'unsubscribed' } : {}));
    const { queue, sent } = recorder();
    const broadcasts = memoryBroadcasts();
    const start = await startBroadcast(
      WS,
      'tpl-1',
      { audience: { tag: 'vip' } },
      { createdBy: 'u' },
      {
        templates,
        broadcasts,
        queue,
        profile: profile('1 Main St'),
        newId: () => 'b-1',
        now,
      },
    );
    const deps = {
      templates,
      broadcasts,
      contacts: listOf(all),
      queue,
      from: 'news@acme.test',
      unsubscribe: (who: { workspaceId: string; sendId: string; email: string; contactId?: string }) => ({
        url: `https://app.test/u/${who.workspaceId}.${who.contactId}`,
        headers: { 'List-Unsubscribe': `<https://app.test/u/${who.contactId}>` },
      }),
      now,
    };
    // Act: run pages as the sender would, each page message taken off the "queue" (limit 5 per page).
    const pageMessages = () => sent.filter((m): m is AudiencePageMessage => 'kind' in m && m.kind === 'audience-page');
    const first = { ...(pageMessages()[0] as AudiencePageMessage), limit: 5 };
    let handled = 0;
    let next: AudiencePageMessage | undefined = first;
    const seenPages: AudiencePageMessage[] = [];
    while (next) {
      seenPages.push(next);
      await runAudiencePage(next, deps);
      handled += 1;
      next = pageMessages().find((m) => m.page === handled);
    }
    // Assess
    const sends = sent.filter((m): m is EmailSendMessage => !('kind' in m));
    expect(seenPages.map((p) => p.page)).toEqual([0, 1, 2]);
    expect(sends).toHaveLength(12);
    expect(new Set(sends.map((s) => s.idempotencyKey)).size).toBe(12);
    expect(sends[0]).toMatchObject({
      idempotencyKey: 'broadcast#b-1#c-000',
      to: 'c0@example.com',
      category: 'marketing',
      from: 'news@acme.test',
      content: { subject: version.subject, html: version.html },
      context: {
        contact: { email: 'c0@example.com', firstName: 'Name0', contactId: 'c-000' },
        workspace: { name: 'Acme', postalAddress: '1 Main St' },
        unsubscribe_url: 'https://app.test/u/ws-1.c-000',
      },
      headers: { 'List-Unsubscribe': '<https://app.test/u/c-000>' },
      tags: { broadcast: 'b-1', template: 'tpl-1' },
    });
    expect(sends.some((s) => s.to === 'c4@example.com')).toBe(false);
    expect(await broadcastProgress(WS, start.broadcastId, deps)).toMatchObject({
      status: 'done',
      enqueued: 12,
      skipped: 1,
      pages: 3,
      total: 12,
    });
    // A redelivered page: recorded already, nothing queued, nothing counted.
    const before = sent.length;
    expect(await runAudiencePage(seenPages[1] as AudiencePageMessage, deps)).toEqual({ status: 'already-done' });
    expect(sent.length).toBe(before);
    expect((await broadcastProgress(WS, start.broadcastId, deps)).enqueued).toBe(12);
  });

  it('is enqueuing between its first and last page', async () => {
    const { queue } = recorder();
    const broadcasts = memoryBroadcasts();
    await startBroadcast(
      WS,
      'tpl-1',
      { audience: {} },
      { createdBy: 'u' },
      {
        templates,
        broadcasts,
        queue,
        profile: profile('x'),
        newId: () => 'b-2',
        now,
      },
    );
    await broadcasts.recordPage(WS, 'b-2', { page: 0, enqueued: 5, skipped: 0, last: false, at: 'later' });
    expect(await broadcastProgress(WS, 'b-2', { broadcasts })).toMatchObject({ status: 'enqueuing', enqueued: 5 });
    expect((await broadcastProgress(WS, 'b-2', { broadcasts })).total).toBeUndefined();
    await expect(broadcastProgress(WS, 'nope', { broadcasts })).rejects.toMatchObject({ code: 'BROADCAST_NOT_FOUND' });
  });
});
