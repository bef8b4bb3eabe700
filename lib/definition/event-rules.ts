/**
 * The EventBridge rules, apart from the route table (lib/definition/index.ts re-exports them): a
 * function that delivers what a rule would (shared/adapters/fallback-events.ts) reads them from here
 * without bundling every route.
 */
import type { EventRuleDeclaration } from './types';

/**
 * EventBridge rules. SES publishes its configuration sets' events (sends, bounces, complaints,
 * deliveries, opens, clicks...) to the account's default bus with source `aws.ses`: every stage's
 * on the one bus. This rule queues the stage's own configuration set's for the email-events
 * processor (docs/EMAIL.md, "Provider events"); its `stageScope` is what keeps another stage's out.
 */
export const eventRules: readonly EventRuleDeclaration[] = [
  {
    name: 'ses-events',
    description: "SES events of this stage's configuration set -> the email-events queue",
    bus: 'default',
    pattern: { source: ['aws.ses'] },
    stageScope: 'ses-configuration-set',
    targetQueue: 'email-events',
  },
  {
    name: 'campaign-triggers',
    // The same events wake the contact's waiting enrolments (shared/campaigns/wake-on-event.ts).
    description:
      'Contact domain events (created, tag added, interaction, score tier) -> the drip-steps queue: triggers and wake-ups',
    bus: 'domain-events',
    pattern: {
      source: ['unite-hub'],
      'detail-type': [
        'contact.created',
        'contact.tag_added',
        'contact.interaction_recorded',
        'contact.score_threshold_crossed',
      ],
    },
    targetQueue: 'drip-steps',
  },
];

/**
 * Whether `event` matches an EventBridge pattern, in the subset the declarations use: each key
 * of the pattern is an array of exact values (the event's value, or one element of it when it is
 * an array, must be among them) or an object matched against the event's object under that key
 * (`detail`, nested). Every key must match; a key the event lacks does not.
 */
export function matchesPattern(
  pattern: Readonly<Record<string, unknown>>,
  event: Readonly<Record<string, unknown>>,
): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    const actual = event[key];
    if (Array.isArray(expected)) {
      const values = Array.isArray(actual) ? actual : [actual];
      return values.some((v) => v !== undefined && expected.some((e) => e === v));
    }
    if (typeof expected === 'object' && expected !== null) {
      return typeof actual === 'object' && actual !== null && !Array.isArray(actual)
        ? matchesPattern(expected as Record<string, unknown>, actual as Record<string, unknown>)
        : false;
    }
    return false;
  });
}
