// Review round 24: this test failed at 137ce95.
// Review round 24 (c): profile rules (docs/CRM.md, Scoring > Rules) that PUT /api/scoring/rules accepts
// but that fit.ts `profileRuleMatches` judges otherwise than they say:
// - `equals` with a list (the schema takes a list for every operator but `gte`/`lte`) compares the
//   contact's value with the list's FIRST element only: "plan equals [gold, platinum]" gives a platinum
//   customer nothing, silently (the rule is saved, the recompute runs, the ledger shows no match);
// - `gte`/`lte` take `Number(value)` of whatever the field holds: a boolean custom field `true` is 1 and
//   a blank text " " is 0, so "companySize lte 10" awards small-company points to a contact whose
//   companySize is `true` or " " (neither is a number: the rule should not match, as it does not for "n/a").
import { describe, expect, it } from 'vitest';
import { evaluateFit } from '../../../../shared/crm/scoring/fit';
import { profileRuleSchema } from '../../../../shared/crm/scoring/rules';

const contactWith = (customFields: Record<string, string | number | boolean>) => ({
  email: 'ada@example.com',
  status: 'lead' as const,
  tags: [],
  customFields,
});

describe('profile rules judge what they say, or are refused', () => {
  it('`equals` with a list matches a contact holding the second value (or the rule is refused)', () => {
    const parsed = profileRuleSchema.safeParse({
      id: 'top-plans',
      field: 'customFields.plan',
      operator: 'equals',
      value: ['gold', 'platinum'],
      points: 30,
    });
    // Refusing the rule (400 at PUT) would be a fix too; accepted, it must mean "any of".
    const fit = parsed.success ? evaluateFit(contactWith({ plan: 'platinum' }), [parsed.data]).fit : 30;
    expect(fit, 'a rule "plan equals [gold, platinum]" accepted by the schema awards a platinum contact').toBe(30);
  });

  it.each([
    ['a boolean true', true],
    ['a blank text', ' '],
  ])('`lte` does not read %s as a number', (_label, value) => {
    const rule = profileRuleSchema.parse({
      id: 'small-company',
      field: 'customFields.companySize',
      operator: 'lte',
      value: 10,
      points: 15,
    });
    // The same rule on a text that is no number awards nothing (Number('n/a') is NaN).
    expect(evaluateFit(contactWith({ companySize: 'n/a' }), [rule]).fit).toBe(0);
    expect(
      evaluateFit(contactWith({ companySize: value }), [rule]).fit,
      `companySize ${JSON.stringify(value)} is not a number at most 10`,
    ).toBe(0);
  });
});
