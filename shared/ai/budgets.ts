/**
 * Per-workspace monthly AI budgets: tokens (in + out) and cost (USD), from the settings
 * `ai.monthly_token_budget` and `ai.monthly_cost_budget_usd` (the workspace's, else the global
 * default, else {@link DEFAULT_AI_BUDGETS}). A month is a UTC calendar month; the budget resets on
 * its first day.
 *
 * Every request sent to a model is reserved before it is sent ({@link meteredProvider}): one
 * conditional UpdateItem ADDs its worst case (an estimate of the prompt's tokens plus
 * `maxOutputTokens`, and their cost at the dearest configured price) to the month's counters only
 * when the total stays within both budgets; refused, it is not sent (429 `AI_BUDGET_EXCEEDED`, or a
 * queued call stored `failed`). Behind the chain that is each attempt (a retry, the fallback: the
 * chain reserves them through the request's {@link AttemptMeter}), not the call once. When an
 * attempt ends, one ADD settles the difference between what it was billed (its answer, or the
 * answer its error reports as billed and unusable: a refusal, an empty answer, `billedUnused`) and
 * the estimate; nothing billed gives the estimate back. Concurrent calls thus see each other's
 * reservations, and the month cannot pass its budget by more than the estimates' error (the prompt
 * estimate is generous: see {@link estimateTokens}).
 */
import * as z from 'zod/mini';
import { AiBudgetExceededError } from '../errors';
import type { SettingStore } from '../governance/ports';
import type { AgentRun } from './agents/agent';
import {
  type AiAgent,
  type AiAnswer,
  type AiLog,
  type AiModelConfig,
  type AiProvider,
  type AiRequest,
  type AiSpend,
  addSpend,
  billedUnusedOf,
} from './ports';
import type { AttemptMeter, MeteredRequest } from './provider-chain';

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
  /**
   * Adds `delta` to the agent's and the total counters of the month in one atomic write (a
   * negative delta settles or gives back a reservation).
   */
  add(workspaceId: string, month: string, agent: AiAgent, delta: AiUsageTotals): Promise<void>;
  /**
   * Adds `estimate` like {@link add}, in one conditional write, only when the month's total tokens
   * (in + out) and cost stay within `budgets` with it; refused, nothing is written and the month's
   * usage is returned.
   */
  reserve(
    workspaceId: string,
    month: string,
    agent: AiAgent,
    estimate: AiUsageTotals,
    budgets: AiBudgets,
  ): Promise<{ readonly reserved: true } | { readonly reserved: false; readonly usage: AiMonthUsage }>;
}

export interface BudgetDeps {
  readonly usage: AiUsageStore;
  readonly settings: Pick<SettingStore, 'get'>;
  readonly now: () => Date;
  /** The configured models and prices, for a reservation's cost; without them a call reserves tokens only. */
  readonly models?: AiModelConfig;
  /** Where a settlement that could not be written is reported, for reconciliation; default nowhere. */
  readonly log?: AiLog;
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
  return reportOf(usage, budgets, now);
}

/**
 * Refuses a call when the month's usage has reached a budget. Call it before any provider call.
 * @throws AiBudgetExceededError (429 `AI_BUDGET_EXCEEDED`, `Retry-After` until the reset) with the
 * month, the reset date and the numbers in `details`.
 */
export async function assertWithinBudget(workspaceId: string, deps: BudgetDeps): Promise<AiUsageReport> {
  const report = await usageReport(workspaceId, deps);
  if (!report.exceeded) return report;
  throw budgetExceeded(report, deps.now());
}

