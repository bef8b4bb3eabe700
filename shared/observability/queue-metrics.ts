/**
 * Queue consumer metrics (CloudWatch EMF, namespace `UniteHub`), written at once as a single
 * metric (queue consumers have no per-invocation flush):
 * - `MessagesFailed` (Count): the records of one batch the consumer reported in
 *   `batchItemFailures` (shared/queue/queue-function.ts); none is written for a batch without one.
 *
 * Unlike the other application metrics (exactly {service, stage}), it has two more dimensions:
 * `function_name` (the Lambda function, as Powertools names it in `ColdStart`) and
 * `executed_version` (the published version that ran the batch: `context.functionVersion`,
 * Lambda's AWS_LAMBDA_FUNCTION_VERSION). A consumer returns normally when messages fail, so
 * Lambda's `Errors` never counts them; each consumer's canary rolls back on this metric of the
 * version it shifts to (lib/cdk/failed-message-alarms.ts). Bounded: one series per consumer and
 * version that failed a message, and each deployment publishes one version per consumer; no
 * other metric carries the version.
 *
 * Only type imports: the CDK app reads the names from this module, so loading it must not read
 * the function's configuration (shared/config.ts) the way `./logger` does.
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';

export const QUEUE_METRICS = { messagesFailed: 'MessagesFailed' } as const;

/** The dimensions `MessagesFailed` carries besides {service, stage}. */
export const QUEUE_METRIC_DIMENSIONS = { functionName: 'function_name', executedVersion: 'executed_version' } as const;

/** Lambda's name of the unpublished code (a context without a version: a test's). */
const UNPUBLISHED = '$LATEST';

/** What of the Lambda context names the version that ran. */
export interface ExecutedFunction {
  readonly functionName: string;
  readonly functionVersion?: string;
}

/** One `MessagesFailed` of `count` (nothing when 0) for the function and version that ran the batch. */
export function recordMessagesFailed(
  count: number,
  executed: ExecutedFunction,
  target: Pick<Metrics, 'singleMetric'>,
): void {
  if (count <= 0) return;
  const single = target.singleMetric();
  single.addDimension(QUEUE_METRIC_DIMENSIONS.functionName, executed.functionName);
  single.addDimension(QUEUE_METRIC_DIMENSIONS.executedVersion, executed.functionVersion || UNPUBLISHED);
  single.addMetric(QUEUE_METRICS.messagesFailed, 'Count', count);
}
