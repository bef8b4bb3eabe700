/**
 * Where alarms go: one SNS topic per stage, and an Aspect that sends every alarm of the
 * stack to it (alarm and OK actions). Alarms are made in several modules (canary release,
 * dead letters, service, email, campaign); wiring them at synth time instead of at each
 * `new Alarm` means an alarm added next month is routed without anyone remembering to.
 *
 * The topic is encrypted with a key of the stack, not `alias/aws/sns`: CloudWatch can only
 * publish to an encrypted topic when the key policy lets `cloudwatch.amazonaws.com` use the
 * key, and the policy of an AWS-managed key cannot be changed.
 */
import { Aspects, Duration, type IAspect } from 'aws-cdk-lib';
import { Alarm, CfnAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct, type IConstruct } from 'constructs';
import { SERVICE_NAME } from '../definition';
import type { StageSettings } from './stage';

export interface AlarmTopicProps {
  readonly settings: StageSettings;
  /** Subscribed by email (`-c alarmEmail=ops@example.com`); none when absent. */
  readonly email?: string;
}

/** Reads `-c alarmEmail=...`: absent or empty means no subscription, anything else must look like an address. */
export function alarmEmailContext(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const email = String(value).trim();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    throw new Error(`alarmEmail "${email}" is not an email address (-c alarmEmail=ops@example.com)`);
  }
  return email;
}

export class AlarmTopic extends Construct {
  readonly topic: Topic;
  readonly key: Key;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    const { settings } = props;
    this.key = new Key(this, 'Key', {
      description: `${SERVICE_NAME} ${settings.stage}: encrypts the alarm topic`,
      enableKeyRotation: true,
      removalPolicy: settings.removalPolicy,
      pendingWindow: Duration.days(settings.keyPendingWindowDays),
    });
    const cloudWatch = new ServicePrincipal('cloudwatch.amazonaws.com');
    this.key.grant(cloudWatch, 'kms:Decrypt', 'kms:GenerateDataKey*');

    this.topic = new Topic(this, 'Topic', {
      displayName: `${SERVICE_NAME} ${settings.stage} alarms`,
      masterKey: this.key,
      enforceSSL: true,
    });
    // enforceSSL writes a topic policy, which replaces SNS's default one: CloudWatch needs its own grant.
    this.topic.grantPublish(cloudWatch);
    if (props.email) this.topic.addSubscription(new EmailSubscription(props.email));
  }

  /** Routes every alarm under `scope` (now or added later) to the topic. */
  routeAlarmsOf(scope: IConstruct): void {
    Aspects.of(scope).add(new AlarmRouting(this.topic));
  }
}

/**
 * Adds the topic to the alarm and OK actions of every CloudWatch alarm it visits: the L2
 * `Alarm` through its own API, a bare `CfnAlarm` by appending to its action lists.
 */
export class AlarmRouting implements IAspect {
  private readonly action: SnsAction;
  private readonly wired = new WeakSet<IConstruct>();

  constructor(private readonly topic: Topic) {
    this.action = new SnsAction(topic);
  }

  visit(node: IConstruct): void {
    if (this.wired.has(node)) return;
    if (node instanceof Alarm) {
      node.addAlarmAction(this.action);
      node.addOkAction(this.action);
      this.wired.add(node);
    } else if (node instanceof CfnAlarm && !(node.node.scope instanceof Alarm)) {
      const arn = this.topic.topicArn;
      node.alarmActions = [...(node.alarmActions ?? []), arn];
      node.okActions = [...(node.okActions ?? []), arn];
      this.wired.add(node);
    }
  }
}
