/**
 * Fix of review round 25 (h), the class: a source every stage of the account shares must be scoped
 * to the stage. The account's default bus carries every stage's SES events (and any other AWS
 * service's), so every rule on it takes its stage's own only, a rule there without a scope is refused
 * at synth, and each stage's rule refuses the other stage's events. The consumer of such a rule's
 * queue is told its stage's configuration set, to drop one that still arrives (defence in depth).
 * The other account-level things a stage makes (the schedule rules, the Scheduler group and role)
 * carry the stage in their names and target that stage's own function or queue.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { sesConfigurationSetName } from '../../lib/cdk/email-sending';
import { physicalRuleName, stagePattern } from '../../lib/cdk/event-rules';
import type { Stage } from '../../lib/cdk/stage';
import { eventRules, functions, queues } from '../../lib/definition';
import { matchesPattern } from '../../lib/definition/event-rules';
import { resourcesOfType, synthesize } from './synth';

const built = { dev: synthesize('dev'), prod: synthesize('prod') } as const;
const stages = ['dev', 'prod'] as const satisfies readonly Stage[];
const other = (stage: Stage): Stage => (stage === 'dev' ? 'prod' : 'dev');

/** An SES event of `configurationSet` as EventBridge delivers it (AWS's documented shape). */
const sesEvent = (detailType: string, eventType: string, configurationSet?: string) => ({
  version: '0',
  id: 'e1',
  'detail-type': detailType,
  source: 'aws.ses',
  account: '123456789012',
  time: '2025-01-01T00:00:00Z',
  region: 'eu-west-1',
  resources: [],
  detail: {
    eventType,
    mail: {
      messageId: 'm1',
      destination: ['person@example.com'],
      tags: {
        ...(configurationSet ? { 'ses:configuration-set': [configurationSet] } : {}),
        workspace: ['ws-1'],
        send: ['send-1'],
      },
    },
  },
});

const patternRules = (template: Template) =>
  resourcesOfType(template, 'AWS::Events::Rule').filter(([, r]) => r.Properties?.EventPattern);

describe.each(stages)('the %s stage', (stage) => {
  const { dataTemplate, appTemplate } = built[stage];

  it('puts no rule on the default bus that is not scoped to this stage', () => {
    const onDefault = [...patternRules(dataTemplate), ...patternRules(appTemplate)].filter(
      ([, r]) => r.Properties?.EventBusName === 'default',
    );
    expect(onDefault.length).toBeGreaterThan(0);
    for (const [, rule] of onDefault) {
      const pattern = rule.Properties?.EventPattern as Record<string, unknown>;
      const own = sesConfigurationSetName(stage);
      expect(pattern).toMatchObject({ detail: { mail: { tags: { 'ses:configuration-set': [own] } } } });
    }
  });

  it.each([
    ['Email Sent', 'Send'],
    ['Email Delivered', 'Delivery'],
    ['Email Bounced', 'Bounce'],
    ['Email Complaint Received', 'Complaint'],
  ])('its ses-events rule takes its own %s events, not the other stage’s nor untagged ones', (detailType, type) => {
    const rule = resourcesOfType(dataTemplate, 'AWS::Events::Rule').find(
      ([, r]) => r.Properties?.Name === physicalRuleName(stage, 'ses-events'),
    );
    const pattern = rule?.[1].Properties?.EventPattern as Record<string, unknown>;
    expect(matchesPattern(pattern, sesEvent(detailType, type, sesConfigurationSetName(stage)))).toBe(true);
    expect(matchesPattern(pattern, sesEvent(detailType, type, sesConfigurationSetName(other(stage))))).toBe(false);
    expect(matchesPattern(pattern, sesEvent(detailType, type))).toBe(false);
  });

  it('tells the consumer of a scoped rule’s queue its own configuration set', () => {
    const consumers = eventRules
      .filter((r) => r.stageScope === 'ses-configuration-set')
      .map((r) => queues.find((q) => q.name === r.targetQueue)?.consumer);
    expect(consumers).toContain('email-events');
    for (const name of consumers) {
      const declaration = functions.find((f) => f.name === name);
      const fn = resourcesOfType(appTemplate, 'AWS::Lambda::Function').find(
        ([, f]) => f.Properties?.Description === declaration?.description,
      );
      const variables = (fn?.[1].Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)
        ?.Variables;
      expect(variables?.SES_CONFIGURATION_SET).toBe(sesConfigurationSetName(stage));
    }
  });

  it('names its schedule rules’ and Scheduler’s targets of this stage only', () => {
    const scheduled = resourcesOfType(appTemplate, 'AWS::Events::Rule').filter(
      ([, r]) => r.Properties?.ScheduleExpression,
    );
    expect(scheduled.length).toBeGreaterThan(0);
    // A schedule rule has no pattern: it fires on time and targets this stack's own function alias.
    for (const [, rule] of scheduled) {
      expect(rule.Properties?.EventPattern).toBeUndefined();
      expect(JSON.stringify(rule.Properties?.Targets)).toMatch(/"Ref":/);
    }
    const groups = resourcesOfType(dataTemplate, 'AWS::Scheduler::ScheduleGroup');
    expect(groups.map(([, g]) => g.Properties?.Name)).toEqual([`unite-hub-${stage}-campaign-steps`]);
  });
});

describe('a rule declared on the default bus', () => {
  it('is refused without a stage scope: it would take every stage’s events', () => {
    const unscoped = { ...eventRules[0], name: 'x', bus: 'default' as const, stageScope: undefined };
    expect(() => stagePattern(unscoped as (typeof eventRules)[number], 'dev')).toThrow(/stageScope/);
  });

  it('keeps a declared detail pattern beside its scope', () => {
    const rule = {
      name: 'x',
      description: 'x',
      bus: 'default' as const,
      pattern: { source: ['aws.ses'], detail: { eventType: ['Bounce'] } },
      stageScope: 'ses-configuration-set' as const,
      targetQueue: 'email-events' as const,
    };
    expect(stagePattern(rule, 'prod')).toEqual({
      source: ['aws.ses'],
      detail: { eventType: ['Bounce'], mail: { tags: { 'ses:configuration-set': ['prod-unite-hub'] } } },
    });
  });
});
