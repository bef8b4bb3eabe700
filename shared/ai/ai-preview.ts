/**
 * `POST /api/ai/preview`: an agent run while a person waits, under a short deadline, each model
 * call reserved against the budget before it is made and settled when it answers, like a queued
 * call but with no record. Whatever the providers do, the answer is a result: completed,
 * offline, or failed with its kind and reason (the deadline passing is `failed`, kind `timeout`).
 */
import { type AgentDataDeps, type AgentRequest, runRequestedAgent } from './agents';
import { type AiCallOutcome, outcomeOf } from './ai-call';
import { type BudgetDeps, meteredProvider } from './budgets';
import { type AiProvider, AiProviderError } from './ports';
import type { AiMetrics } from './run-ai-call';

/** The preview's deadline: well under its function's timeout and API Gateway's 30 s. */
export const PREVIEW_DEADLINE_MS = 10_000;

export interface PreviewDeps extends BudgetDeps, AgentDataDeps {
  readonly provider: AiProvider;
  readonly metrics: AiMetrics;
  readonly deadlineMs?: number;
}

/**
 * Runs `request` now. Every answer received is added to the month's usage as it arrives.
 * @throws AiBudgetExceededError (429) before a provider call the budget cannot take;
 * ContactNotFoundError (404).
 */
export async function previewAgent(
  workspaceId: string,
  request: AgentRequest,
  deps: PreviewDeps,
): Promise<AiCallOutcome> {
  const provider = meteredProvider(workspaceId, request.agent, deps.provider, deps);
  let outcome: AiCallOutcome;
  try {
    const signal = AbortSignal.timeout(deps.deadlineMs ?? PREVIEW_DEADLINE_MS);
    outcome = outcomeOf(await runRequestedAgent(workspaceId, request, provider, deps, { signal }));
  } catch (error) {
    if (!(error instanceof AiProviderError)) throw error;
    outcome = { status: 'failed', failure: { kind: error.finalKind, reason: error.message } };
  }
  deps.metrics.recorded(request.agent, outcome);
  if (outcome.failure) {
    const { kind, reason } = outcome.failure;
    deps.log?.warn('AI preview failed', { workspaceId, agent: request.agent, kind, reason });
  }
  return outcome;
}
