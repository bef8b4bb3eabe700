/**
 * Email delivery in the cloud (issue 12, item 10): SES publishes every sending event to the
 * default bus, one rule per `eventRules` declaration queues them (queue policy scoped to the
 * rule), and the reputation and queue-age alarms watch the right metrics at the right lines.
 */
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import {
  BOUNCE_RATE_THRESHOLD_PERCENT,
  COMPLAINT_RATE_THRESHOLD_PERCENT,
  WATCHED_EMAIL_QUEUES,
} from '../../lib/cdk/email-alarms';
import { addEventRules, eventPatternOf, physicalRuleName, stagePattern } from '../../lib/cdk/event-rules';
import { physicalQueueName } from '../../lib/cdk/physical-names';
import { METRICS_NAMESPACE } from '../../lib/cdk/service-alarms';
import { type EventRuleDeclaration, eventRules, type QueueName, queues } from '../../lib/definition';
import { logicalIdAt, resourcesOfType, synthesize } from './synth';

const dev = synthesize('dev');
const data = dev.dataTemplate;
const app = dev.appTemplate;
const prefix = (name: string) => name.replace(/[^A-Za-z0-9]/g, '');

interface Statement {
  Effect: string;
  Principal?: unknown;
  Action: string | string[];
  Resource?: unknown;
  Condition?: unknown;
}
/** The statements of the policy attached to one queue of the Data stack. */
function queuePolicyOf(queueLogicalId: string): Statement[] {
  const policies = resourcesOfType(data, 'AWS::SQS::QueuePolicy').filter(
    ([, p]) => JSON.stringify(p.Properties?.Queues) === JSON.stringify([{ Ref: queueLogicalId }]),
  );
  expect(policies).toHaveLength(1);
  const document = policies[0]?.[1].Properties?.PolicyDocument as { Statement: Statement[] } | undefined;
  return document?.Statement ?? [];
}
const eventsStatements = (statements: Statement[]) =>
  statements.filter((s) => JSON.stringify(s.Principal) === JSON.stringify({ Service: 'events.amazonaws.com' }));

describe('SES configuration set event destination', () => {
  it('publishes every sending event type to the default bus, enabled', () => {
    app.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      ConfigurationSetName: { Ref: logicalIdAt(app, 'AWS::SES::ConfigurationSet', 'EmailConfigurationSet') },
      EventDestination: {
        Enabled: true,
        MatchingEventTypes: [
          'send',
          'reject',
          'bounce',
          'complaint',
          'delivery',
          'deliveryDelay',
          'renderingFailure',
          'open',
          'click',
          'subscription',
        ],
        EventBridgeDestination: {
          EventBusArn: {
            'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':event-bus/default$')])],
          },
        },
      },
    });
    expect(resourcesOfType(app, 'AWS::SES::ConfigurationSetEventDestination')).toHaveLength(1);
  });
});

