/**
 * Per-workspace monthly AI budgets: tokens (in + out) and cost (USD), from the settings
 * `ai.monthly_token_budget` and `ai.monthly_cost_budget_usd` (the workspace's, else the global
 * default, else {@link DEFAULT_AI_BUDGETS}). A call is refused before any provider is asked when
 * the month's usage has reached either budget; after a call its usage is added (atomically, per
 * agent and in total). A month is a UTC calendar month; the budget resets on its first day.
 *
 * The check is made before the call, not reserved: concurrent calls admitted together may end a
 * month over the budget by at most their own usage (a few thousand tokens), a small overshoot
 * taken so that no lock is held across a model call.
 */
import * as z from 'zod/mini';
import { AiBudgetExceededError } from '../errors';
import type { SettingStore } from '../governance/ports';
import type { AgentRun } from './agents/agent';
import type { AiAgent } from './ports';

export const AI_TOKEN_BUDGET_SETTING = 'ai.monthly_token_budget';
export const AI_COST_BUDGET_SETTING = 'ai.monthly_cost_budget_usd';

/** Two million tokens and 25 USD a month: a few thousand agent calls on a mid-sized model. */
export const DEFAULT_AI_BUDGETS: AiBudgets = { monthlyTokens: 2_000_000, monthlyCostUsd: 25 };

export interface AiBudgets {
  readonly monthlyTokens: number;
  readonly monthlyCostUsd: number;
}

export interface AiUsageTotals {
  readonly tokensIn: number;
  readonly tokensOut: number;
  readonly costUsd: number;
  readonly calls: number;
}

export interface AiMonthUsage {
  /** `YYYY-MM` (UTC). */
  readonly month: string;
  readonly total: AiUsageTotals;
  readonly byAgent: Readonly<Partial<Record<AiAgent, AiUsageTotals>>>;
}

/** Monthly usage per workspace; adapter shared/adapters/dynamo-ai-usage.ts. */
export interface AiUsageStore {
  /** The month's usage (zeros when nothing was used). */
  read(workspaceId: string, month: string): Promise<AiMonthUsage>;
  /** Adds `delta` to the agent's and the total counters of the month in one atomic write. */
  add(workspaceId: string, month: string, agent: AiAgent, delta: AiUsageTotals): Promise<void>;
}

export interface BudgetDeps {
  readonly usage: AiUsageStore;
  readonly settings: Pick<SettingStore, 'get'>;
  readonly now: () => Date;
}

export const ZERO_USAGE: AiUsageTotals = { tokensIn: 0, tokensOut: 0, costUsd: 0, calls: 0 };

/** `YYYY-MM` of `now` in UTC. */
export const monthOf = (now: Date): string => now.toISOString().slice(0, 7);

/** When the month of `now` ends: the first day of the next month, 00:00 UTC. */
export const resetOf = (now: Date): Date => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));

/** A budget setting: a number >= 0 (0 turns AI off for the workspace). */
const budgetValue = z.number().check(z.gte(0));

async function budgetSetting(
  workspaceId: string,
  key: string,
  fallback: number,
  settings: Pick<SettingStore, 'get'>,
): Promise<number> {
  const stored = (await settings.get(workspaceId, key)) ?? (await settings.get(undefined, key));
  if (!stored || stored.isSecret) return fallback;
  let value: unknown;
  try {
    value = JSON.parse(stored.valueJson);
  } catch {
    return fallback;
  }
  // A value that is not a number >= 0 (the settings route stores any JSON) counts as unset.
  const parsed = budgetValue.safeParse(value);
  return parsed.success ? parsed.data : fallback;
}

/** The workspace's budgets in effect. */
export async function readBudgets(workspaceId: string, settings: Pick<SettingStore, 'get'>): Promise<AiBudgets> {
  const [monthlyTokens, monthlyCostUsd] = await Promise.all([
    budgetSetting(workspaceId, AI_TOKEN_BUDGET_SETTING, DEFAULT_AI_BUDGETS.monthlyTokens, settings),
    budgetSetting(workspaceId, AI_COST_BUDGET_SETTING, DEFAULT_AI_BUDGETS.monthlyCostUsd, settings),
  ]);
  return { monthlyTokens, monthlyCostUsd };
}

