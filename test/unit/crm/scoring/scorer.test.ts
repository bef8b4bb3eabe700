import { describe, expect, it } from 'vitest';
import type { Contact, Interaction } from '../../../../shared/crm/model';
import { recomputePage } from '../../../../shared/crm/scoring/recompute';
import { DEFAULT_SCORING_RULES } from '../../../../shared/crm/scoring/rules';
import { scoreInteraction, THRESHOLD_EVENT } from '../../../../shared/crm/scoring/score-interaction';
import { MemoryEvents, MemoryQueue, MemoryRecompute, MemoryScoreStore } from './memory-store';

const now = () => new Date('2026-03-01T10:00:00.000Z');
const contact: Contact = {
  contactId: 'c1',
  workspaceId: 'w1',
  email: 'ceo@acme.test',
  jobTitle: 'CEO',
  company: 'Acme',
  phone: '+15550100',
  customFields: { companySize: 500 },
  status: 'lead',
  tags: [],
  score: 0,
  tier: 'cold',
  createdAt: now().toISOString(),
  updatedAt: now().toISOString(),
};
let n = 0;
const interaction = (type: Interaction['type']): Interaction => ({
  interactionId: `i${++n}`,
  workspaceId: 'w1',
  contactId: 'c1',
  type,
  occurredAt: now().toISOString(),
  metadata: {},
  source: 'test',
});

describe('scoreInteraction', () => {
  it('is idempotent per interaction id: a redelivery scores nothing and writes nothing', async () => {
    const store = new MemoryScoreStore();
    const deps = { store, events: new MemoryEvents(), now };
    const click = interaction('email_clicked');
    const first = await scoreInteraction(contact, click, deps);
    const again = await scoreInteraction(contact, click, deps);
    expect(first.score).toBeGreaterThan(0);
    expect(again).toEqual({
      score: first.score,
      tier: first.tier,
      previousScore: first.score,
      previousTier: first.tier,
    });
    expect(store.commits).toBe(1);
    // One entry for the fit (first score), one for the click; none from the redelivery.
    expect(store.ledger.filter((e) => e.interactionId === click.interactionId).map((e) => e.ruleId)).toEqual([
      'profile',
      'email-clicked',
    ]);
  });

  it('emits the threshold event once, when the tier changes, with from/to tier and score', async () => {
    const store = new MemoryScoreStore();
    const events = new MemoryEvents();
    const deps = { store, events, now };
    // fit 100 -> 40 composite points; each meeting (+25) adds 15: 55, 70, 85, 100.
    const tiers: string[] = [];
    for (let i = 0; i < 4; i++) tiers.push((await scoreInteraction(contact, interaction('meeting'), deps)).tier);
    expect(tiers).toEqual(['lukewarm', 'warm', 'hot', 'hot']);
    expect(events.published.map((e) => [e.type, e.detail.fromTier, e.detail.toTier])).toEqual([
      [THRESHOLD_EVENT, 'cold', 'lukewarm'],
      [THRESHOLD_EVENT, 'lukewarm', 'warm'],
      [THRESHOLD_EVENT, 'warm', 'hot'],
    ]);
    expect(events.published.at(-1)).toMatchObject({ workspaceId: 'w1', detail: { contactId: 'c1', score: 85 } });
    // Falling back out of hot is a crossing too: engagement 100 - 50 -> 40 + 30 = 70.
    await scoreInteraction(contact, interaction('unsubscribed'), deps);
    expect(events.published.at(-1)?.detail).toMatchObject({ fromTier: 'hot', toTier: 'warm', score: 70 });
    expect(events.published).toHaveLength(4);
  });

  it('retries from a fresh read when another writer moved the version', async () => {
    const store = new MemoryScoreStore();
    const deps = { store, events: new MemoryEvents(), now };
    await scoreInteraction(contact, interaction('email_opened'), deps);
    let raced = false;
    store.beforeCommit = (w) => {
      if (raced) return;
      raced = true;
      // A concurrent click lands between our read and our write.
      const s = store.states.get(w.contactId);
      if (s) store.states.set(w.contactId, { ...s, version: s.version + 1, engagementRaw: s.engagementRaw + 10 });
    };
    await scoreInteraction(contact, interaction('email_opened'), deps);
    expect(store.states.get('c1')?.engagementRaw).toBe(20);
    expect(store.states.get('c1')?.version).toBe(3);
  });

  it('gives up with a 409 when the version keeps moving', async () => {
    const store = new MemoryScoreStore();
    store.beforeCommit = (w) => {
      if (w.state)
        store.states.set(w.contactId, { ...w.state, version: (store.states.get(w.contactId)?.version ?? 0) + 7 });
    };
    await expect(
      scoreInteraction(contact, interaction('call'), { store, events: new MemoryEvents(), now, maxAttempts: 3 }),
    ).rejects.toMatchObject({ status: 409, code: 'SCORE_CONFLICT' });
  });

  it('leaves types without a rule alone', async () => {
    const store = new MemoryScoreStore();
    const bare = { ...contact, jobTitle: undefined, company: undefined, phone: undefined, customFields: {} };
    const out = await scoreInteraction(bare, interaction('email_sent'), { store, events: new MemoryEvents(), now });
    expect(out).toEqual({ score: 0, tier: 'cold', previousScore: 0, previousTier: 'cold' });
    expect(store.commits).toBe(0);
  });

  it('uses the v1 AI composite and its hot >= 70 when the contact carries AI signals', async () => {
    const store = new MemoryScoreStore();
    const ai = {
      ...contact,
      aiSignals: { aiScore: 35, engagementVelocity: 0, buyingIntent: 'high', decisionStage: 'consideration' } as const,
    };
    const out = await scoreInteraction(ai, interaction('email_opened'), { store, events: new MemoryEvents(), now });
    expect(out).toMatchObject({ score: 70, tier: 'hot' });
    expect(store.states.get('c1')?.model).toBe('ai');
  });
});

