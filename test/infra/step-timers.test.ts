/**
 * Campaign step timers in the cloud: the schedule group and the role EventBridge Scheduler
 * delivers with live in the Data stack (pending timers are data), the role trusts Scheduler
 * for this account only and may send to drip-steps and nothing else, and the campaign alarms
 * watch the queue's lag and the engine's failed enrolments. Function grants: least-privilege.test.ts.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { physicalQueueName } from '../../lib/cdk/physical-names';
import { METRICS_NAMESPACE } from '../../lib/cdk/service-alarms';
import { stepScheduleGroupName, stepSchedulerRoleName } from '../../lib/cdk/step-timers';
import { resourcesOfType, synthesize } from './synth';

const stages = { dev: synthesize('dev'), prod: synthesize('prod') };
const { dataTemplate: data, appTemplate: app } = stages.dev;

interface Statement {
  Effect: string;
  Principal?: unknown;
  Action: string | string[];
  Resource?: unknown;
  Condition?: unknown;
}

const roleOf = (template: typeof data) =>
  resourcesOfType(template, 'AWS::IAM::Role').find(([, r]) => r.Properties?.RoleName === stepSchedulerRoleName('dev'));

describe('step timer resources (Data stack)', () => {
  it('has one schedule group, named for the stage, kept in prod and removed with a dev stack', () => {
    data.resourceCountIs('AWS::Scheduler::ScheduleGroup', 1);
    data.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: stepScheduleGroupName('dev') });
    app.resourceCountIs('AWS::Scheduler::ScheduleGroup', 0);
    const policy = (template: typeof data) =>
      resourcesOfType(template, 'AWS::Scheduler::ScheduleGroup')[0]?.[1].DeletionPolicy;
    expect(policy(stages.prod.dataTemplate)).toBe('Retain');
    expect(policy(data)).toBe('Delete');
  });

  it('has a role only EventBridge Scheduler of this account may assume', () => {
    const role = roleOf(data);
    expect(role).toBeDefined();
    expect(roleOf(app)).toBeUndefined();
    const trust = role?.[1].Properties?.AssumeRolePolicyDocument as { Statement: Statement[] };
    expect(trust.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
  });

  it('lets the role send messages to drip-steps and do nothing else', () => {
    // Prepare
    const roleId = roleOf(data)?.[0];
    const statements = resourcesOfType(data, 'AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(p.Properties?.Roles) === JSON.stringify([{ Ref: roleId }]))
      .flatMap(([, p]) => (p.Properties?.PolicyDocument as { Statement?: Statement[] } | undefined)?.Statement ?? []);
    const dripSteps = resourcesOfType(data, 'AWS::SQS::Queue').find(
      ([, q]) => q.Properties?.QueueName === physicalQueueName('dev', 'drip-steps'),
    )?.[0];
    // Assess
    expect(statements).toEqual([
      { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [dripSteps, 'Arn'] } },
    ]);
  });
});

describe('campaign alarms (App stack)', () => {
  it('alarms when a step has waited on drip-steps more than 15 minutes, twice in a row', () => {
    app.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: Match.anyValue() }],
      Statistic: 'Maximum',
      Period: 300,
      Threshold: 900,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 2,
      AlarmDescription: Match.stringLikeRegexp('waited on drip-steps '),
    });
  });

  it('alarms on any failed campaign enrolment in 5 minutes, on the application metrics (UniteHub, {service, stage})', () => {
    app.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: METRICS_NAMESPACE,
      MetricName: 'CampaignEnrolmentsFailed',
      Dimensions: [
        { Name: 'service', Value: 'unite-hub' },
        { Name: 'stage', Value: 'dev' },
      ],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
  });
});
