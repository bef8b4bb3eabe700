// Review round 25 (a): this test fails at 679faf6.
/**
 * The AI budget's usage counters are plain `ADD`s (shared/adapters/dynamo-ai-usage.ts: `add` and
 * the conditional `reserve`), with no mark of their own. When DynamoDB applies one and its answer
 * is lost (a 500, a reset, a timeout), the functions' SDK retries it and it is applied again: one
 * model call's reservation (its worst case) or its settlement is counted twice on the workspace's
 * month. The reservation is then never fully given back (the phantom estimate stays until the month
 * resets and eats the budget), a settlement retried counts the call's tokens, cost and `calls` twice,
 * and where the budget has room for one call only, the retried reservation is refused by its own
 * first write: the call fails `budget-exceeded` while the month keeps the estimate it never used.
 * The same class (a retried non-idempotent write) as round 24's pacer and rate-limit counters.
 * Severity MEDIUM (a workspace's monthly AI budget drifts upward on every lost answer: AI refused
 * early, usage shown wrong). Reached by any queued or preview AI call whose usage write's answer is
 * lost (a throttling 500 or a connection reset on the usage item).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dynamoAiUsage } from '../../shared/adapters/dynamo-ai-usage';
import { type BudgetDeps, estimateOf, meteredProvider, monthOf } from '../../shared/ai/budgets';
import type { AiRequest } from '../../shared/ai/ports';
import { type DynamoHarness, dynamoForFile } from '../support/dynamo-emulator';
import { losingFirstAnswer } from '../support/lost-answer';
import { memorySettings, scriptedProvider } from '../unit/ai/fakes';

let dynamo: DynamoHarness;
dynamoForFile('r25aus-', (h) => {
  dynamo = h;
});

const NOW = new Date('2026-12-04T13:00:00.000Z');
const MONTH = monthOf(NOW);
const ws = () => `ws-${randomUUID().slice(0, 8)}`;

const request: AiRequest = {
  agent: 'email-intent',
  system: 'Classify the email.',
  input: 'Hello, can we book a demo next week?',
  schema: { name: 'intent', jsonSchema: { type: 'object' } },
  maxOutputTokens: 1000,
};
const estimate = estimateOf(request, undefined);
// The fake provider's answer: 100 in, 50 out, 0.001 USD.
const ANSWERED = { tokensIn: 100, tokensOut: 50, costUsd: 0.001, calls: 1 };

function depsOver(db: BudgetDeps['usage'], settings = memorySettings()): BudgetDeps {
  return { usage: db, settings, now: () => NOW };
}
const isReservation = (input: Record<string, unknown>) => input.ConditionExpression !== undefined;
const isSettlement = (input: Record<string, unknown>) => input.ConditionExpression === undefined;

describe('AI usage after a lost answer (r25a)', () => {
  it('reserves a model call once when the reservation is applied and its answer lost', async () => {
    const workspaceId = ws();
    const lossy = losingFirstAnswer(dynamo.emulators.dynamodb.endpoint, 'UpdateItemCommand', isReservation);
    const usage = dynamoAiUsage(lossy.db, dynamo.table('core'));
    const provider = meteredProvider(workspaceId, 'email-intent', scriptedProvider('{}'), depsOver(usage));

    await provider.answer(request);

    expect(lossy.lost()).toBe(1);
    // One call, its answer's usage: not the answer plus a second copy of its reservation.
    expect((await dynamoAiUsage(dynamo.db, dynamo.table('core')).read(workspaceId, MONTH)).total).toEqual(ANSWERED);
  });

  it('counts a call once when its settlement is applied and its answer lost', async () => {
    const workspaceId = ws();
    const lossy = losingFirstAnswer(dynamo.emulators.dynamodb.endpoint, 'UpdateItemCommand', isSettlement);
    const usage = dynamoAiUsage(lossy.db, dynamo.table('core'));
    const provider = meteredProvider(workspaceId, 'email-intent', scriptedProvider('{}'), depsOver(usage));

    await provider.answer(request);

    expect(lossy.lost()).toBe(1);
    expect((await dynamoAiUsage(dynamo.db, dynamo.table('core')).read(workspaceId, MONTH)).total).toEqual(ANSWERED);
  });

  it('runs a call that fits the budget when its reservation answer is lost, not refused by itself', async () => {
    const workspaceId = ws();
    // Room for one call's worst case, not two.
    const budget = estimate.tokensIn + estimate.tokensOut + 10;
    const settings = memorySettings({ [`${workspaceId}|ai.monthly_token_budget`]: budget });
    const lossy = losingFirstAnswer(dynamo.emulators.dynamodb.endpoint, 'UpdateItemCommand', isReservation);
    const usage = dynamoAiUsage(lossy.db, dynamo.table('core'));
    const provider = meteredProvider(workspaceId, 'email-intent', scriptedProvider('{}'), depsOver(usage, settings));

    const answered = await provider.answer(request).then(
      () => 'answered',
      (error: Error) => error.name,
    );

    expect(lossy.lost()).toBe(1);
    expect(answered).toBe('answered');
    expect((await dynamoAiUsage(dynamo.db, dynamo.table('core')).read(workspaceId, MONTH)).total).toEqual(ANSWERED);
  });
});
