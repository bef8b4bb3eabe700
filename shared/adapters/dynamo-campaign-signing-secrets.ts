/**
 * Campaign webhook signing secrets in the `core` table: `WS#<ws>` / `CAMPAIGNSIGNING#<campaign>`
 * `{secret, rotatedAt}`. Read consistently: a rotation signs the very next webhook.
 */
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { CampaignSigningSecrets } from '../campaigns/signing-secret';
import { conditionally } from './dynamo/conditions';
import { getItem } from './dynamo/item';
import { campaignSigningSk, workspacePk } from './keys';

export function dynamoCampaignSigningSecrets(db: DynamoDBDocumentClient, table: string): CampaignSigningSecrets {
  return {
    async get(workspaceId, campaignId) {
      const key = { pk: workspacePk(workspaceId), sk: campaignSigningSk(campaignId) };
      const item = await getItem(db, table, key, { consistent: true });
      return typeof item?.secret === 'string' ? item.secret : undefined;
    },
    put(workspaceId, campaignId, secret, at, onlyIfAbsent) {
      const Item = {
        pk: workspacePk(workspaceId),
        sk: campaignSigningSk(campaignId),
        type: 'campaign-signing-secret',
        campaignId,
        secret,
        rotatedAt: at,
      };
      return conditionally(
        db.send(
          new PutCommand({
            TableName: table,
            Item,
            ...(onlyIfAbsent ? { ConditionExpression: 'attribute_not_exists(pk)' } : {}),
          }),
        ),
      );
    },
  };
}
