// Review round 24 (c), checked on the reviewer's word: a recompute scored a soft-deleted contact (its score
// and tier are kept current, off the tier index) and published `contact.score_threshold_crossed` for it,
// where nothing of a deleted contact is published (its own events wait while it is deleted). Now the
// recompute moves its score and tier silently: no crossing is published, nor kept on the claim for a
// redelivery, nor re-published from a claim or state written before.
import { describe, expect, it } from 'vitest';
import type { Contact } from '../../../../shared/crm/model';
import { recomputeClaimId, recomputePage } from '../../../../shared/crm/scoring/recompute';
import { DEFAULT_SCORING_RULES } from '../../../../shared/crm/scoring/rules';
import { MemoryEvents, MemoryQueue, MemoryRecompute, MemoryScoreStore } from './memory-store';

const WS = 'ws-r24c';
const NOW = new Date('2026-03-02T10:00:00Z');

const contactOf = (over: Partial<Contact> = {}): Contact => ({
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
  ...over,
});

function world(contact: Contact) {
  const store = new MemoryScoreStore();
  store.rules = { version: 2, rules: DEFAULT_SCORING_RULES };
  store.contactRecords.set(contact.contactId, contact);
  const events = new MemoryEvents();
  const deps = { store, recompute: new MemoryRecompute([contact]), queue: new MemoryQueue(), events, now: () => NOW };
  return { store, events, deps, message: { workspaceId: WS, jobId: 'job-2', version: 2, page: 0 } };
}

describe('a recompute of a soft-deleted contact', () => {
  it('rescores it (cold -> lukewarm) and publishes no crossing', async () => {
    const w = world(contactOf({ deletedAt: '2026-02-01T00:00:00Z' }));
    await recomputePage(w.message, w.deps);
    expect(w.store.states.get('c-1')?.tier).toBe('lukewarm');
    expect(w.events.published).toEqual([]);
    expect(w.store.claimCrossings.size, 'no crossing kept for a redelivery').toBe(0);
  });

  it('does not re-publish a crossing a claim written before kept, while the contact is deleted', async () => {
    const w = world(contactOf({ deletedAt: '2026-02-01T00:00:00Z' }));
    const claim = `c-1/${recomputeClaimId(2)}`;
    w.store.claimed.add(claim);
    w.store.claimCrossings.set(claim, { fromTier: 'cold', toTier: 'lukewarm', score: 40, at: NOW.toISOString() });
    await recomputePage(w.message, w.deps);
    expect(w.events.published).toEqual([]);
  });

  it('a live contact still gets its crossing', async () => {
    const w = world(contactOf());
    await recomputePage(w.message, w.deps);
    expect(w.events.published.map((e) => e.detail.toTier)).toEqual(['lukewarm']);
  });
});
