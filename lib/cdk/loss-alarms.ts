/**
 * Alarms on the application's counters of data lost or of a control that failed, each counted
 * where it happens but watched by nothing before (review round 21):
 * - `DomainEventsLost`: domain events neither EventBridge nor the queue fallback took
 *   (shared/adapters/fallback-events.ts); nothing retries them.
 * - `AuditWriteFailures`: an audit record not written; the request went on (shared/identity/audit.ts),
 *   so the audit log has a gap.
 * - `OriginSecretReadFailures`: the origin secret could not be read (shared/adapters/origin-secrets.ts):
 *   the edge check runs on the last values read, or refuses every request with 503.
 * EMF in the `UniteHub` namespace with exactly {service, stage} (shared/observability/logger.ts),
 * Sum over 5 minutes, one is enough. Stage-wide, no canary rollback (a lost event says more about
 * EventBridge and SQS than about the release being shipped), notified like every alarm of the stack
 * (lib/cdk/alarm-routing.ts). What to do: docs/runbooks/loss-alarms.md.
 *
 * The metric names are the literals the code emits (this module must not load the functions'
 * configuration); test/infra/r21o-fix-loss-alarms.test.ts holds them to the runtime's constants.
 */
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { SERVICE_NAME } from '../definition';
import { serviceAlarm } from './service-alarms';
import type { Stage } from './stage';

export const LOSS_ALARM_RUNBOOK = 'docs/runbooks/loss-alarms.md';

/** Counter -> what one of it means, for the alarm description. */
export const LOSS_COUNTERS = {
  DomainEventsLost: 'domain events were lost: neither EventBridge nor the queue fallback took them',
  AuditWriteFailures: 'audit records were not written: the audit log has a gap',
  OriginSecretReadFailures:
    'the origin secret could not be read: the edge check runs on the last values read, or answers 503',
} as const;

export type LossCounter = keyof typeof LOSS_COUNTERS;

export function addLossAlarms(scope: Construct, stage: Stage): Record<LossCounter, Alarm> {
  const alarm = (metricName: LossCounter) =>
    serviceAlarm(scope, `${metricName}Alarm`, {
      stage,
      metricName,
      threshold: 1,
      description: `${SERVICE_NAME} ${stage}: ${LOSS_COUNTERS[metricName]} (metric ${metricName}, last 5 minutes; runbook ${LOSS_ALARM_RUNBOOK})`,
    });
  return {
    DomainEventsLost: alarm('DomainEventsLost'),
    AuditWriteFailures: alarm('AuditWriteFailures'),
    OriginSecretReadFailures: alarm('OriginSecretReadFailures'),
  };
}
