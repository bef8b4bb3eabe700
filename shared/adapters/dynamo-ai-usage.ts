/**
 * AI usage in the `core` table: one item per workspace and UTC month, `WS#<ws>` / `AIUSAGE#<YYYY-MM>`,
 * with flat counters `<scope>.<counter>` (scope `total` or an agent; counters tokensIn, tokensOut,
 * costUsd, calls). One UpdateItem ADDs a call's usage to its agent and the total, atomically: ADD
 * creates a missing attribute at zero, which a nested map would not allow. Kept about 13 months.
 */
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type AiMonthUsage, type AiUsageStore, type AiUsageTotals, ZERO_USAGE } from '../ai/budgets';
import { AI_AGENTS, type AiAgent } from '../ai/ports';
import { epochSeconds, getItem, type Item } from './dynamo/item';
import { aiUsageSk, workspacePk } from './keys';

const COUNTERS = ['tokensIn', 'tokensOut', 'costUsd', 'calls'] as const;
const KEEP_MS = 400 * 24 * 3600_000;

const totalsOf = (item: Item, scope: string): AiUsageTotals | undefined => {
  if (!COUNTERS.some((c) => item[`${scope}.${c}`] !== undefined)) return undefined;
  const read = (c: (typeof COUNTERS)[number]) => Number(item[`${scope}.${c}`] ?? 0);
  return { tokensIn: read('tokensIn'), tokensOut: read('tokensOut'), costUsd: read('costUsd'), calls: read('calls') };
};

export function dynamoAiUsage(db: DynamoDBDocumentClient, table: string): AiUsageStore {
  const keyOf = (workspaceId: string, month: string) => ({ pk: workspacePk(workspaceId), sk: aiUsageSk(month) });
  return {
    async read(workspaceId, month): Promise<AiMonthUsage> {
      // Consistent: a budget check must see the usage a call just added.
      const item = await getItem(db, table, keyOf(workspaceId, month), { consistent: true });
      if (!item) return { month, total: ZERO_USAGE, byAgent: {} };
      const byAgent: Partial<Record<AiAgent, AiUsageTotals>> = {};
      for (const agent of AI_AGENTS) {
        const totals = totalsOf(item, agent);
        if (totals) byAgent[agent] = totals;
      }
      return { month, total: totalsOf(item, 'total') ?? ZERO_USAGE, byAgent };
    },

    async add(workspaceId, month, agent, delta) {
      const names: Record<string, string> = { '#type': 'type', '#expires': 'expiresAt' };
      const values: Record<string, unknown> = {
        ':type': 'aiUsage',
        ':expires': epochSeconds(new Date(Date.parse(`${month}-01T00:00:00Z`) + KEEP_MS)),
      };
      const adds: string[] = [];
      for (const [i, scope] of ['total', agent].entries()) {
        for (const counter of COUNTERS) {
          names[`#${counter}${i}`] = `${scope}.${counter}`;
          values[`:${counter}`] = delta[counter];
          adds.push(`#${counter}${i} :${counter}`);
        }
      }
      await db.send(
        new UpdateCommand({
          TableName: table,
          Key: keyOf(workspaceId, month),
          UpdateExpression: `SET #type = :type, #expires = if_not_exists(#expires, :expires) ADD ${adds.join(', ')}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    },
  };
}
