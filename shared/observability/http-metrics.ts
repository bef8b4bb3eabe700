/**
 * The business-agnostic metrics of the HTTP edge, as CloudWatch EMF through the shared
 * Powertools `metrics` instance. Only the default dimensions (service, stage) are used, so
 * the number of metric series stays fixed whatever the routes; the route, tier or reason
 * travels as EMF metadata (searchable in Logs Insights, not a dimension).
 * Every helper takes an optional Metrics instance so tests can read what was recorded.
 */
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { metrics as sharedMetrics } from './logger';

/** The metric names this module emits, for dashboards and alarms. */
export const HTTP_METRICS = {
  latency: 'Latency',
  rateLimitHits: 'RateLimitHits',
  csrfRejections: 'CsrfRejections',
  auditWriteFailures: 'AuditWriteFailures',
  originSecretReadFailures: 'OriginSecretReadFailures',
} as const;

/** Status class metric names: one Count per response. */
export type StatusClassMetric = 'Http2xx' | 'Http3xx' | 'Http4xx' | 'Http5xx';

/**
 * The status-class metric of an HTTP status. 1xx (never returned by Lambda) counts as 2xx;
 * anything outside 100..599 counts as 5xx, since it means the edge produced garbage.
 */
export function statusClass(status: number): StatusClassMetric {
  if (!Number.isInteger(status) || status < 100 || status >= 600) return 'Http5xx';
  if (status < 300) return 'Http2xx';
  if (status < 400) return 'Http3xx';
  if (status < 500) return 'Http4xx';
  return 'Http5xx';
}

/** Records one answered request: `Latency` (Milliseconds) and one `Http2xx|3xx|4xx|5xx` Count; `routeId` as metadata. */
export function recordHttpRequest(
  request: { routeId: string; status: number; latencyMs: number },
  target: Metrics = sharedMetrics,
): void {
  target.addMetadata('routeId', request.routeId);
  target.addMetadata('status', String(request.status));
  target.addMetric(HTTP_METRICS.latency, MetricUnit.Milliseconds, Math.max(0, request.latencyMs));
  target.addMetric(statusClass(request.status), MetricUnit.Count, 1);
}

/** Records a request refused by the rate limiter: `RateLimitHits` Count; the tier as metadata. */
export function recordRateLimited(tier: string, target: Metrics = sharedMetrics): void {
  target.addMetadata('rateTier', tier);
  target.addMetric(HTTP_METRICS.rateLimitHits, MetricUnit.Count, 1);
}

/** Records a request refused by the CSRF check: `CsrfRejections` Count; the rejection code as metadata. */
export function recordCsrfRejected(code: string, target: Metrics = sharedMetrics): void {
  target.addMetadata('csrfCode', code);
  target.addMetric(HTTP_METRICS.csrfRejections, MetricUnit.Count, 1);
}

/**
 * Records a failed read of the origin secret (shared/adapters/origin-secrets.ts):
 * `OriginSecretReadFailures` Count; whether the last values were still served, as metadata.
 */
export function recordOriginSecretReadFailure(serving: string, target: Metrics = sharedMetrics): void {
  target.addMetadata('originSecretServing', serving);
  target.addMetric(HTTP_METRICS.originSecretReadFailures, MetricUnit.Count, 1);
}

/** Records an audit record that could not be written: `AuditWriteFailures` Count. */
export function recordAuditWriteFailure(target: Metrics = sharedMetrics): void {
  target.addMetric(HTTP_METRICS.auditWriteFailures, MetricUnit.Count, 1);
}

/**
 * The middy middleware that flushes the recorded metrics after every invocation (also on
 * error) and emits the `ColdStart` metric on the first one. `.use()` it once per handler.
 */
export function metricsMiddleware(target: Metrics = sharedMetrics): ReturnType<typeof logMetrics> {
  return logMetrics(target, { captureColdStartMetric: true });
}
