/**
 * Alarms of email delivery (issue 12, item 10): sender reputation from the metrics the
 * email-events processor emits, and how far behind the two email queues are. Like the service
 * alarms they watch the whole stage, not one version, so they are no canary rollback alarms;
 * like every alarm of the stack they notify the stage's alarm topic (lib/cdk/alarm-routing.ts).
 *
 * Dead letters of `email-sends` and `email-events` are covered by the generic DLQ alarm every
 * declared queue gets (lib/cdk/dead-letter-alarms.ts), which also rolls the sender back.
 *
 * Reputation metrics: EMF in the `UniteHub` namespace with exactly {service, stage} as
 * dimensions (shared/observability/logger.ts); rates are percentages (0.1 = 0.1 %).
 */
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { type QueueName, SERVICE_NAME } from '../definition';
import type { QueuePair } from './data-stack';
import { oldestMessageAlarm } from './queue-alarms';
import { METRICS_NAMESPACE } from './service-alarms';
import type { Stage } from './stage';

/** The percentages SES itself reviews an account at (complaints 0.1 %, bounces 5 %): alarm before it does. */
export const COMPLAINT_RATE_THRESHOLD_PERCENT = 0.1;
export const BOUNCE_RATE_THRESHOLD_PERCENT = 5;
/** A message waiting longer is late: sends re-enqueue with at most SQS's 900 s delay (lib/cdk/queue-alarms.ts). */
export { OLDEST_MESSAGE_THRESHOLD } from './queue-alarms';
/** Email queues whose oldest message is watched. */
export const WATCHED_EMAIL_QUEUES = ['email-sends', 'email-events'] as const satisfies readonly QueueName[];

export interface EmailAlarms {
  readonly complaintRate: Alarm;
  readonly bounceRate: Alarm;
  readonly sendingPaused: Alarm;
  readonly oldestMessage: ReadonlyMap<(typeof WATCHED_EMAIL_QUEUES)[number], Alarm>;
}

export function addEmailAlarms(
  scope: Construct,
  stage: Stage,
  queues: Readonly<Record<QueueName, QueuePair>>,
): EmailAlarms {
  const period = Duration.minutes(5);
  const metric = (metricName: string, statistic: 'Maximum' | 'Sum') =>
    new Metric({
      namespace: METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { service: SERVICE_NAME, stage },
      statistic,
      period,
    });
  const atLeast = (id: string, metricName: string, statistic: 'Maximum' | 'Sum', threshold: number, why: string) =>
    new Alarm(scope, id, {
      alarmDescription: `${SERVICE_NAME} ${stage}: ${why}`,
      metric: metric(metricName, statistic),
      threshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      // No sends, no rate: silence is not a breach.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

  const oldestMessage = new Map(
    WATCHED_EMAIL_QUEUES.map((name) => [
      name,
      oldestMessageAlarm(scope, stage, name, queues[name].queue, 'consumer stuck, throttled or paused for long'),
    ]),
  );

  return {
    complaintRate: atLeast(
      'EmailComplaintRateAlarm',
      'EmailComplaintRate',
      'Maximum',
      COMPLAINT_RATE_THRESHOLD_PERCENT,
      `complaint rate reached ${COMPLAINT_RATE_THRESHOLD_PERCENT} % (SES reviews accounts from there)`,
    ),
    bounceRate: atLeast(
      'EmailBounceRateAlarm',
      'EmailBounceRate',
      'Maximum',
      BOUNCE_RATE_THRESHOLD_PERCENT,
      `bounce rate reached ${BOUNCE_RATE_THRESHOLD_PERCENT} % (SES reviews accounts from there)`,
    ),
    sendingPaused: atLeast(
      'EmailSendingPausedAlarm',
      'EmailSendingPaused',
      'Sum',
      1,
      'marketing sending was paused automatically (reputation) in the last 5 minutes',
    ),
    oldestMessage,
  };
}
