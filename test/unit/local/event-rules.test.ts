/** The local bus's rule patterns: the subset of EventBridge matching the declarations use. */
import { describe, expect, it } from 'vitest';
import { eventRules } from '../../../lib/definition';
import { matchesPattern } from '../../../lib/local/event-bus';

const ses = {
  source: 'aws.ses',
  'detail-type': 'Email Bounced',
  detail: { eventType: 'Bounce', mail: { tags: { a: ['1'] } } },
};

describe('matchesPattern', () => {
  it('matches exact values at the top level and in nested detail fields', () => {
    expect(matchesPattern({ source: ['aws.ses'] }, ses)).toBe(true);
    expect(matchesPattern({ source: ['aws.ses'], 'detail-type': ['Email Sent', 'Email Bounced'] }, ses)).toBe(true);
    expect(matchesPattern({ detail: { eventType: ['Bounce'] } }, ses)).toBe(true);
    expect(matchesPattern({ detail: { mail: { tags: { a: ['1'] } } } }, ses)).toBe(true);
  });

  it('needs every key to match, and a key the event lacks never matches', () => {
    expect(matchesPattern({ source: ['aws.ses'], 'detail-type': ['Email Sent'] }, ses)).toBe(false);
    expect(matchesPattern({ detail: { eventType: ['Complaint'] } }, ses)).toBe(false);
    expect(matchesPattern({ account: ['1'] }, ses)).toBe(false);
    expect(matchesPattern({ detail: { missing: { deeper: ['x'] } } }, ses)).toBe(false);
    expect(matchesPattern({ source: 'aws.ses' }, ses)).toBe(false);
  });

  it('matches an array value when one of its elements is listed', () => {
    expect(matchesPattern({ resources: ['arn:b'] }, { resources: ['arn:a', 'arn:b'] })).toBe(true);
    expect(matchesPattern({ resources: ['arn:c'] }, { resources: ['arn:a', 'arn:b'] })).toBe(false);
  });

  it('the declared ses-events rule takes every SES event to the email-events queue', () => {
    const rule = eventRules.find((r) => r.name === 'ses-events');
    expect(rule).toMatchObject({ bus: 'default', targetQueue: 'email-events' });
    expect(matchesPattern(rule?.pattern ?? {}, ses)).toBe(true);
    expect(matchesPattern(rule?.pattern ?? {}, { ...ses, source: 'unite-hub' })).toBe(false);
  });
});
