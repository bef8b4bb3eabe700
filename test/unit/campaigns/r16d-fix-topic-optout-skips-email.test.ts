// Review round 16: this test failed at 5bc3520.
// A contact's topic opt-out was ignored by the campaign step (`mailBlockFor(..., 'marketing')`, no topic): the
// email of that topic was queued and logged for the cap, then dropped by the sender. The email node now judges
// the contact's suppressions with its template's topic: such an email is skipped (`node:<id>:suppressed`) and
// the journey goes on; the run never exits for one topic.
import { describe, expect, it } from 'vitest';
import type { CampaignMailer, StepDeps } from '../../../shared/campaigns/ports';
import { enrolContact } from '../../../shared/campaigns/run-step';
import type { SuppressionReason } from '../../../shared/email/suppression-rules';
import { CAMPAIGN, campaignWorld, DAY, WS } from './campaign-world';

const TOPICS: Record<string, string | undefined> = { 't-promo': 'promotions', 't-news': 'newsletter' };
const RECEIPTS = new Set(['t-receipt']);

/** The world's mailer, with templates that have a topic, counting the template reads. */
function withTopics(w: ReturnType<typeof campaignWorld>): { deps: StepDeps; reads: string[] } {
  const reads: string[] = [];
  const mailer: CampaignMailer = {
    ...w.deps.mailer,
    async templateOf(_ws, templateId) {
      reads.push(templateId);
      const topic = TOPICS[templateId];
      return { category: RECEIPTS.has(templateId) ? 'transactional' : 'marketing', ...(topic ? { topic } : {}) };
    },
  };
  return { deps: { ...w.deps, mailer }, reads };
}

const PROMO_THEN_NEWS = {
  nodes: [
    { id: 'start', kind: 'trigger', next: 'promo' },
    { id: 'promo', kind: 'email', templateId: 't-promo', next: 'news' },
    { id: 'news', kind: 'email', templateId: 't-news', next: 'end' },
    { id: 'end', kind: 'exit' },
  ],
};

const mailedNodes = (w: ReturnType<typeof campaignWorld>) => [...w.sends.values()].map((s) => s.nodeId);

async function enrol(w: ReturnType<typeof campaignWorld>, deps: StepDeps, optOuts: SuppressionReason[]) {
  w.addContact('c1');
  w.suppressed.set('c1@example.com', optOuts);
  return enrolContact({ workspaceId: WS, campaignId: CAMPAIGN, contactId: 'c1', launchId: 'l1' }, deps);
}

describe('a topic opt-out at the campaign step', () => {
  it('skips the email of that topic (not queued, counted suppressed) and mails the next one at once', async () => {
    const w = campaignWorld(PROMO_THEN_NEWS, { frequencyCap: { max: 1, per: 'week' } });
    const { deps } = withTopics(w);
    const outcome = await enrol(w, deps, ['unsubscribe:topic:promotions']);

    expect(mailedNodes(w)).toEqual(['news']);
    expect(w.counters.get('node:promo:suppressed')).toBe(1);
    expect(w.counters.get('node:promo:sent')).toBeUndefined();
    expect(w.counters.get('sent')).toBe(1);
    // The journey went on to its end: no exit for one topic.
    expect(outcome).toMatchObject({ status: 'ended', reason: 'completed' });
    expect(w.counters.get('exited:unsubscribed')).toBeUndefined();
    expect(w.enrolments.get(`${CAMPAIGN}#c1`)?.emails.promo).toBeUndefined();
  });

  it('does the same in an uncapped campaign, and is not held by a closed send window first', async () => {
    // Monday 10:00 UTC; the window opens at 14:00 UTC: the skip does not wait for it.
    const w = campaignWorld(PROMO_THEN_NEWS, { sendWindow: { weekdays: [1, 2, 3, 4, 5], startHour: 14, endHour: 18 } });
    const { deps } = withTopics(w);
    const outcome = await enrol(w, deps, ['unsubscribe:topic:promotions']);

    expect(w.counters.get('node:promo:suppressed')).toBe(1);
    expect(outcome).toMatchObject({ status: 'waiting', node: 'news' });
    expect(mailedNodes(w)).toEqual([]);
    await w.advanceTo(w.now() + DAY);
    expect(mailedNodes(w)).toEqual(['news']);
  });

  it('mails a topic the contact kept, and a transactional mail whatever its topic opt-outs', async () => {
    const w = campaignWorld({
      nodes: [
        { id: 'start', kind: 'trigger', next: 'receipt' },
        { id: 'receipt', kind: 'email', templateId: 't-receipt', next: 'news' },
        { id: 'news', kind: 'email', templateId: 't-news', next: 'end' },
        { id: 'end', kind: 'exit' },
      ],
    });
    const { deps } = withTopics(w);
    await enrol(w, deps, ['unsubscribe:topic:promotions']);
    expect(mailedNodes(w)).toEqual(['receipt', 'news']);
    expect([...w.counters.keys()].filter((k) => k.endsWith(':suppressed'))).toEqual([]);
  });

  it('reads no template before queueing in an uncapped campaign when the contact opted out of no topic', async () => {
    const w = campaignWorld(PROMO_THEN_NEWS);
    const { deps, reads } = withTopics(w);
    await enrol(w, deps, []);
    expect(mailedNodes(w)).toEqual(['promo', 'news']);
    expect(reads).toEqual([]);
  });

  it('still ends the run for an unsubscribe from all marketing (not a topic)', async () => {
    const w = campaignWorld(PROMO_THEN_NEWS);
    const { deps } = withTopics(w);
    const outcome = await enrol(w, deps, ['unsubscribe']);
    expect(outcome).toMatchObject({ status: 'ended', reason: 'unsubscribed' });
    expect(mailedNodes(w)).toEqual([]);
  });

  it('takes back the subject line its checkpoint recorded: a variant never mailed counts no conversion', async () => {
    const w = campaignWorld({
      nodes: [
        { id: 'start', kind: 'trigger', next: 'promo' },
        { id: 'promo', kind: 'email', templateId: 't-promo', subjectVariants: ['A', 'B'], next: 'end' },
        { id: 'end', kind: 'exit' },
      ],
    });
    const { deps } = withTopics(w);
    await enrol(w, deps, ['unsubscribe:topic:promotions']);
    expect(mailedNodes(w)).toEqual([]);
    expect(w.enrolments.get(`${CAMPAIGN}#c1`)?.arms.promo).toBeUndefined();
    expect([...w.counters.keys()].filter((k) => k.startsWith('variant:'))).toEqual([]);
  });
});
