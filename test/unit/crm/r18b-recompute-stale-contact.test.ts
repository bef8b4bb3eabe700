/**
 * Review 18b — MEDIUM. A recompute scores a contact with the contact as its page read it, not as it
 * is when the recompute writes.
 * Root cause: shared/crm/scoring/recompute.ts:recomputeContact (and recomputePage): the contact
 * (its `aiSignals`, its profile) comes from the page read once for up to 100 contacts; per contact
 * only the score state is re-read (`readForChange` without `contact: true`). An AI assessment
 * (record-contact-intelligence.ts) that commits between the page read and the contact's turn writes
 * `aiSignals` on the contact and a state with `model: 'ai'`. The recompute then reads that newer
 * state, recomputes it with the stale contact (no signals: the rules blend), and overwrites it:
 * the contact item's score and tier drop from the AI composite back to the rules blend (hot ->
 * cold here), a spurious `contact.score_threshold_crossed` hot -> cold is published (campaign
 * triggers fire), the score state says `model: 'rules'` although the contact carries AI signals,
 * and no ledger entry explains the drop (no group changed).
 * Correct: the recompute reads the contact with the state it replays onto (one readForChange with
 * `contact: true`, as changeScore does for interactions and AI assessments) and uses its signals
 * and profile, so the AI composite stays and no crossing is invented.
 */
import { describe, expect, it } from 'vitest';
import type { ContactIntelligence } from '../../../shared/ai/agents/contact-intelligence';
import { recordContactIntelligence } from '../../../shared/ai/record-contact-intelligence';
import type { Contact } from '../../../shared/crm/model';
import { recomputePage } from '../../../shared/crm/scoring/recompute';
import { DEFAULT_SCORING_RULES } from '../../../shared/crm/scoring/rules';
import { THRESHOLD_EVENT } from '../../../shared/crm/scoring/score-interaction';
import { MemoryEvents, MemoryQueue, MemoryRecompute, MemoryScoreStore } from './scoring/memory-store';

const WS = 'ws-r18b';
const NOW = new Date('2026-03-02T10:00:00Z');

const contact: Contact = {
  contactId: 'c-1',
  workspaceId: WS,
  email: 'ada@example.com',
  status: 'lead',
  tags: [],
  customFields: {},
  score: 0,
  tier: 'cold',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
};

const assessment: ContactIntelligence = {
  buyingSignals: [],
  aiIntent: 70,
  engagementVelocity: 1,
  roleType: 'decision_maker',
  buyingIntent: 'high',
  decisionStage: 'decision',
  summary: 'Ready to buy.',
} as ContactIntelligence;

describe('review 18b: a recompute racing an AI assessment', () => {
  it('keeps the AI composite the assessment committed after the page was read', async () => {
    const store = new MemoryScoreStore();
    store.rules = { version: 2, rules: DEFAULT_SCORING_RULES };
    store.contactRecords.set('c-1', contact);
    const events = new MemoryEvents();
    const scoring = { store, events, now: () => NOW };
    const recompute = new MemoryRecompute([contact]);
    const readPage = recompute.contacts.bind(recompute);
    // The page is read; before the worker reaches the contact, its AI assessment lands.
    recompute.contacts = async (ws: string, limit: number, cursor?: string) => {
      const page = await readPage(ws, limit, cursor);
      await recordContactIntelligence(
        WS,
        'c-1',
        assessment,
        { callId: 'call-1', provider: 'anthropic', model: 'm' },
        scoring,
      );
      return page;
    };
    await recomputePage(
      { workspaceId: WS, jobId: 'job-2', version: 2, page: 0 },
      { store, recompute, queue: new MemoryQueue(), events, now: () => NOW },
    );

    const record = store.contactRecords.get('c-1');
    expect(record?.aiSignals).toBeDefined();
    const state = store.states.get('c-1');
    // The AI composite (70 + 5 + 15 + 20 + 25 = 100, hot) the assessment committed stays.
    expect({ model: state?.model, tier: state?.tier, contactTier: record?.tier }).toEqual({
      model: 'ai',
      tier: 'hot',
      contactTier: 'hot',
    });
    const crossings = events.published
      .filter((e) => e.type === THRESHOLD_EVENT)
      .map((e) => `${e.detail.fromTier}->${e.detail.toTier}`);
    expect(crossings).toEqual(['cold->hot']);
  });
});
