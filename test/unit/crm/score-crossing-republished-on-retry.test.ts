/**
 * Fixed (review 8): a tier crossing whose publish failed once was lost for good.
 * What a user saw: a campaign's `adjust-score` action lifted a contact from cold to warm, but the
 * "score tier moved to warm" campaign never enrolled them. The score and its claim (`SCORED#<key>`)
 * committed first, then `contact.score_threshold_crossed` was published; when the publish threw, the
 * step was retried, found the key claimed and returned "unchanged" without publishing.
 * Now the claim keeps the crossing its change made (tier before and after, score, moment), and a
 * redelivery that finds the claim taken publishes it again with the same event id (consumers dedupe).
 * The same holds for scored interactions and AI assessments (all through changeScore), and for a
 * recompute, whose crossing is kept on its claim (`SCORED#recompute#v<n>`; on the score state,
 * `lastCrossing`, until review 13, where a later change dropped it).
 */
import { describe, expect, it } from 'vitest';
import type { ContactIntelligence } from '../../../shared/ai/agents/contact-intelligence';
import type { AiScoreSource } from '../../../shared/ai/agents/contact-intelligence-score';
import { recordContactIntelligence } from '../../../shared/ai/record-contact-intelligence';
import { journeyActions } from '../../../shared/campaigns/journey-actions';
import { ActionFailedError, type ActionTarget } from '../../../shared/campaigns/ports';
import type { Contact, Interaction } from '../../../shared/crm/model';
import type { DomainEvent } from '../../../shared/crm/ports';
import { recomputeClaimId, recomputeContact } from '../../../shared/crm/scoring/recompute';
import { DEFAULT_SCORING_RULES } from '../../../shared/crm/scoring/rules';
import { scoreInteraction, THRESHOLD_EVENT } from '../../../shared/crm/scoring/score-interaction';
import { MemoryRecompute, MemoryScoreStore } from './scoring/memory-store';

const WS = 'ws-r8';
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

const target: ActionTarget = {
  workspaceId: WS,
  campaignId: 'camp-1',
  contactId: 'c-1',
  nodeId: 'bump',
  version: 1,
  run: 1,
  step: 1,
  idempotencyKey: 'campaign#camp-1#c-1#1#bump#1',
};

/** A publisher whose first publish throws (EventBridge throttled), then records. */
function flakyEvents() {
  const published: DomainEvent[] = [];
  let failNext = true;
  return {
    published,
    crossings: () => published.filter((e) => e.type === THRESHOLD_EVENT),
    async publish(list: readonly DomainEvent[]) {
      if (failNext) {
        failNext = false;
        throw new Error('EventBridge PutEvents throttled');
      }
      published.push(...list);
    },
  };
}

