// Review round 18: this test failed at 842d566.
// Lookups keyed by a name a user (or an AI reply) chose read inherited members of plain objects
// (`constructor`, `toString`...): the scoring rules accepted `constructor` as a group or rule id,
// and the composite, the fold and the CSV export read such names off the prototype.
import { describe, expect, it } from 'vitest';
import { contactsToCsv } from '../../../shared/crm/contacts/csv-columns';
import type { Contact } from '../../../shared/crm/model';
import { aiComposite, blendComposite } from '../../../shared/crm/scoring/composite';
import { DEFAULT_SCORING_RULES, type ScoringRules, scoringRulesSchema } from '../../../shared/crm/scoring/rules';
import { applyInteractionToState, emptyScoreState } from '../../../shared/crm/scoring/score-state';

const NOW = new Date('2026-03-02T10:00:00.000Z');
const profile = { email: 'a@example.com', status: 'lead' as const, tags: [], customFields: {} };

describe('review 18b: names every object inherits', () => {
  it.each(['constructor', 'prototype'])(
    'refuses %s as a group name, a weight or a rule id, naming the field',
    (name) => {
      const asGroup = scoringRulesSchema.safeParse({
        ...DEFAULT_SCORING_RULES,
        interactionRules: [{ id: 'open', type: 'email_opened', points: 5, repeatable: true, group: name }],
      });
      expect(asGroup.success).toBe(false);
      expect(asGroup.error?.issues[0]?.path).toEqual(['interactionRules', 0, 'group']);
      const asWeight = scoringRulesSchema.safeParse({ ...DEFAULT_SCORING_RULES, weights: { fit: 1, [name]: 1 } });
      expect(asWeight.success).toBe(false);
      const asRuleId = scoringRulesSchema.safeParse({
        ...DEFAULT_SCORING_RULES,
        interactionRules: [{ id: name, type: 'email_opened', points: 5, repeatable: true, group: 'engagement' }],
      });
      expect(asRuleId.success).toBe(false);
      expect(asRuleId.error?.issues[0]?.path).toEqual(['interactionRules', 0, 'id']);
    },
  );

  it('blends only the groups a state holds itself', () => {
    expect(blendComposite({ fit: 50 }, { fit: 1, constructor: 1, toString: 1 })).toBe(50 / 3);
  });

  it('adds no bonus for an AI role type that names an inherited member', () => {
    for (const roleType of ['toString', 'constructor', 'valueOf', '__proto__']) {
      expect(aiComposite({ aiScore: 50, engagementVelocity: 0, roleType })).toBe(50);
    }
  });

  it('folds a rule whose group and id name inherited members as numbers (rules read from storage unchecked)', () => {
    const rules: ScoringRules = {
      ...DEFAULT_SCORING_RULES,
      interactionRules: [{ id: 'toString', type: 'email_opened', points: 5, repeatable: true, group: 'valueOf' }],
      weights: { valueOf: 1 },
    };
    const open = { interactionId: 'i-1', type: 'email_opened' as const, occurredAt: NOW.toISOString() };
    const { state, entries } = applyInteractionToState(emptyScoreState(NOW, rules), profile, open, rules, NOW);
    expect(state.groups.valueOf).toBe(5);
    expect(Object.hasOwn(state.counters, 'toString') && state.counters.toString).toMatchObject({ count: 1 });
    expect(entries.map((e) => [e.group, e.before, e.after])).toEqual([['valueOf', 0, 5]]);
    expect(state.score).toBe(5);
  });

  it('exports an empty cell for a custom field a contact does not hold', () => {
    const base = { workspaceId: 'w', status: 'lead', tags: [], score: 0, tier: 'cold' } as const;
    const at = NOW.toISOString();
    const contacts: Contact[] = [
      {
        ...base,
        contactId: 'c-1',
        email: 'a@example.com',
        customFields: { toString: 'x' },
        createdAt: at,
        updatedAt: at,
      },
      { ...base, contactId: 'c-2', email: 'b@example.com', customFields: {}, createdAt: at, updatedAt: at },
    ];
    const [, , second] = contactsToCsv(contacts).split(/\r?\n/);
    expect(second).not.toContain('function');
    expect(second?.endsWith(',')).toBe(true);
  });
});
