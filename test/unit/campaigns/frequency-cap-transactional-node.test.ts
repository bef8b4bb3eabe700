/**
 * Review round 11: this test failed at eab1d13 (a capped campaign's email node whose template is
 * transactional, a receipt, was held by the frequency cap: one marketing mail that day deferred
 * the receipt by a day, though a transactional send is not marketing mail, is never counted
 * against the cap, and is not logged for it).
 *
 * docs/CAMPAIGNS.md: the frequency cap is "of marketing mail per contact across every campaign";
 * docs/EMAIL.md: a template is `transactional` or `marketing`, and only marketing sends are logged
 * for the cap (campaign-mailer.ts). So a node whose pinned template is transactional sends as an
 * uncapped campaign's node does (no cap lock, no cap check), and marketing nodes stay capped.
 */
import { describe, expect, it } from 'vitest';
import { campaignMailer, type MarketingSendLog } from '../../../shared/campaigns/campaign-mailer';
import type { StepDeps } from '../../../shared/campaigns/ports';
import { enrolContact } from '../../../shared/campaigns/run-step';
import type { TemplateRecord, TemplateVersion } from '../../../shared/email/stored-templates';
import type { EmailCategory } from '../../../shared/email/suppression-rules';
import { CAMPAIGN, campaignWorld, WS } from './campaign-world';

const AT = '2026-12-05T10:00:00.000Z';
const FOOTER = '<p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p><p>{{ workspace.postalAddress }}</p>';

function mailerWith(categories: Record<string, EmailCategory>, now: () => Date) {
  const queued: string[] = [];
  const log = new Map<string, number>();
  const locks = { taken: 0, held: false };
  const record = (templateId: string): TemplateRecord => ({
    workspaceId: WS,
    templateId,
    name: templateId,
    category: categories[templateId] ?? 'marketing',
    latestVersion: 1,
    createdAt: AT,
    updatedAt: AT,
  });
  const version = (templateId: string): TemplateVersion => ({
    workspaceId: WS,
    templateId,
    version: 1,
    createdAt: AT,
    createdBy: 'u1',
    name: templateId,
    category: categories[templateId] ?? 'marketing',
    subject: templateId,
    html: `<p>${templateId}</p>${FOOTER}`,
  });
  const sendLog: MarketingSendLog = {
    record: async (_ws, _c, atMs, key) => void log.set(key, atMs),
    since: async (_ws, _c, sinceMs, exceptKey) =>
      [...log.entries()].filter(([k, t]) => k !== exceptKey && t >= sinceMs).map(([, t]) => t),
    lock: async () => {
      if (locks.held) return undefined;
      locks.held = true;
      locks.taken += 1;
      return async () => {
        locks.held = false;
      };
    },
  };
  const mailer = campaignMailer({
    from: 'news@example.com',
    unsubscribe: () => ({ url: 'https://example.com/u', headers: {} }),
    templates: {
      get: async (_ws, templateId) => record(templateId),
      version: async (_ws, templateId) => version(templateId),
    },
    profile: async () => ({ name: 'Acme', postalAddress: '1 Main St' }),
    queue: { send: async (m) => void queued.push('idempotencyKey' in m ? m.idempotencyKey : '') },
    sendLog,
    now,
  });
  return { mailer, queued, locks, log };
}

const JOURNEY = {
  nodes: [
    { id: 'start', kind: 'trigger', next: 'promo' },
    { id: 'promo', kind: 'email', templateId: 't-promo', next: 'receipt' },
    { id: 'receipt', kind: 'email', templateId: 't-receipt', next: 'promo2' },
    { id: 'promo2', kind: 'email', templateId: 't-promo2', next: 'end' },
    { id: 'end', kind: 'exit' },
  ],
};

describe('a frequency cap of 1 marketing mail a day', () => {
  it('does not hold a node whose template is transactional; the next marketing node is held', async () => {
    const w = campaignWorld(JOURNEY, { frequencyCap: { max: 1, per: 'day' } });
    w.addContact('c1');
    const now = () => new Date(w.now());
    const m = mailerWith({ 't-receipt': 'transactional' }, now);
    const deps: StepDeps = { ...w.deps, mailer: m.mailer, now };
    const outcome = await enrolContact(
      { workspaceId: WS, campaignId: CAMPAIGN, contactId: 'c1', launchId: 'l1' },
      deps,
    );
    // The promotion, then the receipt at once; the second promotion waits for the cap (a day).
    expect(m.queued).toEqual(['campaign#cmp1#c1#1#promo#1', 'campaign#cmp1#c1#1#receipt#2']);
    expect(outcome).toMatchObject({ status: 'waiting', node: 'promo2' });
    expect(w.enrolments.get(`${CAMPAIGN}#c1`)?.dueAt).toBe(new Date(w.now() + 86_400_000).toISOString());
    // Only marketing is logged for the cap.
    expect([...m.log.keys()]).toEqual(['campaign#cmp1#c1#1#promo#1']);
  });

  it('a transactional node sends while another step holds the contact’s cap lock', async () => {
    const w = campaignWorld(
      {
        nodes: [
          { id: 'start', kind: 'trigger', next: 'receipt' },
          { id: 'receipt', kind: 'email', templateId: 't-receipt', next: 'end' },
          { id: 'end', kind: 'exit' },
        ],
      },
      { frequencyCap: { max: 1, per: 'day' } },
    );
    w.addContact('c1');
    const now = () => new Date(w.now());
    const m = mailerWith({ 't-receipt': 'transactional' }, now);
    const release = await m.mailer.capLock(WS, 'c1');
    const deps: StepDeps = { ...w.deps, mailer: m.mailer, now };
    const outcome = await enrolContact(
      { workspaceId: WS, campaignId: CAMPAIGN, contactId: 'c1', launchId: 'l1' },
      deps,
    );
    expect(m.queued).toEqual(['campaign#cmp1#c1#1#receipt#1']);
    expect(outcome).toMatchObject({ status: 'ended', reason: 'completed' });
    await release?.();
  });
});
