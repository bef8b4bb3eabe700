/** Keys and small helpers shared by the DynamoDB scoring adapters. */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { workspacePk } from '../../adapters/keys';
import { SCORING_RULES_SK } from '../keys';
import { DEFAULT_SCORING_RULES, scoringRulesSchema, type VersionedRules } from './rules';

type Db = DynamoDBDocumentClient;

export const RULES_TTL_MS = 60_000;
export const scoredSk = (interactionId: string): string => `SCORED#${interactionId}`;
export const jobSk = (jobId: string): string => `SCOREJOB#${jobId}`;
export const jobPageSk = (jobId: string, page: number): string => `SCOREJOB#${jobId}#PAGE#${page}`;
export const strip = ({ pk: _pk, sk: _sk, type: _t, ...rest }: Record<string, unknown>) => rest;

export const conditionFailed = (error: unknown, index: number): boolean =>
  error instanceof TransactionCanceledException &&
  error.CancellationReasons?.[index]?.Code === 'ConditionalCheckFailed';

/** The workspace's rules with their version; the defaults (version 0) until rules are saved. */
export async function readRulesItem(db: Db, table: string, workspaceId: string): Promise<VersionedRules> {
  const out = await db.send(
    new GetCommand({
      TableName: table,
      Key: { pk: workspacePk(workspaceId), sk: SCORING_RULES_SK },
      ConsistentRead: true,
    }),
  );
  if (!out.Item) return { version: 0, rules: DEFAULT_SCORING_RULES };
  const item = out.Item;
  return {
    version: Number(item.version),
    rules: scoringRulesSchema.parse(item.rules),
    ...(item.updatedAt ? { updatedAt: String(item.updatedAt) } : {}),
    ...(item.updatedBy ? { updatedBy: String(item.updatedBy) } : {}),
    ...(item.recomputeJobId ? { recomputeJobId: String(item.recomputeJobId) } : {}),
  };
}
