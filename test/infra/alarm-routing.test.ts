import { Template } from 'aws-cdk-lib/assertions';
import { Alarm, CfnAlarm, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { describe, expect, it } from 'vitest';
import { alarmEmailContext } from '../../lib/cdk/alarm-routing';
import { buildApp } from '../../lib/cdk/build-app';
import { logicalIdAt, resourcesOfType, synthesize } from './synth';

const TOPIC = 'AWS::SNS::Topic';
const ALARM = 'AWS::CloudWatch::Alarm';

const dev = synthesize('dev');
const withEmail = synthesize('prod', { context: { alarmEmail: 'ops@example.com' } });
const topicRef = (template: Template) => ({ Ref: logicalIdAt(template, TOPIC, 'Alarms') });

describe('alarm topic', () => {
  it('is one encrypted topic per stage, with TLS enforced', () => {
    dev.appTemplate.resourceCountIs(TOPIC, 1);
    const [, topic] = resourcesOfType(dev.appTemplate, TOPIC)[0] ?? [];
    expect(topic?.Properties?.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^AlarmsKey/), 'Arn'] });
    const policies = JSON.stringify(dev.appTemplate.findResources('AWS::SNS::TopicPolicy'));
    expect(policies).toContain('aws:SecureTransport');
    expect(policies).toContain('cloudwatch.amazonaws.com');
  });

  it('lets CloudWatch use the key it is encrypted with', () => {
    const keyId = logicalIdAt(dev.appTemplate, 'AWS::KMS::Key', 'AlarmsKey');
    const key = dev.appTemplate.toJSON().Resources[keyId];
    expect(key.Properties.EnableKeyRotation).toBe(true);
    const cloudWatch = key.Properties.KeyPolicy.Statement.filter(
      (s: { Principal?: { Service?: string } }) => s.Principal?.Service === 'cloudwatch.amazonaws.com',
    );
    expect(cloudWatch.flatMap((s: { Action: string[] }) => s.Action)).toEqual(
      expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*']),
    );
  });

  it('has no subscription without -c alarmEmail', () => {
    dev.appTemplate.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('subscribes the address given by -c alarmEmail', () => {
    withEmail.appTemplate.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: topicRef(withEmail.appTemplate),
    });
  });

  it('refuses an alarmEmail that is not an address, and treats empty as absent', () => {
    expect(() => alarmEmailContext('ops-at-example')).toThrow(/alarmEmail/);
    expect(alarmEmailContext('')).toBeUndefined();
    expect(alarmEmailContext(undefined)).toBeUndefined();
    expect(alarmEmailContext(' ops@example.com ')).toBe('ops@example.com');
  });
});

describe.each([
  ['dev', dev],
  ['prod', withEmail],
])('alarm routing on %s', (_stage, built) => {
  it('sends every alarm of the App stack to the topic, on alarm and back to OK', () => {
    const alarms = resourcesOfType(built.appTemplate, ALARM);
    // Canary (2 per function), dead letters, service, email and campaign alarms.
    expect(alarms.length).toBeGreaterThan(20);
    const unwired = alarms
      .filter(([, alarm]) => {
        const { AlarmActions, OKActions } = alarm.Properties as { AlarmActions?: unknown[]; OKActions?: unknown[] };
        const ref = topicRef(built.appTemplate);
        return (
          !JSON.stringify(AlarmActions ?? []).includes(JSON.stringify(ref)) ||
          !JSON.stringify(OKActions ?? []).includes(JSON.stringify(ref))
        );
      })
      .map(([id]) => id);
    expect(unwired).toEqual([]);
  });

  it('has no alarm in the Data stack, where the App stack topic cannot be reached', () => {
    built.dataTemplate.resourceCountIs(ALARM, 0);
  });
});

describe('an alarm added after the routing was set up', () => {
  it('is routed too, whether L2 Alarm or bare CfnAlarm (the check can fail)', () => {
    // Prepare: the app's routing is in place; add alarms the way a future module would.
    const built = buildApp({ stage: 'dev', bundle: false, nag: false });
    const metric = new Metric({ namespace: 'Test', metricName: 'Late' });
    new Alarm(built.application, 'LateAlarm', { metric, threshold: 1, evaluationPeriods: 1 });
    new CfnAlarm(built.application, 'LateCfnAlarm', {
      comparisonOperator: 'GreaterThanThreshold',
      evaluationPeriods: 1,
      metricName: 'Late',
      namespace: 'Test',
      period: 60,
      statistic: 'Sum',
      threshold: 1,
    });
    // Act
    const template = Template.fromStack(built.application);
    // Assess
    const ref = topicRef(template);
    for (const fragment of ['LateAlarm', 'LateCfnAlarm']) {
      const alarm =
        template.toJSON().Resources[fragment === 'LateCfnAlarm' ? fragment : logicalIdAt(template, ALARM, 'LateAlarm')];
      expect(alarm.Properties.AlarmActions, fragment).toContainEqual(ref);
      expect(alarm.Properties.OKActions, fragment).toContainEqual(ref);
    }
  });
});
