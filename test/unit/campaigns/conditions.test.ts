import { describe, expect, it } from 'vitest';
import { type Condition, type ConditionSubject, condition, holds } from '../../../shared/campaigns/conditions';

const now = new Date('2026-12-04T12:00:00Z');
const subject: ConditionSubject = {
  contact: { fields: { company: 'Acme Ltd', employees: 40, status: 'lead' }, tags: ['VIP'], score: 72, tier: 'warm' },
  interactions: [
    { type: 'page_visit', occurredAt: '2026-12-03T12:00:00Z' },
    { type: 'page_visit', occurredAt: '2026-12-02T12:00:00Z' },
    { type: 'page_visit', occurredAt: '2026-11-01T12:00:00Z' },
  ],
  emailActivity: { welcome: { opened: true, clicked: false } },
  now,
};
const check = (c: unknown) => holds(condition.parse(c) as Condition, subject);

describe('conditions', () => {
  it('compares fields case-insensitively and numbers as numbers', () => {
    expect(check({ type: 'field', field: 'company', op: 'contains', value: 'acme' })).toBe(true);
    expect(check({ type: 'field', field: 'status', op: 'equals', value: 'LEAD' })).toBe(true);
    expect(check({ type: 'field', field: 'employees', op: 'greater-than', value: 39 })).toBe(true);
    expect(check({ type: 'field', field: 'employees', op: 'less-than', value: 'many' })).toBe(false);
    expect(check({ type: 'field', field: 'phone', op: 'missing' })).toBe(true);
  });

  it('checks tags, score bands and tiers', () => {
    expect(check({ type: 'tag', tag: 'vip' })).toBe(true);
    expect(check({ type: 'tag', tag: 'vip', has: false })).toBe(false);
    expect(check({ type: 'score', min: 70, tiers: ['warm', 'hot'] })).toBe(true);
    expect(check({ type: 'score', max: 50 })).toBe(false);
  });

  it('counts interactions inside the window only', () => {
    expect(check({ type: 'interaction', interaction: 'page_visit', withinDays: 7, atLeast: 2 })).toBe(true);
    expect(check({ type: 'interaction', interaction: 'page_visit', withinDays: 7, atLeast: 3 })).toBe(false);
  });

  it('reads this journey’s email activity and combines', () => {
    expect(check({ type: 'email-activity', node: 'welcome', activity: 'opened' })).toBe(true);
    expect(check({ type: 'email-activity', node: 'welcome', activity: 'clicked' })).toBe(false);
    expect(check({ type: 'email-activity', node: 'other', activity: 'opened' })).toBe(false);
    expect(
      check({
        type: 'all',
        of: [
          { type: 'tag', tag: 'vip' },
          { type: 'not', of: { type: 'email-activity', node: 'welcome', activity: 'clicked' } },
        ],
      }),
    ).toBe(true);
    expect(
      check({
        type: 'any',
        of: [
          { type: 'tag', tag: 'nope' },
          { type: 'score', min: 90 },
        ],
      }),
    ).toBe(false);
  });

  it('refuses unknown condition types and extra fields', () => {
    expect(condition.safeParse({ type: 'magic' }).success).toBe(false);
    expect(condition.safeParse({ type: 'tag', tag: 'x', extra: 1 }).success).toBe(false);
  });
});