describe('a tier crossing whose publish failed once', () => {
  it('adjust-score: is published by the retried step (the score itself still changes once)', async () => {
    const scores = new MemoryScoreStore();
    const events = flakyEvents();
    const actions = journeyActions({
      contacts: { get: async () => contact, update: async (c) => c },
      now: () => NOW,
      scoring: { store: scores, events, now: () => NOW },
      webhooks: {
        secrets: { get: async () => 's', put: async () => true },
        poster: { post: async () => ({ kind: 'answered', status: 200 }) },
      },
      notify: {} as never,
    });

    // First delivery of the step: the score commits, the publish fails; the step's message comes back.
    const first = await actions.perform({ type: 'adjust-score', points: 100 }, target).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(Error);
    expect(first).not.toBeInstanceOf(ActionFailedError);
    expect(scores.commits).toBe(1);

    // The redelivery (same key), a bit later: the same event (same id), the score unchanged.
    await actions.perform({ type: 'adjust-score', points: 100 }, target);
    expect(scores.commits).toBe(1);
    expect(events.crossings()).toEqual([
      expect.objectContaining({ detail: expect.objectContaining({ fromTier: 'cold', toTier: 'warm' }) }),
    ]);
    expect(events.crossings()[0]?.detail.eventId).toBe(`tier-c-1-warm-${NOW.getTime()}`);

    // Another redelivery publishes it again with the same id (consumers dedupe): at least once, never lost.
    await actions.perform({ type: 'adjust-score', points: 100 }, target);
    expect(new Set(events.crossings().map((e) => e.detail.eventId)).size).toBe(1);
  });

  it('a scored interaction: the redelivered interaction publishes the crossing its first delivery made', async () => {
    const store = new MemoryScoreStore();
    const events = flakyEvents();
    let clock = NOW;
    const deps = { store, events, now: () => clock };
    const rich: Contact = {
      ...contact,
      jobTitle: 'CEO',
      company: 'Acme',
      phone: '+15550100',
      customFields: { companySize: 500 },
    };
    const click: Interaction = {
      interactionId: 'i-1',
      workspaceId: WS,
      contactId: 'c-1',
      type: 'email_clicked',
      occurredAt: NOW.toISOString(),
      metadata: {},
      source: 'test',
    };
    await expect(scoreInteraction(rich, click, deps)).rejects.toThrow('throttled');
    const tier = store.states.get('c-1')?.tier;
    expect(tier).not.toBe('cold');
    clock = new Date(NOW.getTime() + 60_000);
    await scoreInteraction(rich, click, deps);
    expect(store.commits).toBe(1);
    expect(events.crossings()).toEqual([
      expect.objectContaining({
        occurredAt: NOW.toISOString(),
        detail: expect.objectContaining({
          fromTier: 'cold',
          toTier: tier,
          eventId: `tier-c-1-${tier}-${NOW.getTime()}`,
        }),
      }),
    ]);
  });

  it('an AI assessment: the re-run call publishes the crossing', async () => {
    const store = new MemoryScoreStore();
    store.contactRecords.set('c-1', contact);
    const events = flakyEvents();
    const deps = { store, events, now: () => NOW };
    const result: ContactIntelligence = {
      buyingSignals: [{ signal: 'pricing page', evidence: 'visited pricing 3 times', strength: 'strong' }],
      aiIntent: 95,
      engagementVelocity: 2,
      roleType: 'decision_maker',
      buyingIntent: 'high',
      decisionStage: 'decision',
      summary: 'ready to buy',
    };
    const source = { callId: 'call-1', provider: 'offline', model: 'm' } as AiScoreSource;
    await expect(recordContactIntelligence(WS, 'c-1', result, source, deps)).rejects.toThrow('throttled');
    await recordContactIntelligence(WS, 'c-1', result, source, deps);
    expect(store.commits).toBe(1);
    expect(events.crossings()).toHaveLength(1);
    expect(events.crossings()[0]?.detail).toMatchObject({ fromTier: 'cold' });
  });

  it('a recompute: the redelivered page publishes the crossing the first delivery committed', async () => {
    const store = new MemoryScoreStore();
    store.rules = { version: 2, rules: DEFAULT_SCORING_RULES };
    const rich: Contact = {
      ...contact,
      jobTitle: 'CEO',
      company: 'Acme',
      phone: '+15550100',
      customFields: { companySize: 500 },
    };
    const events = flakyEvents();
    let clock = NOW;
    store.contactRecords.set(rich.contactId, rich);
    const deps = {
      store,
      recompute: new MemoryRecompute([rich]),
      queue: { send: async () => {} },
      events,
      now: () => clock,
    };
    await expect(recomputeContact(rich, store.rules, deps)).rejects.toThrow('throttled');
    expect(store.states.get('c-1')?.tier).toBe('lukewarm');
    clock = new Date(NOW.getTime() + 60_000);
    await recomputeContact(rich, store.rules, deps);
    expect(events.crossings()).toEqual([
      expect.objectContaining({
        detail: expect.objectContaining({
          fromTier: 'cold',
          toTier: 'lukewarm',
          eventId: `tier-c-1-lukewarm-${NOW.getTime()}`,
        }),
      }),
    ]);
  });

  it('a later change neither carries a recompute crossing on nor re-sends it (it stays on the claim)', async () => {
    const store = new MemoryScoreStore();
    store.rules = { version: 2, rules: DEFAULT_SCORING_RULES };
    const rich: Contact = {
      ...contact,
      jobTitle: 'CEO',
      company: 'Acme',
      phone: '+15550100',
      customFields: { companySize: 500 },
    };
    const published: DomainEvent[] = [];
    const events = { publish: async (l: readonly DomainEvent[]) => void published.push(...l) };
    store.contactRecords.set(rich.contactId, rich);
    const deps = {
      store,
      recompute: new MemoryRecompute([rich]),
      queue: { send: async () => {} },
      events,
      now: () => NOW,
    };
    await recomputeContact(rich, store.rules, deps);
    expect(store.claimCrossings.get(`c-1/${recomputeClaimId(2)}`)).toMatchObject({
      fromTier: 'cold',
      toTier: 'lukewarm',
    });
    expect(store.states.get('c-1')?.lastCrossing).toBeUndefined();
    await scoreInteraction(
      rich,
      {
        interactionId: 'i-2',
        workspaceId: WS,
        contactId: 'c-1',
        type: 'note',
        occurredAt: NOW.toISOString(),
        metadata: {},
        source: 't',
      },
      { store, events, now: () => NOW },
    );
    await scoreInteraction(
      rich,
      {
        interactionId: 'i-3',
        workspaceId: WS,
        contactId: 'c-1',
        type: 'email_opened',
        occurredAt: NOW.toISOString(),
        metadata: {},
        source: 't',
      },
      { store, events, now: () => NOW },
    );
    expect(store.states.get('c-1')?.lastCrossing).toBeUndefined();
    expect(published.filter((e) => e.type === THRESHOLD_EVENT)).toHaveLength(1);
    expect(store.claimCrossings.get(`c-1/${recomputeClaimId(2)}`)).toMatchObject({ toTier: 'lukewarm' });
  });

  it('a state written before recompute claims: the crossing it keeps (`lastCrossing`) is published again', async () => {
    const store = new MemoryScoreStore();
    store.rules = { version: 2, rules: DEFAULT_SCORING_RULES };
    const rich: Contact = {
      ...contact,
      jobTitle: 'CEO',
      company: 'Acme',
      phone: '+15550100',
      customFields: { companySize: 500 },
    };
    const published: DomainEvent[] = [];
    const events = { publish: async (l: readonly DomainEvent[]) => void published.push(...l) };
    store.contactRecords.set(rich.contactId, rich);
    const deps = {
      store,
      recompute: new MemoryRecompute([rich]),
      queue: { send: async () => {} },
      events,
      now: () => NOW,
    };
    await recomputeContact(rich, store.rules, deps);
    // What the previous release wrote: the crossing on the state, no claim.
    const state = store.states.get('c-1');
    const crossing = store.claimCrossings.get(`c-1/${recomputeClaimId(2)}`);
    if (!state || !crossing) throw new Error('no recompute write');
    store.states.set('c-1', { ...state, lastCrossing: { ...crossing, by: 'recompute-v2' } });
    store.claimed.clear();
    store.claimCrossings.clear();
    published.length = 0;
    await recomputeContact(rich, store.rules, deps);
    expect(published.map((e) => e.detail)).toEqual([expect.objectContaining({ fromTier: 'cold', toTier: 'lukewarm' })]);
  });
});
