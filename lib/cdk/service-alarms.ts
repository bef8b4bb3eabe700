/**
 * Service-wide alarms on the application's own EMF metrics (shared/observability/logger.ts:
 * namespace `UniteHub`; Powertools adds the `service` dimension from the service name and
 * the logger configures `stage` as a default dimension, so each datapoint carries exactly
 * {service, stage}). They watch the whole stage, not one version, so they are not canary
 * rollback alarms: a rate-limit flood says nothing about the release being shipped.
 */
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { SERVICE_NAME } from '../definition';
import type { Stage } from './stage';

export const METRICS_NAMESPACE = 'UniteHub';
/** Rate-limit refusals per 5 minutes above which the stage is probably being abused. */
export const RATE_LIMIT_ABUSE_THRESHOLD = 1000;

/** One of the application's EMF metrics of the stage ({service, stage}) over 5 minutes. */
export function serviceMetric(stage: Stage, metricName: string, statistic: 'Sum' | 'Maximum' = 'Sum'): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service: SERVICE_NAME, stage },
    statistic,
    period: Duration.minutes(5),
  });
}

/**
 * A stage-wide alarm on one of those metrics ({@link serviceMetric}), one 5-minute period at or
 * above (`atLeast`, the default) or above `threshold`; no datapoint (nothing happened) is no breach.
 */
export function serviceAlarm(
  scope: Construct,
  id: string,
  props: {
    readonly stage: Stage;
    readonly metricName: string;
    readonly threshold: number;
    readonly description: string;
    readonly statistic?: 'Sum' | 'Maximum';
    readonly above?: boolean;
  },
): Alarm {
  return new Alarm(scope, id, {
    alarmDescription: props.description,
    metric: serviceMetric(props.stage, props.metricName, props.statistic),
    threshold: props.threshold,
    comparisonOperator: props.above
      ? ComparisonOperator.GREATER_THAN_THRESHOLD
      : ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
}

export interface ServiceAlarms {
  readonly http5xx: Alarm;
  readonly rateLimitHits: Alarm;
}

export function addServiceAlarms(scope: Construct, stage: Stage): ServiceAlarms {
  return {
    http5xx: serviceAlarm(scope, 'Http5xxAlarm', {
      stage,
      metricName: 'Http5xx',
      threshold: 0,
      above: true,
      description: `${SERVICE_NAME} ${stage} answered 5xx in the last 5 minutes`,
    }),
    rateLimitHits: serviceAlarm(scope, 'RateLimitHitsAlarm', {
      stage,
      metricName: 'RateLimitHits',
      threshold: RATE_LIMIT_ABUSE_THRESHOLD,
      above: true,
      description: `${SERVICE_NAME} ${stage} refused more than ${RATE_LIMIT_ABUSE_THRESHOLD} requests for rate limits in 5 minutes (abuse?)`,
    }),
  };
}
