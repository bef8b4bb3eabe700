/**
 * A queue falling behind: its oldest message has waited longer than SQS's longest delay (15
 * minutes) for two periods in a row. Every queue whose consumers re-enqueue with a delay
 * (email sends, campaign steps) is late past that point, whatever the cause (consumer stuck,
 * throttled, failing or paused for long). Stage-wide, no action, no canary rollback.
 */
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { SERVICE_NAME } from '../definition';
import type { Stage } from './stage';

/** A message waiting longer is late: consumers re-enqueue with at most SQS's 900 s delay. */
export const OLDEST_MESSAGE_THRESHOLD = Duration.minutes(15);

/** `<queue>-oldest-message`: ApproximateAgeOfOldestMessage (Maximum, 5 min) above the threshold twice. */
export function oldestMessageAlarm(scope: Construct, stage: Stage, name: string, queue: IQueue, causes: string): Alarm {
  return new Alarm(scope, `${name}-oldest-message`, {
    alarmDescription: `${SERVICE_NAME} ${stage}: a message has waited on ${name} more than ${OLDEST_MESSAGE_THRESHOLD.toMinutes()} minutes for two periods in a row (${causes})`,
    metric: queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5), statistic: 'Maximum' }),
    threshold: OLDEST_MESSAGE_THRESHOLD.toSeconds(),
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    // Two periods: one copy re-enqueued with the longest delay may just reach the threshold once.
    evaluationPeriods: 2,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
}
