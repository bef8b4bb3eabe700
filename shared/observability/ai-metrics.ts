/**
 * AI metrics (CloudWatch EMF through the shared Powertools instance), service-level: the default
 * dimensions only (service, stage), never the workspace; the agent and failure kind travel as
 * metadata. Each is written at once as a single metric (the queue worker has no flush).
 * - `AiCalls` (Count): an agent run reached a provider (offline answers included).
 * - `AiTokensIn`, `AiTokensOut` (Count), `AiCostUsd` (None): what the run used.
 * - `AiFailures` (Count): a run or call failed (`kind`: invalid-output, spend-limit, unavailable,
 *   budget-exceeded, ...).
 * - `AiFallbacks` (Count): a provider after the first in the chain answered.
 * - `AiOfflineAnswers` (Count): no model answered; the result says offline.
 */
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { AiCallOutcome } from '../ai/ai-call';
import type { AiAgent } from '../ai/ports';
import type { AiMetrics } from '../ai/run-ai-call';
import { metrics as sharedMetrics } from './logger';

export const AI_METRICS = {
  calls: 'AiCalls',
  tokensIn: 'AiTokensIn',
  tokensOut: 'AiTokensOut',
  costUsd: 'AiCostUsd',
  failures: 'AiFailures',
  fallbacks: 'AiFallbacks',
  offline: 'AiOfflineAnswers',
} as const;

type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];

export function aiMetrics(target: Metrics = sharedMetrics): AiMetrics {
  const emit = (agent: AiAgent, name: string, unit: Unit, value: number, kind?: string) => {
    const single = target.singleMetric();
    single.addMetadata('agent', agent);
    if (kind) single.addMetadata('kind', kind);
    single.addMetric(name, unit, value);
  };
  return {
    recorded(agent: AiAgent, outcome: AiCallOutcome) {
      const { run, failure } = outcome;
      if (run) {
        emit(agent, AI_METRICS.calls, MetricUnit.Count, 1);
        emit(agent, AI_METRICS.tokensIn, MetricUnit.Count, run.inputTokens);
        emit(agent, AI_METRICS.tokensOut, MetricUnit.Count, run.outputTokens);
        emit(agent, AI_METRICS.costUsd, MetricUnit.NoUnit, run.costUsd);
        if (run.fallback) emit(agent, AI_METRICS.fallbacks, MetricUnit.Count, 1, run.fallback.from);
        if (run.offline) emit(agent, AI_METRICS.offline, MetricUnit.Count, 1);
      }
      if (failure) emit(agent, AI_METRICS.failures, MetricUnit.Count, 1, failure.kind);
    },
  };
}
