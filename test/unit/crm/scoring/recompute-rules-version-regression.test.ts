/**
 * Review round 13: this test failed at 3c0df96 (a recompute page of rules v2, retried after a version
 * conflict, replayed a state already recomputed under v3 with the v2 rules and wrote `rulesVersion: 2`
 * back over it).
 *
 * Review 13 — MEDIUM. shared/crm/scoring/recompute.ts:recomputeContact.
 * A recompute page checks the rules version once, at its start. If the rules are saved again while
 * the page runs (v2 page in flight, v3 saved, the v3 job recomputes the contact first), the v2
 * page's conditional write loses, it re-reads the state (now `rulesVersion: 3`) and replays it
 * under the OLD v2 rules, writing `rulesVersion: 2` over the v3 state. The v3 job has passed this
 * contact, so it stays scored under superseded rules for good, and every later live interaction
 * (instances now read v3) is applied on top of a v2-derived state: live != recompute under the
 * same rules, and a spurious hot -> cold crossing is published.
 * Fix: in recomputeContact, stop (return) when the stored state's `rulesVersion` is above the
 * version being recomputed (and make the state write conditional on `rulesVersion <= :n`).
 */
import { describe, expect, it } from 'vitest';
import type { Contact } from '../../../../shared/crm/model';
import type { ScoreWrite } from '../../../../shared/crm/scoring/ports';
import { recomputeContact, recomputePage } from '../../../../shared/crm/scoring/recompute';
import { DEFAULT_SCORING_RULES, type ScoringRules, type VersionedRules } from '../../../../shared/crm/scoring/rules';
import { MemoryEvents, MemoryQueue, MemoryRecompute, MemoryScoreStore } from './memory-store';

const WS = 'ws-r13b';
const NOW = new Date('2026-03-02T10:00:00Z');
const contact: Contact = {
  contactId: 'c-1',
  workspaceId: WS,
  email: 'ada@example.com',
  jobTitle: 'CEO',
  company: 'Acme',
  phone: '+15550100',
  customFields: { companySize: 500 },
  status: 'lead',
  tags: [],
  score: 0,
  tier: 'cold',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
};
// v3 makes a meeting worth 100 engagement points.
const v3Rules: ScoringRules = {
  ...DEFAULT_SCORING_RULES,
  interactionRules: DEFAULT_SCORING_RULES.interactionRules.map((r) =>
    r.type === 'meeting' ? { ...r, points: 100 } : r,
  ),
};
const v2: VersionedRules = { version: 2, rules: DEFAULT_SCORING_RULES };
const v3: VersionedRules = { version: 3, rules: v3Rules };

/** A store where, just before the v2 page's first write lands, rules v3 are saved and the v3 job recomputes the contact. */
class RacingStore extends MemoryScoreStore {
  raced = false;
  override async commit(w: ScoreWrite) {
    if (!this.raced && w.state?.rulesVersion === 2) {
      this.raced = true;
      this.rules = v3;
      await recomputeContact(contact, v3, { ...this.v3deps, store: this });
    }
    return super.commit(w);
  }
  v3deps!: Omit<Parameters<typeof recomputeContact>[2], 'store'>;
}

describe('review13: a recompute page of superseded rules racing the next one', () => {
  it('never writes a state back to older rules than the stored state was computed under', async () => {
    const store = new RacingStore();
    store.rules = v2;
    const history = new Map([
      [
        'c-1',
        [
          {
            interactionId: 'm1',
            type: 'meeting' as never,
            occurredAt: new Date(NOW.getTime() - 3600_000).toISOString(),
          },
        ],
      ],
    ]);
    const recompute = new MemoryRecompute([contact], history);
    store.contactRecords.set(contact.contactId, contact);
    const events = new MemoryEvents();
    store.v3deps = { recompute, queue: new MemoryQueue(), events, now: () => NOW };
    const deps = { store, recompute, queue: new MemoryQueue(), events, now: () => NOW };

    await recomputePage({ workspaceId: WS, jobId: 'job-v2', version: 2, page: 0 }, deps);

    // What the v3 recompute alone gives this contact.
    const alone = new MemoryScoreStore();
    alone.rules = v3;
    alone.contactRecords.set(contact.contactId, contact);
    await recomputeContact(contact, v3, { ...deps, store: alone, events: new MemoryEvents() });
    const expected = alone.states.get('c-1');

    const final = store.states.get('c-1');
    expect(final?.rulesVersion).toBe(3);
    expect({ score: final?.score, tier: final?.tier }).toEqual({ score: expected?.score, tier: expected?.tier });
  });
});
