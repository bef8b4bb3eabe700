/**
 * Email delivery metrics (CloudWatch EMF through the shared Powertools instance), service-level:
 * only the default dimensions (service, stage), never the workspace, so the series stay few.
 * Each is written at once as a single metric: queue consumers have no per-invocation flush, and
 * a count must not wait for one.
 *
 * - `EmailsSent` (Count): a provider accepted a send (the sender, once per ledger transition).
 * - `EmailBounces`, `EmailComplaints` (Count): hard bounces and complaints, counted once per event.
 * - `EmailsFailed` (Count): a provider accepted a send and then reported it not sent (Resend
 *   `email.failed`), once per send record it turned `failed`.
 * - `EmailBounceRate`, `EmailComplaintRate` (Percent): after each bounce or complaint, the
 *   workspace's rate over its 7-day window. Alarm on Maximum for "some workspace is past the
 *   line"; the service-wide rate is metric math over the counts (EmailBounces / EmailsSent).
 * - `EmailSendingPaused` (Count): a workspace's marketing sends were paused for its reputation.
 * - `EmailEventsOfOtherStages` (Count): an SES event of another stage's configuration set reached
 *   the processor and was dropped (the `ses-events` rule should keep them out: any is worth a look).
 */
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { EmailEventMetrics } from '../email/event-ports';
import { metrics as sharedMetrics } from './logger';

export const EMAIL_METRICS = {
  sent: 'EmailsSent',
  bounces: 'EmailBounces',
  complaints: 'EmailComplaints',
  failed: 'EmailsFailed',
  bounceRate: 'EmailBounceRate',
  complaintRate: 'EmailComplaintRate',
  paused: 'EmailSendingPaused',
  otherStages: 'EmailEventsOfOtherStages',
} as const;

type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];
const emit = (target: Metrics, name: string, unit: Unit, value: number) =>
  target.singleMetric().addMetric(name, unit, value);

/** One `EmailsSent`, with the provider as metadata. */
export function recordEmailSent(provider: string, target: Metrics = sharedMetrics): void {
  const single = target.singleMetric();
  single.addMetadata('provider', provider);
  single.addMetric(EMAIL_METRICS.sent, MetricUnit.Count, 1);
}

/** One `EmailEventsOfOtherStages`: a provider event of another stage, dropped. */
export function recordOtherStageEvent(target: Metrics = sharedMetrics): void {
  emit(target, EMAIL_METRICS.otherStages, MetricUnit.Count, 1);
}

/** The processor's metrics port. */
export function emailEventMetrics(target: Metrics = sharedMetrics): EmailEventMetrics {
  return {
    counted: (kind) =>
      emit(
        target,
        kind === 'bounce' ? EMAIL_METRICS.bounces : kind === 'failed' ? EMAIL_METRICS.failed : EMAIL_METRICS.complaints,
        MetricUnit.Count,
        1,
      ),
    rates: ({ bounceRate, complaintRate }) => {
      emit(target, EMAIL_METRICS.bounceRate, MetricUnit.Percent, bounceRate * 100);
      emit(target, EMAIL_METRICS.complaintRate, MetricUnit.Percent, complaintRate * 100);
    },
    paused: () => emit(target, EMAIL_METRICS.paused, MetricUnit.Count, 1),
  };
}
