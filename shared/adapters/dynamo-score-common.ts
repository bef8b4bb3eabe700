/** What the DynamoDB scoring adapters share: the rules item and the item-to-model step. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_SCORING_RULES, scoringRulesSchema, type VersionedRules } from '../crm/scoring/rules';
import { getItem } from './dynamo/item';
import { SCORING_RULES_SK, workspacePk } from './keys';

export const RULES_TTL_MS = 60_000;

/** An item's attributes without its keys and record kind. */
export const strip = ({ pk: _pk, sk: _sk, type: _t, ...rest }: Record<string, unknown>) => rest;

/** The workspace's rules with their version; the defaults (version 0) until rules are saved. */
export async function readRulesItem(
  db: DynamoDBDocumentClient,
  table: string,
  workspaceId: string,
): Promise<VersionedRules> {
  const item = await getItem(db, table, { pk: workspacePk(workspaceId), sk: SCORING_RULES_SK }, { consistent: true });
  if (!item) return { version: 0, rules: DEFAULT_SCORING_RULES };
  return {
    version: Number(item.version),
    rules: scoringRulesSchema.parse(item.rules),
    ...(item.updatedAt ? { updatedAt: String(item.updatedAt) } : {}),
    ...(item.updatedBy ? { updatedBy: String(item.updatedBy) } : {}),
    ...(item.recomputeJobId ? { recomputeJobId: String(item.recomputeJobId) } : {}),
  };
}
