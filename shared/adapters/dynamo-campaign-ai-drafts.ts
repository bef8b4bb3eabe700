/**
 * AI copy drafts of campaign email nodes in `core`: `WS#<ws>` /
 * `CAMPAIGNAIDRAFT#<campaign>#<node>#<draftId>`, the draft as one JSON string (read whole, never
 * queried into) and its approval as another, set once a person approves it.
 */
import { type DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AiCopyDraft, AiCopyDraftStore } from '../campaigns/ai-copy';
import { getItem, type Item } from './dynamo/item';
import { prefixQuery, withinAnswer } from './dynamo/query';
import { campaignAiDraftPrefix, campaignAiDraftSk, workspacePk } from './keys';

const draftOf = (item: Item): AiCopyDraft => ({
  ...(JSON.parse(String(item.draftJson)) as AiCopyDraft),
  ...(typeof item.approvedJson === 'string' ? { approved: JSON.parse(item.approvedJson) } : {}),
});

export function dynamoCampaignAiDrafts(db: DynamoDBDocumentClient, table: string): AiCopyDraftStore {
  const key = (workspaceId: string, campaignId: string, nodeId: string, draftId: string) => ({
    pk: workspacePk(workspaceId),
    sk: campaignAiDraftSk(campaignId, nodeId, draftId),
  });
  return {
    async put(draft) {
      const { approved: _a, ...rest } = draft;
      await db.send(
        new PutCommand({
          TableName: table,
          Item: {
            ...key(draft.workspaceId, draft.campaignId, draft.nodeId, draft.draftId),
            type: 'campaign-ai-draft',
            draftJson: JSON.stringify(rest),
          },
        }),
      );
    },
    async get(workspaceId, campaignId, nodeId, draftId) {
      const item = await getItem(db, table, key(workspaceId, campaignId, nodeId, draftId), { consistent: true });
      return item ? draftOf(item) : undefined;
    },
    async list(workspaceId, campaignId, nodeId, limit) {
      const out = await db.send(
        new QueryCommand({
          ...prefixQuery(table, workspacePk(workspaceId), campaignAiDraftPrefix(campaignId, nodeId)),
          ScanIndexForward: false,
          Limit: limit,
          ConsistentRead: true,
        }),
      );
      // The newest that fit in a function's answer (a Query reads up to 1 MB: up to 7 MB of HTML as sent).
      return withinAnswer((out.Items ?? []).map(draftOf)).items;
    },
    async setApproved(draft, approval) {
      await db.send(
        new UpdateCommand({
          TableName: table,
          Key: key(draft.workspaceId, draft.campaignId, draft.nodeId, draft.draftId),
          UpdateExpression: 'SET approvedJson = :approved',
          ExpressionAttributeValues: { ':approved': JSON.stringify(approval) },
        }),
      );
    },
  };
}
