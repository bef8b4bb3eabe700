// Review round 24 (c), the class of r24c-profile-rule-operators: every comparison of a contact's field with a
// number (a profile rule's gte/lte, a campaign condition's greater-than/less-than, and the journey check that
// refuses a condition comparing with no number) reads the field through one helper, `fieldNumber`: a finite
// number or text spelling one in decimal; a boolean, blank text, a list, hex text or "Infinity" holds none.
import { describe, expect, it } from 'vitest';
import { type Condition, condition, holds } from '../../../shared/campaigns/conditions';
import { journey as journeySchema } from '../../../shared/campaigns/journey';
import { campaignProblems } from '../../../shared/campaigns/journey-rules';
import { fieldNumber } from '../../../shared/crm/field-number';
import { evaluateFit } from '../../../shared/crm/scoring/fit';
import { profileRuleSchema } from '../../../shared/crm/scoring/rules';

const NOT_NUMBERS: Array<[string, unknown]> = [
  ['true', true],
  ['false', false],
  ['blank text', ' '],
  ['empty text', ''],
  ['a list', ['5']],
  ['hex text', '0x10'],
  ['binary text', '0b1'],
  ['Infinity', 'Infinity'],
  ['NaN', Number.NaN],
  ['null', null],
  ['an object', { n: 5 }],
];

describe('fieldNumber', () => {
  it.each([
    [50, 50],
    ['50', 50],
    [' 2.5 ', 2.5],
    ['-1e3', -1000],
    ['.5', 0.5],
    ['+7', 7],
  ])('reads %j as %d', (value, n) => {
    expect(fieldNumber(value)).toBe(n);
  });

  it.each(NOT_NUMBERS)('reads %s as no number', (_label, value) => {
    expect(fieldNumber(value)).toBeUndefined();
  });
});

describe('the comparisons with a number read the field alike', () => {
  const gte = profileRuleSchema.parse({
    id: 'size',
    field: 'customFields.size',
    operator: 'gte',
    value: 0,
    points: 10,
  });
  const fitOf = (size: unknown) =>
    evaluateFit({ email: 'a@example.com', status: 'lead', tags: [], customFields: { size } as never }, [gte]).fit;
  const judged = (size: unknown, op: 'greater-than' | 'less-than', value: number) =>
    holds(condition.parse({ type: 'field', field: 'size', op, value }) as Condition, {
      contact: { fields: { size }, tags: [], score: 0, tier: 'cold' },
      interactions: [],
      emailActivity: {},
      now: new Date('2026-03-01T00:00:00Z'),
    });

  it.each(NOT_NUMBERS)('%s is neither at least 0 (profile rule) nor above -1 or below 2 (condition)', (_l, value) => {
    expect(fitOf(value)).toBe(0);
    expect(judged(value, 'greater-than', -1)).toBe(false);
    expect(judged(value, 'less-than', 2)).toBe(false);
  });

  it('numeric text compares as its number in both', () => {
    expect(fitOf(' 12 ')).toBe(10);
    expect(judged(' 12 ', 'greater-than', 11)).toBe(true);
    expect(judged('12', 'less-than', 12)).toBe(false);
  });

  it('a profile rule "equals" a list matches any of its values, as "in" does', () => {
    const rule = profileRuleSchema.parse({
      id: 'plan',
      field: 'customFields.plan',
      operator: 'equals',
      value: ['Gold', 'platinum'],
      points: 5,
    });
    const of = (plan: string) =>
      evaluateFit({ email: 'a@example.com', status: 'lead', tags: [], customFields: { plan } }, [rule]).fit;
    expect([of('gold'), of('PLATINUM'), of('silver')]).toEqual([5, 5, 0]);
  });

  it('a journey condition comparing with what the judging reads as no number is refused on save', () => {
    const problems = (value: unknown) =>
      campaignProblems(
        journeySchema.parse({
          nodes: [
            { id: 'start', kind: 'trigger', next: 'has' },
            {
              id: 'has',
              kind: 'condition',
              if: { type: 'field', field: 'seats', op: 'greater-than', value },
              yes: 'end',
              no: 'end',
            },
            { id: 'end', kind: 'exit' },
          ],
        }),
        { reentry: { mode: 'never' } },
      );
    expect(problems('0x10'), 'hex text compares with nothing').toHaveLength(1);
    expect(problems('Infinity')).toHaveLength(1);
    expect(problems(' 10 ')).toEqual([]);
    expect(problems(10)).toEqual([]);
  });
});