/** The 429 for `report`; with `needs`, the call that did not fit (the month may not be used up yet). */
function budgetExceeded(report: AiUsageReport, now: Date, needs?: AiUsageTotals): AiBudgetExceededError {
  const { total, budgets, resetsAt } = report;
  const tokensShort = needs
    ? total.tokens + needs.tokensIn + needs.tokensOut > budgets.monthlyTokens
    : total.tokens >= budgets.monthlyTokens;
  const which = tokensShort ? 'token' : 'cost';
  const setting = which === 'token' ? AI_TOKEN_BUDGET_SETTING : AI_COST_BUDGET_SETTING;
  const what = report.exceeded
    ? `This workspace has used its monthly AI ${which} budget`
    : `This AI call may need more than what is left of the workspace's monthly AI ${which} budget`;
  return new AiBudgetExceededError(
    `${what}; it resets on ${resetsAt.slice(0, 10)} (UTC). Raise it with PUT /api/settings/${setting}.`,
    Math.max(1, Math.ceil((Date.parse(resetsAt) - now.getTime()) / 1000)),
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

function reportOf(usage: AiMonthUsage, budgets: AiBudgets, now: Date): AiUsageReport {
  const tokens = usage.total.tokensIn + usage.total.tokensOut;
  return {
    month: usage.month,
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

/**
 * A generous estimate of a request's input tokens: one token per 3 characters of the system
 * prompt, the schema and the input (English text runs at about 4 per token; the settlement
 * corrects the difference once the provider says what it counted).
 */
export function estimateTokens(request: Pick<AiRequest, 'system' | 'input' | 'schema'>): number {
  const chars = request.system.length + request.input.length + JSON.stringify(request.schema.jsonSchema).length;
  return Math.ceil(chars / 3);
}

/** A model call's worst case: the estimated prompt, `maxOutputTokens`, their cost at the dearest configured price. */
export function estimateOf(request: AiRequest, models: AiModelConfig | undefined): AiUsageTotals {
  const tokensIn = estimateTokens(request);
  const tokensOut = request.maxOutputTokens;
  const prices = models ? [models.anthropic[request.agent], models.openrouter[request.agent]] : [];
  const costUsd = Math.max(
    0,
    ...prices.map((p) => {
      const perIn = Math.max(p.inputPerMTok, p.cacheWritePerMTok ?? 0, p.cacheReadPerMTok ?? 0);
      return (perIn * tokensIn + p.outputPerMTok * tokensOut) / 1e6;
    }),
  );
  return { tokensIn, tokensOut, costUsd: roundUsd(costUsd), calls: 0 };
}

const minus = (a: AiUsageTotals, b: AiUsageTotals): AiUsageTotals => ({
  tokensIn: a.tokensIn - b.tokensIn,
  tokensOut: a.tokensOut - b.tokensOut,
  costUsd: roundUsd(a.costUsd - b.costUsd),
  calls: a.calls - b.calls,
});

const plus = (a: AiUsageTotals, b: AiUsageTotals): AiUsageTotals => minus(a, minus(ZERO_USAGE, b));

/** Writes of a settlement (or a give-back) before it is left to the next one; SDK retries come on top. */
const SETTLE_TRIES = 3;

/**
 * `provider` for one run of `agent` in `workspaceId`, metered against the month's budgets: each
 * request sent to a model is reserved first (refused: AiBudgetExceededError, and it is not sent),
 * and settled as soon as it ends, so every answer received is counted whatever happens to the run
 * afterwards (a repair cut by a deadline, a crash before the result is stored). The run's first
 * billed answer counts the run in `calls`.
 *
 * `provider.answer` is reserved once before it is called. A chain (provider-chain.ts) finds an
 * {@link AttemptMeter} in the request and meters each attempt itself: the first takes that
 * reservation, every later one (a retry, the fallback) reserves its own before it is sent, and a
 * refusal stops the chain with the budget's error; each attempt settles what it was billed (its
 * answer, or its error's `billedUnused`), else gives its reservation back. Any other provider is
 * settled as one request: its answer, with the billed answers it reports (`billedUnused`), or on
 * an error, the billed answers the error reports, else the reservation given back. An answer no
 * attempt was billed for (the chain's offline fallback) counts the run, with no tokens.
 *
 * Settlements are written one at a time, in order (an attempt cut by its timeout settles when its
 * provider call gives up, maybe after the next attempt started); an attempt's reservation waits for
 * those queued before it, so a reservation given back leaves room for the next attempt. The call
 * ends once the settlements of its attempts so far are written.
 *
 * A settlement is bookkeeping after an answer that is paid for: its write failing never loses the
 * answer (nor replaces a provider's error). It is tried {@link SETTLE_TRIES} times; still refused,
 * it is carried into this run's next usage write, and reported to `log` (with the month and the
 * delta) for reconciliation if none succeeds. Until then the month keeps the reservation (the
 * call's worst case): the budget errs on the safe side.
 */
export function meteredProvider(
  workspaceId: string,
  agent: AiAgent,
  provider: AiProvider,
  deps: BudgetDeps,
): AiProvider {
  let counted = false;
  /** What a billed answer adds: its tokens and cost, and the run's one call with the first of them. */
  const countCall = (run: AiSpend): AiUsageTotals => {
    const used = { ...usageOf(run), calls: counted ? 0 : 1 };
    counted = true;
    return used;
  };
  let budgets: AiBudgets | undefined;
  /** Settlements not written yet, by month. */
  const unsettled = new Map<string, AiUsageTotals>();
  /** The settlements in order, one at a time (an attempt cut by its timeout settles whenever it ends). */
  let settling: Promise<void> = Promise.resolve();
  /** Queues `delta`'s settlement; never rejects (a write that keeps failing is logged). */
  const settle = (month: string, delta: AiUsageTotals): Promise<void> => {
    settling = settling.then(() => writeSettlement(month, delta));
    return settling;
  };
  const writeSettlement = async (month: string, delta: AiUsageTotals) => {
    unsettled.set(month, plus(unsettled.get(month) ?? ZERO_USAGE, delta));
    for (const [m, owed] of [...unsettled]) {
      let failure: unknown;
      for (let attempt = 1; attempt <= SETTLE_TRIES; attempt++) {
        try {
          await deps.usage.add(workspaceId, m, agent, owed);
          unsettled.delete(m);
          failure = undefined;
          break;
        } catch (error) {
          failure = error;
        }
      }
      if (failure !== undefined) {
        deps.log?.error('AI usage settlement not written: the month keeps the reservation until reconciled', {
          workspaceId,
          agent,
          month: m,
          delta: owed,
          error: failure,
        });
      }
    }
  };
  return {
    name: provider.name,
    async answer(request) {
      const now = deps.now();
      const month = monthOf(now);
      budgets ??= await readBudgets(workspaceId, deps.settings);
      const limits = budgets;
      const estimate = estimateOf(request, deps.models);
      const reserve = async () => {
        const held = await deps.usage.reserve(workspaceId, month, agent, estimate, limits);
        if (!held.reserved) throw budgetExceeded(reportOf(held.usage, limits, now), now, estimate);
      };
      // The first attempt's reservation, made before the provider is asked whatever it is.
      await reserve();
      /** Whether the provider meters its attempts (its first took the reservation above): then each settles itself. */
      let metered = false;
      const meter: AttemptMeter = {
        async reserve() {
          // Settlements queued before it first: a reservation given back leaves room for this attempt.
          await settling;
          if (metered) await reserve();
          metered = true;
        },
        answered: (answer) => settle(month, minus(countCall(answerSpend(answer)), estimate)),
        failed: (billed) => settle(month, minus(billed ? countCall(billed) : ZERO_USAGE, estimate)),
      };
      const metering: MeteredRequest = { ...request, meter };
      let answer: AiAnswer;
      try {
        answer = await provider.answer(metering);
      } catch (error) {
        if (metered) {
          await settling;
          throw error;
        }
        // Billed answers the call could not use are counted like answers; none: all is given back.
        const billed = billedUnusedOf(error);
        await settle(month, minus(billed ? countCall(billed) : ZERO_USAGE, estimate));
        throw error;
      }
      if (metered) {
        // Every attempt settled itself; an answer no attempt made (the offline fallback) counts the run.
        if (!counted) await settle(month, countCall(answerSpend(answer)));
        await settling;
        return answer;
      }
      // The answer, and the billed answers before it that could not be used (a refusal fallen back from).
      await settle(month, minus(countCall(answerSpend(answer)), estimate));
      return answer;
    },
  };
}

/** What an answer was billed for: its own tokens and cost, and the unusable answers before it. */
const answerSpend = (answer: AiAnswer): AiSpend => {
  const run = answerRun(answer);
  return addSpend(run, answer.billedUnused) ?? run;
};

/** An answer's tokens as a run counts them (cache reads and writes as input). */
const answerRun = (a: AiAnswer): AiSpend => ({
  inputTokens: a.usage.inputTokens + (a.usage.cacheReadTokens ?? 0) + (a.usage.cacheWriteTokens ?? 0),
  outputTokens: a.usage.outputTokens,
  costUsd: a.costUsd,
});
