/**
 * A frequency cap of 1 marketing mail a day and a journey of two emails in a row (no wait between):
 * docs/CAMPAIGNS.md says a send over the cap is deferred, never let through. With the real
 * campaignMailer the first send is logged at the clock's time when it is queued, a few ms after
 * the step read `now`; nextAllowedSend leaves out log entries dated after `now` (`t <= nowMs`), so
 * the second email does not see the first and both go in the same instant.
 */
import { describe, expect, it } from 'vitest';
import { campaignMailer, type MarketingSendLog } from '../../../shared/campaigns/campaign-mailer';
import type { StepDeps } from '../../../shared/campaigns/ports';
import { enrolContact } from '../../../shared/campaigns/run-step';
import type { TemplateRecord, TemplateVersion } from '../../../shared/email/stored-templates';
import { CAMPAIGN, campaignWorld, WS } from './campaign-world';

const AT = '2026-12-05T10:00:00.000Z';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function realMailer(now: () => Date) {
  const queued: { key: string; at: number }[] = [];
  const log = new Map<string, number>();
  let locked = false;
  const record: TemplateRecord = {
    workspaceId: WS,
    templateId: 't1',
    name: 'News',
    category: 'marketing',
    latestVersion: 1,
    createdAt: AT,
    updatedAt: AT,
  };
  const version: TemplateVersion = {
    workspaceId: WS,
    templateId: 't1',
    version: 1,
    createdAt: AT,
    createdBy: 'u1',
    name: 'News',
    category: 'marketing',
    subject: 'Hello',
    html: '<p>Hi</p><p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p><p>{{ workspace.postalAddress }}</p>',
  };
  const sendLog: MarketingSendLog = {
    record: async (_ws, _c, atMs, key) => void log.set(key, atMs),
    since: async (_ws, _c, sinceMs, exceptKey) =>
      [...log.entries()].filter(([k, t]) => k !== exceptKey && t >= sinceMs).map(([, t]) => t),
    lock: async () => {
      if (locked) return undefined;
      locked = true;
      return async () => {
        locked = false;
      };
    },
  };
  const mailer = campaignMailer({
    from: 'news@example.com',
    unsubscribe: () => ({ url: 'https://example.com/u', headers: {} }),
    // A template read takes a few ms (a DynamoDB GetItem).
    templates: {
      get: async () => {
        await sleep(3);
        return record;
      },
      version: async () => {
        await sleep(3);
        return version;
      },
    },
    profile: async () => ({ name: 'Acme', postalAddress: '1 Main St' }),
    queue: {
      send: async (m) => void queued.push({ key: 'idempotencyKey' in m ? m.idempotencyKey : '', at: now().getTime() }),
    },
    sendLog,
    now,
  });
  return { mailer, queued };
}

describe('a frequency cap of 1 a day', () => {
  it('defers the second of two emails in a row (real clock)', async () => {
    const w = campaignWorld(
      {
        nodes: [
          { id: 'start', kind: 'trigger', next: 'one' },
          { id: 'one', kind: 'email', templateId: 't1', next: 'two' },
          { id: 'two', kind: 'email', templateId: 't1', next: 'end' },
          { id: 'end', kind: 'exit' },
        ],
      },
      { frequencyCap: { max: 1, per: 'day' } },
    );
    w.addContact('c1');
    const now = () => new Date();
    const { mailer, queued } = realMailer(now);
    const deps: StepDeps = { ...w.deps, mailer, now };
    const outcome = await enrolContact(
      { workspaceId: WS, campaignId: CAMPAIGN, contactId: 'c1', launchId: 'l1' },
      deps,
    );
    expect(queued.map((q) => q.key)).toEqual(['campaign#cmp1#c1#1#one#1']);
    expect(outcome).toMatchObject({ status: 'waiting', node: 'two' });
  });
});