export interface AiUsageReport {
  readonly month: string;
  /** The first day of the next month, 00:00 UTC (ISO). */
  readonly resetsAt: string;
  readonly budgets: AiBudgets;
  readonly total: AiUsageTotals & { readonly tokens: number };
  readonly byAgent: Readonly<Partial<Record<AiAgent, AiUsageTotals>>>;
  readonly remaining: { readonly tokens: number; readonly costUsd: number };
  readonly exceeded: boolean;
}

const roundUsd = (n: number) => Math.round(n * 1e6) / 1e6;

/** This month's usage of the workspace against its budgets. */
export async function usageReport(workspaceId: string, deps: BudgetDeps): Promise<AiUsageReport> {
  const now = deps.now();
  const month = monthOf(now);
  const [usage, budgets] = await Promise.all([
    deps.usage.read(workspaceId, month),
    readBudgets(workspaceId, deps.settings),
  ]);
  const tokens = usage.total.tokensIn + usage.total.tokensOut;
  return {
    month,
    resetsAt: resetOf(now).toISOString(),
    budgets,
    total: { ...usage.total, costUsd: roundUsd(usage.total.costUsd), tokens },
    byAgent: usage.byAgent,
    remaining: {
      tokens: Math.max(0, budgets.monthlyTokens - tokens),
      costUsd: roundUsd(Math.max(0, budgets.monthlyCostUsd - usage.total.costUsd)),
    },
    exceeded: tokens >= budgets.monthlyTokens || usage.total.costUsd >= budgets.monthlyCostUsd,
  };
}

/**
 * Refuses a call when the month's usage has reached a budget. Call it before any provider call.
 * @throws AiBudgetExceededError (429 `AI_BUDGET_EXCEEDED`, `Retry-After` until the reset) with the
 * month, the reset date and the numbers in `details`.
 */
export async function assertWithinBudget(workspaceId: string, deps: BudgetDeps): Promise<AiUsageReport> {
  const report = await usageReport(workspaceId, deps);
  if (!report.exceeded) return report;
  const { total, budgets, resetsAt } = report;
  const which = total.tokens >= budgets.monthlyTokens ? 'token' : 'cost';
  throw new AiBudgetExceededError(
    `This workspace has used its monthly AI ${which} budget; it resets on ${resetsAt.slice(0, 10)} (UTC). ` +
      `Raise it with PUT /api/settings/${which === 'token' ? AI_TOKEN_BUDGET_SETTING : AI_COST_BUDGET_SETTING}.`,
    Math.max(1, Math.ceil((Date.parse(resetsAt) - deps.now().getTime()) / 1000)),
    {
      details: {
        month: report.month,
        resetsAt,
        tokens: { used: total.tokens, budget: budgets.monthlyTokens },
        costUsd: { used: total.costUsd, budget: budgets.monthlyCostUsd },
      },
    },
  );
}

/** What a run adds to the month: its tokens and cost, and one call (offline runs too: they cost 0). */
export const usageOf = (run: Pick<AgentRun, 'inputTokens' | 'outputTokens' | 'costUsd'>): AiUsageTotals => ({
  tokensIn: run.inputTokens,
  tokensOut: run.outputTokens,
  costUsd: roundUsd(run.costUsd),
  calls: 1,
});

/** Adds a run's usage to the month it finished in. */
export async function recordUsage(
  workspaceId: string,
  agent: AiAgent,
  run: Pick<AgentRun, 'inputTokens' | 'outputTokens' | 'costUsd'>,
  deps: Pick<BudgetDeps, 'usage' | 'now'>,
): Promise<void> {
  await deps.usage.add(workspaceId, monthOf(deps.now()), agent, usageOf(run));
}