describe('recomputePage', () => {
  const contacts = Array.from({ length: 5 }, (_, i) => ({ ...contact, contactId: `r${i}` }));

  it('walks the contacts page by page, one message each, and completes the job', async () => {
    const store = new MemoryScoreStore();
    store.rules = { version: 2, rules: DEFAULT_SCORING_RULES };
    const recompute = new MemoryRecompute(contacts);
    for (const c of contacts) store.contactRecords.set(c.contactId, c);
    const queue = new MemoryQueue();
    const deps = { store, recompute, queue, events: new MemoryEvents(), now, pageSize: 2 };
    let message = { workspaceId: 'w1', jobId: 'j', version: 2, page: 0 } as Parameters<typeof recomputePage>[0];
    const outcomes = [];
    for (;;) {
      outcomes.push(await recomputePage(message, deps));
      const next = queue.sent.at(-1);
      if (!next || next.page === message.page) break;
      message = next;
    }
    expect(outcomes).toEqual(['page', 'page', 'completed']);
    expect(recompute.jobs.get('j')).toEqual({ pages: 3, contacts: 5, status: 'completed' });
    // Fit 100 under the default rules: 40 composite points, lukewarm, for every contact.
    expect([...store.contacts.values()].map((c) => c.tier)).toEqual(Array(5).fill('lukewarm'));
    expect(store.ledger.filter((e) => e.ruleId === 'recompute')).toHaveLength(5);
    // A redelivered page changes nothing.
    expect(await recomputePage({ ...message }, deps)).toBe('duplicate');
  });

  it('stops a job whose rules version was replaced', async () => {
    const store = new MemoryScoreStore();
    store.rules = { version: 3, rules: DEFAULT_SCORING_RULES };
    const recompute = new MemoryRecompute(contacts);
    for (const c of contacts) store.contactRecords.set(c.contactId, c);
    const queue = new MemoryQueue();
    const deps = { store, recompute, queue, events: new MemoryEvents(), now };
    expect(await recomputePage({ workspaceId: 'w1', jobId: 'old', version: 2, page: 0 }, deps)).toBe('stale');
    expect(queue.sent).toEqual([]);
    expect(recompute.jobs.get('old')?.status).toBe('superseded');
  });
});