describe('event rules from the declaration', () => {
  it('declares the SES rule: aws.ses on the default bus into email-events', () => {
    expect(eventRules.map((r) => [r.name, r.bus, r.targetQueue])).toEqual([
      ['ses-events', 'default', 'email-events'],
      ['campaign-triggers', 'domain-events', 'drip-steps'],
    ]);
  });

  it.each(eventRules)(
    '$name matches its pattern on its bus and targets its queue, failed deliveries to the DLQ',
    (rule) => {
      const target = prefix(rule.targetQueue);
      data.hasResourceProperties('AWS::Events::Rule', {
        Name: physicalRuleName('dev', rule.name),
        Description: rule.description,
        State: 'ENABLED',
        EventBusName: rule.bus === 'default' ? 'default' : Match.anyValue(),
        EventPattern: stagePattern(rule, 'dev'),
        Targets: [
          {
            Id: Match.anyValue(),
            Arn: { 'Fn::GetAtt': [logicalIdAt(data, 'AWS::SQS::Queue', `${target}queue`), 'Arn'] },
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalIdAt(data, 'AWS::SQS::Queue', `${target}dlq`), 'Arn'] } },
          },
        ],
      });
    },
  );

  it('creates exactly one rule per declaration (the Data stack only)', () => {
    expect(resourcesOfType(data, 'AWS::Events::Rule')).toHaveLength(eventRules.length);
    expect(resourcesOfType(app, 'AWS::Events::Rule').filter(([, r]) => r.Properties?.EventPattern)).toEqual([]);
  });

  it.each(eventRules)(
    '$name may send to its queue and DLQ, as events.amazonaws.com with its own ARN as source only',
    (rule) => {
      const ruleId = logicalIdAt(data, 'AWS::Events::Rule', `${prefix(rule.name)}rule`);
      for (const part of ['queue', 'dlq']) {
        const queueId = logicalIdAt(data, 'AWS::SQS::Queue', `${prefix(rule.targetQueue)}${part}`);
        const statements = eventsStatements(queuePolicyOf(queueId));
        expect(statements, part).toHaveLength(1);
        expect(statements[0]).toMatchObject({
          Effect: 'Allow',
          Resource: { 'Fn::GetAtt': [queueId, 'Arn'] },
          Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } } },
        });
        expect([statements[0]?.Action].flat()).toContain('sqs:SendMessage');
      }
    },
  );

  it('lets EventBridge send to no queue that is not a rule target', () => {
    const targets = new Set(eventRules.map((r) => r.targetQueue));
    for (const queue of queues.filter((q) => !targets.has(q.name))) {
      for (const part of ['queue', 'dlq']) {
        const queueId = logicalIdAt(data, 'AWS::SQS::Queue', `${prefix(queue.name)}${part}`);
        expect(eventsStatements(queuePolicyOf(queueId)), `${queue.name} ${part}`).toEqual([]);
      }
    }
  });

  it('targets queues with SQS-managed encryption, so EventBridge needs no KMS grant', () => {
    for (const name of new Set(eventRules.map((r) => r.targetQueue))) {
      data.hasResourceProperties('AWS::SQS::Queue', {
        QueueName: physicalQueueName('dev', name),
        SqsManagedSseEnabled: true,
      });
      const queue = resourcesOfType(data, 'AWS::SQS::Queue').find(
        ([, q]) => q.Properties?.QueueName === physicalQueueName('dev', name),
      );
      expect(queue?.[1].Properties).not.toHaveProperty('KmsMasterKeyId');
    }
  });

  it('turns `detail-type` into CDK’s detailType and refuses a field EventBridge does not have', () => {
    const declaration = (pattern: Record<string, unknown>): EventRuleDeclaration => ({
      name: 'x',
      description: 'x',
      bus: 'domain-events',
      pattern,
      targetQueue: 'email-events',
    });
    expect(eventPatternOf(declaration({ source: ['a'], 'detail-type': ['b'], detail: { c: ['d'] } }), 'dev')).toEqual({
      source: ['a'],
      detailType: ['b'],
      detail: { c: ['d'] },
    });
    expect(() => eventPatternOf(declaration({ sauce: ['a'] }), 'dev')).toThrow(
      /"sauce" is not an EventBridge event field/,
    );
  });

  it('puts a domain-events rule on the declared bus, with its JSON pattern unchanged', () => {
    // Prepare: an isolated stack with one bus and the queue pairs.
    const stack = new Stack();
    const bus = new EventBus(stack, 'Bus', { eventBusName: 'domain' });
    const pair = () => {
      const dlq = new Queue(stack, `Dlq${Math.random()}`.replace('.', ''), { encryption: QueueEncryption.SQS_MANAGED });
      return {
        dlq,
        queue: new Queue(stack, `Q${Math.random()}`.replace('.', ''), { encryption: QueueEncryption.SQS_MANAGED }),
      };
    };
    const pairs = Object.fromEntries(queues.map((q) => [q.name, pair()])) as Record<QueueName, ReturnType<typeof pair>>;
    // Act
    addEventRules(
      stack,
      [
        {
          name: 'hot',
          description: 'hot leads',
          bus: 'domain-events',
          pattern: { 'detail-type': ['contact.hot'] },
          targetQueue: 'drip-steps',
        },
      ],
      { stage: 'dev', queues: pairs, domainEvents: bus },
    );
    // Assess
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
      Name: physicalRuleName('dev', 'hot'),
      EventBusName: { Ref: stack.getLogicalId(bus.node.defaultChild as never) },
      EventPattern: { 'detail-type': ['contact.hot'] },
    });
  });
});

describe('email alarms', () => {
  const metricAlarm = (metricName: string, threshold: number, statistic: string) =>
    app.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: METRICS_NAMESPACE,
      MetricName: metricName,
      Dimensions: Match.arrayWith([
        { Name: 'service', Value: 'unite-hub' },
        { Name: 'stage', Value: 'dev' },
      ]),
      Statistic: statistic,
      Period: 300,
      Threshold: threshold,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });

  it('alarms on a complaint rate of 0.1 % and a bounce rate of 5 % (percent, worst workspace)', () => {
    expect([COMPLAINT_RATE_THRESHOLD_PERCENT, BOUNCE_RATE_THRESHOLD_PERCENT]).toEqual([0.1, 5]);
    metricAlarm('EmailComplaintRate', 0.1, 'Maximum');
    metricAlarm('EmailBounceRate', 5, 'Maximum');
  });

  it('alarms on any automatic pause of sending', () => {
    metricAlarm('EmailSendingPaused', 1, 'Sum');
  });

  it.each(WATCHED_EMAIL_QUEUES)(
    'alarms when a message has waited on %s more than 15 minutes, twice in a row',
    (name) => {
      app.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateAgeOfOldestMessage',
        Dimensions: [{ Name: 'QueueName', Value: Match.anyValue() }],
        Statistic: 'Maximum',
        Threshold: 900,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 2,
        AlarmDescription: Match.stringLikeRegexp(`waited on ${name} `),
      });
    },
  );

  it.each(WATCHED_EMAIL_QUEUES)('keeps one dead-letter alarm for %s (the generic one, not a duplicate)', (name) => {
    const dlqAlarms = resourcesOfType(app, 'AWS::CloudWatch::Alarm').filter(
      ([, a]) =>
        a.Properties?.MetricName === 'ApproximateNumberOfMessagesVisible' &&
        String(a.Properties?.AlarmDescription).includes(`the ${name} dead-letter queue`),
    );
    expect(dlqAlarms).toHaveLength(1);
  });
});
