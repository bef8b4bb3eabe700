/** Budgets: settings with defaults, refusal before any provider call, usage added once per run. */
import { describe, expect, it } from 'vitest';
import type { AiCallOutcome } from '../../../shared/ai/ai-call';
import { previewAgent } from '../../../shared/ai/ai-preview';
import {
  AI_COST_BUDGET_SETTING,
  AI_TOKEN_BUDGET_SETTING,
  assertWithinBudget,
  DEFAULT_AI_BUDGETS,
  monthOf,
  readBudgets,
  resetOf,
  usageReport,
} from '../../../shared/ai/budgets';
import { AiBudgetExceededError } from '../../../shared/errors';
import { errorResult } from '../../../shared/http/error-response';
import { intentJson, memorySettings, memoryUsage, offlineAnswer, scriptedProvider } from './fakes';

const now = () => new Date('2026-12-04T13:00:00.000Z');
const email = { agent: 'email-intent' as const, input: { subject: 'Hi', body: 'Can we meet on Tuesday?' } };
const noData = {
  contacts: { get: async () => undefined },
  interactions: { timeline: async () => ({ interactions: [] }) },
};

function previewDeps(settings: Record<string, unknown>, provider = scriptedProvider(intentJson)) {
  const usage = memoryUsage();
  const recorded: AiCallOutcome[] = [];
  return {
    usage,
    provider,
    recorded,
    deps: {
      ...noData,
      usage,
      settings: memorySettings(settings),
      now,
      provider,
      metrics: { recorded: (_agent: string, outcome: AiCallOutcome) => recorded.push(outcome) },
    },
  };
}

describe('budget settings', () => {
  it('default when unset, the global value over the default, the workspace’s over both', async () => {
    expect(await readBudgets('ws-1', memorySettings())).toEqual(DEFAULT_AI_BUDGETS);
    const settings = memorySettings({
      [`*|${AI_TOKEN_BUDGET_SETTING}`]: 1000,
      [`ws-1|${AI_TOKEN_BUDGET_SETTING}`]: 500,
      [`*|${AI_COST_BUDGET_SETTING}`]: 2.5,
    });
    expect(await readBudgets('ws-1', settings)).toEqual({ monthlyTokens: 500, monthlyCostUsd: 2.5 });
    expect(await readBudgets('ws-2', settings)).toEqual({ monthlyTokens: 1000, monthlyCostUsd: 2.5 });
  });

  it('ignores a value that is not a number >= 0', async () => {
    const settings = memorySettings({
      [`ws-1|${AI_TOKEN_BUDGET_SETTING}`]: 'lots',
      [`ws-1|${AI_COST_BUDGET_SETTING}`]: -1,
    });
    expect(await readBudgets('ws-1', settings)).toEqual(DEFAULT_AI_BUDGETS);
  });

  it('months are UTC calendar months; the reset is the first day of the next one', () => {
    expect(monthOf(now())).toBe('2026-12');
    expect(resetOf(now()).toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(resetOf(new Date('2026-01-31T23:59:59Z')).toISOString()).toBe('2026-02-01T00:00:00.000Z');
  });
});

describe('assertWithinBudget', () => {
  it('refuses with 429 AI_BUDGET_EXCEEDED, the reset date and the numbers once tokens reach the budget', async () => {
    const usage = memoryUsage();
    await usage.add('ws-1', '2026-12', 'email-intent', { tokensIn: 700, tokensOut: 300, costUsd: 0.01, calls: 3 });
    const settings = memorySettings({ [`ws-1|${AI_TOKEN_BUDGET_SETTING}`]: 1000 });
    const error = await assertWithinBudget('ws-1', { usage, settings, now }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AiBudgetExceededError);
    const result = errorResult(error, 'req-1');
    expect(result.status).toBe(429);
    expect(result.headers?.['retry-after']).toBe(String(27 * 24 * 3600 + 11 * 3600));
    expect(result.body).toMatchObject({
      code: 'AI_BUDGET_EXCEEDED',
      details: {
        month: '2026-12',
        resetsAt: '2027-01-01T00:00:00.000Z',
        tokens: { used: 1000, budget: 1000 },
        costUsd: { used: 0.01, budget: DEFAULT_AI_BUDGETS.monthlyCostUsd },
      },
    });
    // Another workspace's usage is its own.
    await expect(assertWithinBudget('ws-2', { usage, settings, now })).resolves.toMatchObject({ exceeded: false });
  });

  it('refuses on cost too, and a budget of 0 turns AI off', async () => {
    const usage = memoryUsage();
    await usage.add('ws-1', '2026-12', 'email-intent', { tokensIn: 1, tokensOut: 1, costUsd: 5, calls: 1 });
    const costCapped = memorySettings({ [`ws-1|${AI_COST_BUDGET_SETTING}`]: 5 });
    await expect(assertWithinBudget('ws-1', { usage, settings: costCapped, now })).rejects.toThrow(/cost budget/);
    const off = memorySettings({ [`ws-3|${AI_TOKEN_BUDGET_SETTING}`]: 0 });
    await expect(assertWithinBudget('ws-3', { usage, settings: off, now })).rejects.toThrow(/token budget/);
  });
});

describe('previewAgent and usage', () => {
  it('refuses over budget before any provider call, and adds no usage', async () => {
    const { deps, provider, usage } = previewDeps({ [`ws-1|${AI_TOKEN_BUDGET_SETTING}`]: 0 });
    await expect(previewAgent('ws-1', email, deps)).rejects.toBeInstanceOf(AiBudgetExceededError);
    expect(provider.requests).toHaveLength(0);
    expect({ reserves: usage.reserves, adds: usage.adds }).toEqual({ reserves: 0, adds: 0 });
  });

  it('reserves and settles each model call, both attempts of a repair included, per agent and in total', async () => {
    const { deps, usage, recorded } = previewDeps({}, scriptedProvider('not json', intentJson));
    const outcome = await previewAgent('ws-1', email, deps);
    expect(outcome).toMatchObject({ status: 'completed', run: { attempts: 2 } });
    // One reservation before each model call, one settlement as each answer arrives; the run counts one call.
    expect({ reserves: usage.reserves, adds: usage.adds }).toEqual({ reserves: 2, adds: 2 });
    const report = await usageReport('ws-1', deps);
    expect(report.total).toEqual({ tokensIn: 200, tokensOut: 100, costUsd: 0.002, calls: 1, tokens: 300 });
    expect(report.byAgent['email-intent']).toEqual({ tokensIn: 200, tokensOut: 100, costUsd: 0.002, calls: 1 });
    expect(report).toMatchObject({ month: '2026-12', resetsAt: '2027-01-01T00:00:00.000Z', exceeded: false });
    expect(recorded).toHaveLength(1);
  });

  it('counts an offline answer as a call that used nothing', async () => {
    const { deps } = previewDeps({}, scriptedProvider(offlineAnswer));
    expect(await previewAgent('ws-1', email, deps)).toMatchObject({ status: 'offline', run: { offline: true } });
    expect((await usageReport('ws-1', deps)).total).toMatchObject({ tokens: 0, calls: 1 });
  });
});
