/** Opens and clicks flagged as a machine's stay on the timeline and score nothing, live or on replay. */
import { describe, expect, it } from 'vitest';
import type { Contact, Interaction } from '../../../../shared/crm/model';
import { isSuspectedAutomation } from '../../../../shared/crm/scoring/automation';
import { DEFAULT_SCORING_RULES } from '../../../../shared/crm/scoring/rules';
import { scoreInteraction } from '../../../../shared/crm/scoring/score-interaction';
import { emptyScoreState, replayInteractions } from '../../../../shared/crm/scoring/score-state';
import { MemoryEvents, MemoryScoreStore } from './memory-store';

const now = () => new Date('2026-03-01T10:00:00.000Z');
const contact: Contact = {
  contactId: 'c1',
  workspaceId: 'w1',
  email: 'a@acme.test',
  customFields: {},
  status: 'lead',
  tags: [],
  score: 0,
  tier: 'cold',
  createdAt: now().toISOString(),
  updatedAt: now().toISOString(),
};
const click = (id: string, metadata: Record<string, unknown>): Interaction => ({
  interactionId: id,
  workspaceId: 'w1',
  contactId: 'c1',
  type: 'email_clicked',
  occurredAt: now().toISOString(),
  metadata,
  source: 'tracking',
});

describe('suspected automation', () => {
  it('is a non-empty suspectedBot list', () => {
    expect(isSuspectedAutomation({ metadata: { suspectedBot: ['too-fast'] } })).toBe(true);
    expect(isSuspectedAutomation({ metadata: { suspectedBot: [] } })).toBe(false);
    expect(isSuspectedAutomation({ metadata: {} })).toBe(false);
    expect(isSuspectedAutomation({})).toBe(false);
  });

  it('awards no points to a flagged click; an unflagged one scores', async () => {
    const store = new MemoryScoreStore();
    const deps = { store, events: new MemoryEvents(), now };
    await scoreInteraction(contact, click('bot', { suspectedBot: ['security-scanner'] }), deps);
    expect(store.ledger.filter((e) => e.ruleId === 'email-clicked')).toEqual([]);
    const person = await scoreInteraction(contact, click('person', {}), deps);
    expect(person.score).toBeGreaterThan(0);
    expect(store.ledger.filter((e) => e.ruleId === 'email-clicked').map((e) => e.interactionId)).toEqual(['person']);
  });

  it('skips flagged interactions when the history is replayed (rule changes)', () => {
    const R = DEFAULT_SCORING_RULES;
    const start = { ...emptyScoreState(now(), R), version: 1 };
    const flagged = replayInteractions(start, contact, [click('b1', { suspectedBot: ['too-fast'] })], R, now());
    const person = replayInteractions(start, contact, [click('p1', {})], R, now());
    expect(flagged.engagementRaw).toBe(0);
    expect(person.engagementRaw).toBeGreaterThan(0);
  });
});
