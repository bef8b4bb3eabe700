// Review round 16: this test failed at 5bc3520.
// A contact whose CRM status is `unsubscribed` got campaign marketing mail (only suppression records
// were read); the one rule (`mailBlockFor`) treats it as an unsubscribe on every path that asks.
import { describe, expect, it } from 'vitest';
import { enrolAudiencePage } from '../../../shared/campaigns/enrol-audience-page';
import { dripStepMessage, type EnrolMessage } from '../../../shared/campaigns/messages';
import type { LaunchRecords } from '../../../shared/campaigns/ports';
import { enrolContact } from '../../../shared/campaigns/run-step';
import { triggerFromEvent } from '../../../shared/campaigns/trigger-from-event';
import type { CampaignTriggerIndex } from '../../../shared/campaigns/trigger-ports';
import { mailBlockFor } from '../../../shared/email/suppression-rules';
import { CAMPAIGN, campaignWorld, DAY, WS } from './campaign-world';

const mailJourney = (templateId: string) => ({
  nodes: [
    { id: 'start', kind: 'trigger', next: 'wait' },
    { id: 'wait', kind: 'wait', for: { type: 'duration', duration: { days: 1 } }, next: 'mail' },
    { id: 'mail', kind: 'email', templateId, next: 'end' },
    { id: 'end', kind: 'exit' },
  ],
});

describe('mailBlockFor: the one rule of who may get marketing mail', () => {
  it('treats the status `unsubscribed` as an unsubscribe: marketing blocked (any topic), transactional not', () => {
    const optedOut = { status: 'unsubscribed' };
    expect(mailBlockFor(optedOut, [], 'marketing')).toBe('unsubscribe');
    expect(mailBlockFor(optedOut, [], 'marketing', 'news')).toBe('unsubscribe');
    expect(mailBlockFor(optedOut, [], 'transactional')).toBeUndefined();
    // A suppression that blocks more is named first (its exit reason is its own: bounced, complained).
    expect(mailBlockFor(optedOut, ['hard-bounce'], 'transactional')).toBe('hard-bounce');
    expect(mailBlockFor({ status: 'customer' }, [], 'marketing')).toBeUndefined();
    expect(mailBlockFor({ status: 'customer' }, ['unsubscribe'], 'marketing')).toBe('unsubscribe');
  });
});

describe('a launch page (by filter, or a schedule)', () => {
  it('leaves a contact whose status is unsubscribed out and counts it as suppressed', async () => {
    const sent: string[] = [];
    const pages: { queued: number; suppressed: number }[] = [];
    const launches = {
      begin: async () => undefined,
      page: async () => undefined,
      recordPage: async (_ws: string, _l: string, _key: string, d: object) => ({ ...d, counted: false }),
      addPage: async (_ws: string, _l: string, _key: string, counts: { queued: number; suppressed: number }) =>
        void pages.push(counts),
    } as unknown as LaunchRecords;
    const statuses: Record<string, string> = { live: 'lead', opted: 'unsubscribed', unsub: 'customer' };
    const result = await enrolAudiencePage(
      { workspaceId: 'w', campaignId: 'c', launchId: 'l', enrolled: 0, pageSize: 100 },
      {
        audience: { page: async () => ({ contactIds: ['live', 'opted', 'unsub'] }) },
        queue: { sendAll: async (m) => void sent.push(...m.map((x) => (x.kind === 'enrol' ? x.contactId : x.kind))) },
        launches,
        suppressions: { reasonsFor: async (_ws, email) => (email === 'unsub@x.test' ? ['unsubscribe' as const] : []) },
        contacts: { get: async (_ws, id) => ({ email: `${id}@x.test`, status: statuses[id] ?? 'lead' }) },
        now: () => new Date('2026-12-04T00:00:00Z'),
      },
    );
    expect(sent).toEqual(['live']);
    expect(result).toMatchObject({ enrolled: 1 });
    expect(pages).toEqual([{ queued: 1, suppressed: 2 }]);
  });
});

describe('the engine treats the status like an unsubscribe suppression', () => {
  /** Runs one contact through the journey: its status `unsubscribed`, or an `unsubscribe` suppression. */
  async function run(how: 'status' | 'suppression', transactional: boolean, setAfterEnrol = false) {
    const w = campaignWorld(mailJourney('t1'));
    if (transactional) w.transactionalTemplates.add('t1');
    w.addContact('p1');
    const optOut = () => {
      if (how === 'suppression') w.suppressed.set('p1@example.com', ['unsubscribe']);
      else w.addContact('p1', { fields: { status: 'unsubscribed' } });
    };
    if (!setAfterEnrol) optOut();
    const first = await enrolContact(
      { kind: 'enrol', workspaceId: WS, campaignId: CAMPAIGN, contactId: 'p1', launchId: 'l1' },
      w.deps,
    );
    if (setAfterEnrol) optOut();
    await w.advanceTo(w.now() + 2 * DAY);
    return {
      first: first.status,
      exit: w.enrolments.get(`${CAMPAIGN}#p1`)?.exitReason,
      sends: w.sends.size,
      exited: w.counters.get('exited:unsubscribed') ?? 0,
    };
  }

  it('at enrolment: exits `unsubscribed` before any node, as a suppression does (marketing or transactional journey)', async () => {
    for (const transactional of [false, true]) {
      const byStatus = await run('status', transactional);
      expect(byStatus).toEqual(await run('suppression', transactional));
      expect(byStatus).toMatchObject({ first: 'ended', exit: 'unsubscribed', sends: 0, exited: 1 });
    }
  });

  it('set while the enrolment waits: it exits `unsubscribed` before the marketing email node', async () => {
    const byStatus = await run('status', false, true);
    expect(byStatus).toEqual(await run('suppression', false, true));
    expect(byStatus).toMatchObject({ first: 'waiting', exit: 'unsubscribed', sends: 0, exited: 1 });
  });

  it('a trigger event enrols such a contact into no marketing mail', async () => {
    const w = campaignWorld({
      nodes: [
        { id: 'start', kind: 'trigger', on: { type: 'interaction', interaction: 'page_visit' }, next: 'mail' },
        { id: 'mail', kind: 'email', templateId: 'promo', next: 'end' },
        { id: 'end', kind: 'exit' },
      ],
    });
    w.addContact('p1', { fields: { status: 'unsubscribed' } });
    const index: CampaignTriggerIndex = {
      set: async () => undefined,
      find: async () => [CAMPAIGN],
      claimed: async () => false,
      claim: async () => true,
      setSchedule: async () => undefined,
      pendingSlot: async () => undefined,
      scheduleNext: async () => undefined,
    };
    const m = dripStepMessage.parse({
      version: '0',
      id: 'eb-1',
      'detail-type': 'contact.interaction_recorded',
      source: 'unite-hub',
      detail: { workspaceId: WS, contactId: 'p1', interactionType: 'page_visit', eventId: 'i1' },
    });
    if (m.kind !== 'domain-event') throw new Error('expected a domain event');
    await triggerFromEvent(m.event, {
      index,
      versions: w.deps.versions,
      enrol: (e: EnrolMessage) => enrolContact(e, w.deps),
    });
    expect(w.sends.size).toBe(0);
    expect(w.enrolments.get(`${CAMPAIGN}#p1`)?.exitReason).toBe('unsubscribed');
  });
});
