/**
 * Review round 13: this test failed at 3c0df96 (a recompute's tier crossing whose publish failed was never
 * published when a live interaction scored the contact before the page was redelivered: the crossing
 * lived only on the score state, which the live change rewrote without it).
 *
 * Review 13 — MEDIUM. shared/crm/scoring/recompute.ts:recomputeContact (with
 * score-interaction.ts:withoutCrossing).
 * A recompute keeps the tier crossing it made only on the score state (`lastCrossing`), and any
 * later change drops it. When the recompute's publish fails after its commit (EventBridge
 * throttled: the page throws, SQS redelivers after the visibility timeout) and a live interaction
 * scores the contact in between, the redelivered page finds no `lastCrossing` and the crossing
 * (cold -> lukewarm here) is never published: "at least once" becomes "never".
 * Fix: keep a recompute's crossing where a later change cannot erase it, e.g. on a claim item
 * `SCORED#recompute-v<n>` written in the recompute's transaction (as live changes keep theirs),
 * and re-publish it from there on a redelivered page.
 */
import { describe, expect, it } from 'vitest';
import type { Contact, Interaction } from '../../../../shared/crm/model';
import type { DomainEvent } from '../../../../shared/crm/ports';
import { recomputePage } from '../../../../shared/crm/scoring/recompute';
import { DEFAULT_SCORING_RULES } from '../../../../shared/crm/scoring/rules';
import { scoreInteraction, THRESHOLD_EVENT } from '../../../../shared/crm/scoring/score-interaction';
import { MemoryQueue, MemoryRecompute, MemoryScoreStore } from './memory-store';

const WS = 'ws-r13';
const NOW = new Date('2026-03-02T10:00:00Z');

const rich: Contact = {
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

describe('review13: a recompute crossing whose publish failed', () => {
  it('is still published by the redelivered page when a live interaction scored the contact in between', async () => {
    const store = new MemoryScoreStore();
    store.rules = { version: 2, rules: DEFAULT_SCORING_RULES };
    const published: DomainEvent[] = [];
    let failNext = true;
    const events = {
      async publish(list: readonly DomainEvent[]) {
        if (failNext) {
          failNext = false;
          throw new Error('EventBridge PutEvents throttled');
        }
        published.push(...list);
      },
    };
    const history = new Map<string, Array<{ interactionId: string; type: never; occurredAt: string }>>();
    let clock = NOW;
    store.contactRecords.set(rich.contactId, rich);
    const deps = {
      store,
      recompute: new MemoryRecompute([rich], history),
      queue: new MemoryQueue(),
      events,
      now: () => clock,
    };
    const message = { workspaceId: WS, jobId: 'job-2', version: 2, page: 0 };

    // 1. The page commits cold -> lukewarm (fit 100 at weight .4), then the publish throws.
    await expect(recomputePage(message, deps)).rejects.toThrow('throttled');
    expect(store.states.get('c-1')?.tier).toBe('lukewarm');

    // 2. Before SQS redelivers the page, the contact opens an email (scored live, no tier change).
    clock = new Date(NOW.getTime() + 30_000);
    const open: Interaction = {
      interactionId: 'open-1',
      workspaceId: WS,
      contactId: 'c-1',
      type: 'email_opened',
      occurredAt: clock.toISOString(),
      metadata: {},
      source: 'tracking',
    };
    await scoreInteraction({ ...rich, score: 40, tier: 'lukewarm' }, open, { store, events, now: () => clock });
    history.set('c-1', [{ interactionId: open.interactionId, type: open.type as never, occurredAt: open.occurredAt }]);
    expect(store.states.get('c-1')?.tier).toBe('lukewarm');

    // 3. The page is redelivered.
    clock = new Date(NOW.getTime() + 60_000);
    await recomputePage(message, deps);

    const crossings = published.filter((e) => e.type === THRESHOLD_EVENT);
    expect(crossings.map((e) => e.detail)).toEqual([
      expect.objectContaining({ contactId: 'c-1', fromTier: 'cold', toTier: 'lukewarm' }),
    ]);
  });
});
