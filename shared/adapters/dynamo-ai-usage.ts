/**
 * AI usage in the `core` table: one item per workspace and UTC month, `WS#<ws>` / `AIUSAGE#<YYYY-MM>`,
 * with flat counters `<scope>.<counter>` (scope `total` or an agent; counters tokensIn, tokensOut,
 * costUsd, calls) and `total.tokens` (in + out, the one a budget condition can compare: condition
 * expressions cannot add). One UpdateItem ADDs a call's usage to its agent and the total,
 * atomically: ADD creates a missing attribute at zero, which a nested map would not allow. A
 * reservation is the same ADD with a condition that the total stays within the budgets. Kept
 * about 13 months.
 *
 * Both ADDs are sent at most once (add-at-most-once.ts): the SDK's retry of an ADD DynamoDB applied
 * but whose answer was lost would count a call's usage twice (the usage shown doubled, the month's
 * budget spent twice, later calls refused early). An answer lost leaves the ADD unknown: logged,
 * an undercount at worst; a reservation left unknown lets its call run.
 */
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type AiMonthUsage, type AiUsageStore, type AiUsageTotals, ZERO_USAGE } from '../ai/budgets';
import { AI_AGENTS, type AiAgent } from '../ai/ports';
import { addAtMostOnce } from './dynamo/add-at-most-once';
import { isConditionFailure } from './dynamo/conditions';
import { epochSeconds, getItem, type Item } from './dynamo/item';
import { aiUsageSk, workspacePk } from './keys';

const COUNTERS = ['tokensIn', 'tokensOut', 'costUsd', 'calls'] as const;
const KEEP_MS = 400 * 24 * 3600_000;
const TOTAL_TOKENS = 'total.tokens';

const totalsOf = (item: Item, scope: string): AiUsageTotals | undefined => {
  if (!COUNTERS.some((c) => item[`${scope}.${c}`] !== undefined)) return undefined;
  const read = (c: (typeof COUNTERS)[number]) => Number(item[`${scope}.${c}`] ?? 0);
  return { tokensIn: read('tokensIn'), tokensOut: read('tokensOut'), costUsd: read('costUsd'), calls: read('calls') };
};

const usageOf = (month: string, item: Item | undefined): AiMonthUsage => {
  if (!item) return { month, total: ZERO_USAGE, byAgent: {} };
  const byAgent: Partial<Record<AiAgent, AiUsageTotals>> = {};
  for (const agent of AI_AGENTS) {
    const totals = totalsOf(item, agent);
    if (totals) byAgent[agent] = totals;
  }
  return { month, total: totalsOf(item, 'total') ?? ZERO_USAGE, byAgent };
};

/** The ADD of `delta` to the total and the agent's counters (and `total.tokens`). */
function addition(month: string, agent: AiAgent, delta: AiUsageTotals) {
  const names: Record<string, string> = { '#type': 'type', '#expires': 'expiresAt', '#tokens': TOTAL_TOKENS };
  const values: Record<string, unknown> = {
    ':type': 'aiUsage',
    ':expires': epochSeconds(new Date(Date.parse(`${month}-01T00:00:00Z`) + KEEP_MS)),
    ':tokens': delta.tokensIn + delta.tokensOut,
  };
  const adds: string[] = ['#tokens :tokens'];
  for (const [i, scope] of ['total', agent].entries()) {
    for (const counter of COUNTERS) {
      names[`#${counter}${i}`] = `${scope}.${counter}`;
      values[`:${counter}`] = delta[counter];
      adds.push(`#${counter}${i} :${counter}`);
    }
  }
  return {
    UpdateExpression: `SET #type = :type, #expires = if_not_exists(#expires, :expires) ADD ${adds.join(', ')}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

export function dynamoAiUsage(db: DynamoDBDocumentClient, table: string): AiUsageStore {
  const keyOf = (workspaceId: string, month: string) => ({ pk: workspacePk(workspaceId), sk: aiUsageSk(month) });
  // Consistent: a budget check must see the usage a call just added.
  const readItem = (workspaceId: string, month: string) =>
    getItem(db, table, keyOf(workspaceId, month), { consistent: true });

  return {
    async read(workspaceId, month): Promise<AiMonthUsage> {
      return usageOf(month, await readItem(workspaceId, month));
    },

    async add(workspaceId, month, agent, delta) {
      await addAtMostOnce(db, { TableName: table, Key: keyOf(workspaceId, month), ...addition(month, agent, delta) });
    },

    async reserve(workspaceId, month, agent, estimate, budgets) {
      const maxTokens = budgets.monthlyTokens - estimate.tokensIn - estimate.tokensOut;
      const maxCost = budgets.monthlyCostUsd - estimate.costUsd;
      if (maxTokens < 0 || maxCost < 0)
        return { reserved: false, usage: usageOf(month, await readItem(workspaceId, month)) };
      const update = addition(month, agent, estimate);
      // The cost must stay within the budget; a call reserving no cost (no prices) must find some left.
      const costCheck = estimate.costUsd > 0 ? '#costUsd0 <= :maxCost' : '#costUsd0 < :maxCost';
      const reserve = () =>
        addAtMostOnce(db, {
          TableName: table,
          Key: keyOf(workspaceId, month),
          ...update,
          // A month's first item has neither counter; one with counters but no `total.tokens`
          // predates it and is refused here until backfilled below.
          ConditionExpression:
            '((attribute_not_exists(#tokens) AND attribute_not_exists(#tokensIn0)) OR #tokens <= :maxTokens) ' +
            `AND (attribute_not_exists(#costUsd0) OR ${costCheck})`,
          ExpressionAttributeValues: {
            ...update.ExpressionAttributeValues,
            ':maxTokens': maxTokens,
            ':maxCost': maxCost,
          },
        });
      for (let attempt = 0; ; attempt++) {
        try {
          await reserve();
          return { reserved: true };
        } catch (error) {
          if (!isConditionFailure(error)) throw error;
        }
        const item = await readItem(workspaceId, month);
        if (attempt > 0 || !item || item[TOTAL_TOKENS] !== undefined || item['total.tokensIn'] === undefined) {
          return { reserved: false, usage: usageOf(month, item) };
        }
        await backfillTokens(db, table, keyOf(workspaceId, month));
      }
    },
  };
}

/** `total.tokens` for a month's item written before it existed: in + out, once. */
async function backfillTokens(db: DynamoDBDocumentClient, table: string, key: Item): Promise<void> {
  try {
    await db.send(
      new UpdateCommand({
        TableName: table,
        Key: key,
        UpdateExpression: 'SET #tokens = #in + #out',
        ConditionExpression: 'attribute_not_exists(#tokens) AND attribute_exists(#in) AND attribute_exists(#out)',
        ExpressionAttributeNames: { '#tokens': TOTAL_TOKENS, '#in': 'total.tokensIn', '#out': 'total.tokensOut' },
      }),
    );
  } catch (error) {
    // Another reservation backfilled it first.
    if (!isConditionFailure(error)) throw error;
  }
}
