/**
 * Review round 11: this test failed at eab1d13 (the score store's rules cache, 60 s per instance,
 * kept the old rules after a save: the instance that saved them still read scores under the old
 * weights, and an instance that had cached them scored a meeting at the old 25 points on a contact
 * the recompute had already moved to the new rules, where it stayed until the next save).
 *
 * The instance that saves the rules uses them at once; no instance applies rules older than the
 * ones a contact's score state was written under; a recompute that leaves a score unchanged still
 * stamps it with the new rules version, so that holds for it too.
 */
import { describe, expect, it } from 'vitest';
import type { Contact, Interaction } from '../../../../shared/crm/model';
import type { RulesStore, ScoreReader, ScoreStore } from '../../../../shared/crm/scoring/ports';
import { getContactScore } from '../../../../shared/crm/scoring/read-score';
import { putScoringRules, recomputeContact } from '../../../../shared/crm/scoring/recompute';
import { DEFAULT_SCORING_RULES, type ScoringRules, type VersionedRules } from '../../../../shared/crm/scoring/rules';
import { scoreInteraction } from '../../../../shared/crm/scoring/score-interaction';
import { MemoryEvents, MemoryQueue, MemoryRecompute, MemoryScoreStore } from './memory-store';

const now = () => new Date('2026-03-01T10:00:00.000Z');
let n = 0;
const contactIn = (workspaceId: string): Contact => ({
  contactId: `c${++n}`,
  workspaceId,
  email: 'ceo@acme.test',
  jobTitle: 'CEO',
  company: 'Acme',
  customFields: {},
  status: 'lead',
  tags: [],
  score: 0,
  tier: 'cold',
  createdAt: now().toISOString(),
  updatedAt: now().toISOString(),
});
const interaction = (c: Contact, type: Interaction['type']): Interaction => ({
  interactionId: `i${++n}`,
  workspaceId: c.workspaceId,
  contactId: c.contactId,
  type,
  occurredAt: now().toISOString(),
  metadata: {},
  source: 'test',
});

/** One instance's view of the shared store: the rules cached as the DynamoDB adapter caches them (read afresh only when asked). */
function instance(data: MemoryScoreStore): ScoreStore {
  let cached: VersionedRules | undefined;
  return {
    async readRules(_ws, options) {
      if (!options?.fresh && cached) return cached;
      cached = data.rules;
      return cached;
    },
    readState: (ws, id) => data.readState(ws, id),
    readForChange: (ws, id, scoredId, options) => data.readForChange(ws, id, scoredId, options),
    commit: (w) => data.commit(w),
  };
}

/** The rules item, saved by whichever instance. */
const rulesStore = (data: MemoryScoreStore): RulesStore => ({
  async saveRules(_ws, rules) {
    data.rules = { version: data.rules.version + 1, rules };
    return data.rules.version;
  },
  readJob: async () => undefined,
});

const reader = (c: Contact): ScoreReader => ({
  contact: async () => c,
  ledger: async () => ({ items: [] }),
  hotLeads: async () => ({ items: [] }),
});

const meetingsAt50: ScoringRules = {
  ...DEFAULT_SCORING_RULES,
  interactionRules: DEFAULT_SCORING_RULES.interactionRules.map((r) =>
    r.type === 'meeting' ? { ...r, points: 50 } : r,
  ),
};

describe('the rules cache after a save', () => {
  it('the instance that saved the rules reads scores under them at once', async () => {
    const data = new MemoryScoreStore();
    const store = instance(data);
    const c = contactIn('ws-saver');
    const deps = { reader: reader(c), store, now };
    // Fit 70 (senior title 40, company 20, title 10) at weight .4: 28.
    expect((await getContactScore('ws-saver', c.contactId, { limit: 10 }, deps)).score).toBe(28);
    const fitOnly = { ...DEFAULT_SCORING_RULES, weights: { engagement: 0, fit: 1 } };
    const saved = await putScoringRules(
      'ws-saver',
      { rules: fitOnly, updatedBy: 'u' },
      { rules: rulesStore(data), queue: new MemoryQueue(), newId: () => 'job-1', now },
    );
    expect(saved.version).toBe(1);
    expect((await getContactScore('ws-saver', c.contactId, { limit: 10 }, deps)).score).toBe(70);
  });

  it('another instance never scores a recomputed contact under the rules it cached before', async () => {
    const data = new MemoryScoreStore();
    const other = instance(data);
    await other.readRules('ws-other'); // cached: version 0
    const c = contactIn('ws-other');
    // Saved elsewhere (another instance: this process never saw it), then the recompute reached this contact.
    data.rules = { version: 1, rules: meetingsAt50 };
    data.contactRecords.set(c.contactId, c);
    const recompute = { recompute: new MemoryRecompute([c]), queue: new MemoryQueue(), events: new MemoryEvents() };
    await recomputeContact(c, data.rules, { store: data, ...recompute, now });
    expect(data.states.get(c.contactId)?.rulesVersion).toBe(1);

    await scoreInteraction(c, interaction(c, 'meeting'), { store: other, events: new MemoryEvents(), now });
    expect(data.ledger.find((e) => e.ruleId === 'meeting')).toMatchObject({ points: 50 });
    expect(data.states.get(c.contactId)?.rulesVersion).toBe(1);
  });

  it('a recompute that changes nothing still stamps the state with the new version, so the same holds', async () => {
    const data = new MemoryScoreStore();
    const c = contactIn('ws-stamp');
    await scoreInteraction(c, interaction(c, 'email_opened'), {
      store: instance(data),
      events: new MemoryEvents(),
      now,
    });
    const other = instance(data);
    await other.readRules('ws-stamp'); // cached: version 0
    // The open, as the contacts function stored it: the recompute replays it.
    const opened = { interactionId: 'o', type: 'email_opened' as never, occurredAt: now().toISOString() };
    const history = new Map([[c.contactId, [opened]]]);
    // The meeting rule changed; this contact has only an open: its score stays what it was.
    data.rules = { version: 1, rules: meetingsAt50 };
    const before = data.states.get(c.contactId);
    data.contactRecords.set(c.contactId, c);
    const recompute = {
      recompute: new MemoryRecompute([c], history),
      queue: new MemoryQueue(),
      events: new MemoryEvents(),
    };
    await recomputeContact(c, data.rules, { store: data, ...recompute, now });
    expect(data.states.get(c.contactId)).toMatchObject({ score: before?.score, rulesVersion: 1 });

    await scoreInteraction(c, interaction(c, 'meeting'), { store: other, events: new MemoryEvents(), now });
    expect(data.ledger.find((e) => e.ruleId === 'meeting')).toMatchObject({ points: 50 });
  });
});
