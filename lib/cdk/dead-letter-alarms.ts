/**
 * One alarm per dead-letter queue: a message that lands there is a message the product
 * failed to handle. Every function that consumes from or sends to the work queue rolls its
 * canary back on it, since either side can be the cause of poison messages.
 *
 * Each is named `<stack>-<queue>-dlq-depth` (e.g. `UniteHub-prod-App-email-sends-dlq-depth`): the
 * name the SNS notification's subject, the console and docs/runbooks/dead-letter-queue.md show.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { type FunctionDeclaration, type QueueName, queues } from '../definition';
import type { QueuePair } from './data-stack';
import type { HouseFunction } from './house-function';

/** Queues whose dead letters this function can cause: the ones it consumes or sends to. */
export function queuesFedBy(declaration: FunctionDeclaration): QueueName[] {
  const sends = Object.entries(declaration.queues)
    .filter(([, access]) => access === 'send')
    .map(([name]) => name as QueueName);
  const consumes = queues.filter((q) => q.consumer === declaration.name).map((q) => q.name);
  return [...new Set([...consumes, ...sends])];
}

/** `UniteHub-<stage>-App-<queue>-dlq-depth`: readable, and stable across deploys. */
export function deadLetterAlarmName(stackName: string, queue: QueueName): string {
  return `${stackName}-${queue}-dlq-depth`;
}

export function addDeadLetterRollbackAlarms(
  scope: Construct,
  pairs: Readonly<Record<QueueName, QueuePair>>,
  functions: Iterable<HouseFunction>,
): Map<QueueName, Alarm> {
  const alarms = new Map<QueueName, Alarm>();
  const { stackName } = Stack.of(scope);
  for (const { name } of queues) {
    alarms.set(
      name,
      new Alarm(scope, `${name}-dlq-depth`, {
        alarmName: deadLetterAlarmName(stackName, name),
        alarmDescription: `Messages are waiting in the ${name} dead-letter queue`,
        metric: pairs[name].dlq.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: 'Maximum',
        }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
  }
  for (const fn of functions) {
    for (const queue of queuesFedBy(fn.declaration)) {
      const alarm = alarms.get(queue);
      if (alarm) fn.release.addRollbackAlarm(alarm);
    }
  }
  return alarms;
}
