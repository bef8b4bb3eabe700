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

export interface ServiceAlarms {
  readonly http5xx: Alarm;
  readonly rateLimitHits: Alarm;
}

export function addServiceAlarms(scope: Construct, stage: Stage): ServiceAlarms {
  const period = Duration.minutes(5);
  const metric = (metricName: string) =>
    new Metric({
      namespace: METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { service: SERVICE_NAME, stage },
      statistic: 'Sum',
      period,
    });
  const alarm = (id: string, metricName: string, threshold: number, description: string) =>
    new Alarm(scope, id, {
      alarmDescription: description,
      metric: metric(metricName),
      threshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  return {
    http5xx: alarm('Http5xxAlarm', 'Http5xx', 0, `${SERVICE_NAME} ${stage} answered 5xx in the last 5 minutes`),
    rateLimitHits: alarm(
      'RateLimitHitsAlarm',
      'RateLimitHits',
      RATE_LIMIT_ABUSE_THRESHOLD,
      `${SERVICE_NAME} ${stage} refused more than ${RATE_LIMIT_ABUSE_THRESHOLD} requests for rate limits in 5 minutes (abuse?)`,
    ),
  };
}
