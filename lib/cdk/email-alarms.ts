import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { type QueueName, SERVICE_NAME } from '../definition';
import type { QueuePair } from './data-stack';
import { oldestMessageAlarm } from './queue-alarms';
import { serviceAlarm } from './service-alarms';
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
  // No sends, no rate: silence is not a breach (serviceAlarm).
  const atLeast = (id: string, metricName: string, statistic: 'Maximum' | 'Sum', threshold: number, why: string) =>
    serviceAlarm(scope, id, {
      stage,
      metricName,
      statistic,
      threshold,
      description: `${SERVICE_NAME} ${stage}: ${why}`,
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
