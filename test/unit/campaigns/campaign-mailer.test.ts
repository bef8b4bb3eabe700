/**
 * A campaign email node's send: a marketing send is logged for frequency caps before its message
 * is queued, so a cap checked meanwhile by another campaign's step already sees it.
 */
import { describe, expect, it } from 'vitest';
import { campaignMailer } from '../../../shared/campaigns/campaign-mailer';
import type { TemplateRecord, TemplateVersion } from '../../../shared/email/stored-templates';

const AT = '2026-12-05T10:00:00.000Z';

function mailer(category: 'marketing' | 'transactional', failQueue = false) {
  const calls: string[] = [];
  const record: TemplateRecord = {
    workspaceId: 'ws',
    templateId: 't1',
    name: 'Welcome',
    category,
    latestVersion: 1,
    createdAt: AT,
    updatedAt: AT,
  };
  const version: TemplateVersion = {
    workspaceId: 'ws',
    templateId: 't1',
    version: 1,
    createdAt: AT,
    createdBy: 'u1',
    name: 'Welcome',
    category,
    subject: 'Hello {{ contact.firstName }}',
    html: '<p>Hi</p><p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p><p>{{ workspace.postalAddress }}</p>',
  };
  const m = campaignMailer({
    from: 'news@example.com',
    unsubscribe: () => ({ url: 'https://example.com/u', headers: {} }),
    templates: { get: async () => record, version: async () => version },
    profile: async () => ({ name: 'Acme', postalAddress: '1 Main St' }),
    queue: {
      send: async () => {
        calls.push('queue');
        if (failQueue) throw new Error('queue unavailable');
      },
    },
    sendLog: {
      record: async (_ws, contactId, _at, key) => void calls.push(`log ${contactId} ${key}`),
      since: async () => [],
      lock: async () => async () => undefined,
    },
    now: () => new Date(AT),
  });
  const send = () =>
    m.send({
      workspaceId: 'ws',
      campaignId: 'cmp',
      version: 1,
      nodeId: 'welcome',
      contact: {
        contactId: 'c1',
        email: 'c1@example.com',
        deleted: false,
        fields: {},
        tags: [],
        score: 0,
        tier: 'cold',
      },
      templateId: 't1',
      idempotencyKey: 'enr#welcome#1',
    });
  return { calls, send };
}

describe('campaignMailer.send', () => {
  it('logs a marketing send before it queues it', async () => {
    const { calls, send } = mailer('marketing');
    await send();
    expect(calls).toEqual(['log c1 enr#welcome#1', 'queue']);
  });

  it('keeps the log entry when queueing fails: the retry logs the same key again and queues', async () => {
    const { calls, send } = mailer('marketing', true);
    await expect(send()).rejects.toThrow('queue unavailable');
    expect(calls).toEqual(['log c1 enr#welcome#1', 'queue']);
  });

  it('logs no transactional send', async () => {
    const { calls, send } = mailer('transactional');
    await send();
    expect(calls).toEqual(['queue']);
  });
});
