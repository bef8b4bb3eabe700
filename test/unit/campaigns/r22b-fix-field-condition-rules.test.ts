/**
 * Review round 22 (r22b), the class of `test/unit/r22b-condition-field-inherited-name.test.ts` and
 * `test/unit/r22b-duplicate-subject-lines.test.ts`: a journey whose condition (or email node) would
 * judge (or count) every contact the same way is refused on save, 400 `INVALID_JOURNEY` naming the
 * node (or `rules.goal`):
 * - a field condition on a name no contact can hold (`__proto__`, `constructor`, `prototype`: the
 *   custom-field keys refused everywhere, as a set-field action's field is);
 * - a field condition comparing with a value and given none ("equals" was always false,
 *   "not-equals" always true, "contains" held for any value), or comparing numbers with no number;
 * - an email node repeating a subject line.
 * At run time a field condition reads the contact's own fields only (a custom field called
 * `valueOf` is a field like another).
 */
import { describe, expect, it } from 'vitest';
import { type CampaignDeps, createCampaign, createCampaignBody } from '../../../shared/campaigns/campaign';
import { type Condition, holds } from '../../../shared/campaigns/conditions';
import { journey as journeySchema } from '../../../shared/campaigns/journey';
import { campaignProblems } from '../../../shared/campaigns/journey-rules';
import { memoryCampaigns, WS } from './campaign-world';

const asking = (cond: unknown) => ({
  nodes: [
    { id: 'start', kind: 'trigger', next: 'has' },
    { id: 'has', kind: 'condition', if: cond, yes: 'end', no: 'end' },
    { id: 'end', kind: 'exit' },
  ],
});
const NEVER = { reentry: { mode: 'never' } } as const;
const problemsOf = (cond: unknown) =>
  campaignProblems(journeySchema.parse(asking(cond)), NEVER).map((p) => `${p.node}: ${p.message}`);

describe('r22b: field conditions that cannot tell contacts apart are refused on save', () => {
  it('a field no contact can hold', () => {
    for (const field of ['__proto__', 'constructor', 'prototype']) {
      expect(problemsOf({ type: 'field', field, op: 'exists' })).toEqual([
        `has: Asks about field "${field}", a reserved name no contact can hold`,
      ]);
    }
    // Nested too, and in the campaign goal.
    expect(
      problemsOf({ type: 'not', of: { type: 'any', of: [{ type: 'field', field: 'constructor', op: 'missing' }] } }),
    ).toHaveLength(1);
    const goal = { if: { type: 'field', field: '__proto__', op: 'exists' } as Condition, withinDays: 7 };
    expect(
      campaignProblems(journeySchema.parse(asking({ type: 'tag', tag: 'x' })), { ...NEVER, goal }).map((p) => p.field),
    ).toEqual(['rules.goal']);
  });

  it('an operator that compares, given no value (or no number)', () => {
    for (const op of ['equals', 'not-equals', 'contains', 'greater-than', 'less-than']) {
      expect(problemsOf({ type: 'field', field: 'plan', op })).toEqual([
        `has: Compares field "plan" ("${op}") without a value`,
      ]);
    }
    expect(problemsOf({ type: 'field', field: 'seats', op: 'greater-than', value: 'many' })).toEqual([
      'has: Compares field "seats" ("greater-than") with "many", which is not a number',
    ]);
    expect(problemsOf({ type: 'field', field: 'seats', op: 'less-than', value: true })).toHaveLength(1);
    expect(problemsOf({ type: 'field', field: 'seats', op: 'less-than', value: ' ' })).toHaveLength(1);
    // What tells contacts apart stays valid.
    for (const cond of [
      { type: 'field', field: 'plan', op: 'equals', value: 'pro' },
      { type: 'field', field: 'plan', op: 'not-equals', value: false },
      { type: 'field', field: 'seats', op: 'greater-than', value: '10' },
      { type: 'field', field: 'seats', op: 'less-than', value: 3.5 },
      { type: 'field', field: 'plan', op: 'exists' },
      { type: 'field', field: 'valueOf', op: 'missing' },
    ]) {
      expect(problemsOf(cond), JSON.stringify(cond)).toEqual([]);
    }
  });

  it('is a 400 INVALID_JOURNEY naming the node', async () => {
    const deps: CampaignDeps = { campaigns: memoryCampaigns(), now: () => new Date(), newId: () => 'cmp1' };
    const body = createCampaignBody.parse({
      name: 'C',
      journey: asking({ type: 'field', field: 'plan', op: 'equals' }),
      rules: { timeZone: 'UTC' },
    });
    await expect(createCampaign(WS, 'u1', body, deps)).rejects.toMatchObject({
      status: 400,
      code: 'INVALID_JOURNEY',
      message: 'Node "has": Compares field "plan" ("equals") without a value',
    });
  });

  it('an email node repeating a subject line, named', () => {
    const journey = journeySchema.parse({
      nodes: [
        { id: 'start', kind: 'trigger', next: 'mail' },
        { id: 'mail', kind: 'email', templateId: 't1', subjectVariants: ['A', 'B', 'A'], next: 'end' },
        { id: 'end', kind: 'exit' },
      ],
    });
    expect(campaignProblems(journey, NEVER)).toEqual([
      { node: 'mail', message: 'Two subject lines are the same: "A"' },
    ]);
  });
});

describe('r22b: a field condition reads the contact’s own fields', () => {
  const subject = (fields: Record<string, unknown>) => ({
    contact: { fields, tags: [], score: 0, tier: 'cold' },
    interactions: [],
    emailActivity: {},
    now: new Date(),
  });
  it('a custom field called like a built-in member is read as held; one not held as missing', () => {
    const exists = { type: 'field', field: 'valueOf', op: 'exists' } as const;
    expect(holds(exists, subject({}))).toBe(false);
    expect(holds(exists, subject({ valueOf: 'yes' }))).toBe(true);
    expect(holds({ type: 'field', field: 'toString', op: 'equals', value: 'x' }, subject({ toString: 'X' }))).toBe(
      true,
    );
    // Email activity of a node the enrolment has no record of: not an inherited member either.
    expect(holds({ type: 'email-activity', node: 'constructor', activity: 'opened' }, subject({}))).toBe(false);
  });
});
