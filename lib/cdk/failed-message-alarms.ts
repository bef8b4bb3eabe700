/**
 * The canary of a queue consumer rolls back on the messages its new version fails.
 *
 * A consumer reports a failed message in `batchItemFailures` and returns normally, even when the
 * whole batch failed (shared/queue/queue-function.ts), so Lambda's `Errors` never sees it. The
 * dead-letter alarm does, but too late for the canary: a message reaches the DLQ after
 * `maxReceiveCount` receives a visibility timeout apart (12 minutes and more for every queue),
 * while CodeDeploy watches the alarms for the 5 minutes of `Canary10Percent5Minutes`; and what the
 * new version fails, the old one retries. So every consumer counts its failed messages per
 * version that ran them (`MessagesFailed`, shared/observability/queue-metrics.ts), and its
 * deployment group rolls back as soon as the new version fails one (1-minute period).
 *
 * The alarm sits beside the function's release (`<fn>FailedMessages`), on the version the alias
 * shifts to; like the release alarms it notifies the stage's alarm topic (lib/cdk/alarm-routing.ts).
 */
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { QUEUE_METRIC_DIMENSIONS, QUEUE_METRICS } from '../../shared/observability/queue-metrics';
import { type FunctionName, queues, SERVICE_NAME } from '../definition';
import { aliasResource, CANARY_RUNBOOK } from './canary-release';
import type { HouseFunction } from './house-function';
import { METRICS_NAMESPACE } from './service-alarms';
import type { Stage } from './stage';

/** `MessagesFailed` of the version `fn`'s alias shifts to: {service, stage, function_name, executed_version}. */
export function failedMessagesMetric(fn: HouseFunction, stage: Stage): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName: QUEUE_METRICS.messagesFailed,
    dimensionsMap: {
      service: SERVICE_NAME,
      stage,
      [QUEUE_METRIC_DIMENSIONS.functionName]: fn.function.functionName,
      [QUEUE_METRIC_DIMENSIONS.executedVersion]: fn.alias.version.version,
    },
    statistic: 'Sum',
    period: Duration.minutes(1),
  });
}

/** One rollback alarm per function that consumes a declared queue; none for the others. */
export function addFailedMessageRollbackAlarms(
  functions: Iterable<HouseFunction>,
  stage: Stage,
): Map<FunctionName, Alarm> {
  const alarms = new Map<FunctionName, Alarm>();
  for (const fn of functions) {
    const consumed = queues.filter((q) => q.consumer === fn.declaration.name).map((q) => q.name);
    if (consumed.length === 0) continue;
    const alarm = new Alarm(fn, 'FailedMessages', {
      alarmDescription: `${aliasResource(fn.alias)} (new version) failed a message of ${consumed.join(', ')} (runbook ${CANARY_RUNBOOK})`,
      metric: failedMessagesMetric(fn, stage),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      // No failed message, no datapoint: silence is not a breach.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    fn.release.addRollbackAlarm(alarm);
    alarms.set(fn.declaration.name, alarm);
  }
  return alarms;
}
