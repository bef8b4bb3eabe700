/**
 * Campaign metrics (CloudWatch EMF through the shared Powertools instance), service-level
 * (service, stage), each written at once as a single metric (queue consumers have no flush):
 * - `CampaignEnrolmentsFailed` (Count): an enrolment ended as failed (a node's permanent error), or
 *   a drip-steps message failed on its last receive before the dead-letter queue.
 * The CDK alarm `CampaignEnrolmentsFailedAlarm` watches it (lib/cdk/step-timers.ts).
 */
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { metrics as sharedMetrics } from './logger';

export const CAMPAIGN_METRICS = { enrolmentsFailed: 'CampaignEnrolmentsFailed' } as const;

export const campaignMetrics = (target: Metrics = sharedMetrics) => ({
  enrolmentFailed: (): void => {
    target.singleMetric().addMetric(CAMPAIGN_METRICS.enrolmentsFailed, MetricUnit.Count, 1);
  },
});
