/**
 * A campaign's last automatic promotion refused for the record's size (promotion.ts
 * `PromotionRefusals`): one item per campaign, `WS#<ws>` / `CAMPAIGNPROMOREFUSED#<campaign>`, a
 * plain Put that replaces the one before (a repeat, the SDK's retry of a Put whose answer was lost
 * included, writes the same), read strongly consistent by the engine and the stats route.
 */
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { PromotionRefusals } from '../campaigns/promotion';
import { getItem } from './dynamo/item';
import { promotionRefusalSk, workspacePk } from './keys';

export function dynamoPromotionRefusals(db: DynamoDBDocumentClient, table: string): PromotionRefusals {
  return {
    async of(workspaceId, campaignId) {
      const item = await getItem(
        db,
        table,
        { pk: workspacePk(workspaceId), sk: promotionRefusalSk(campaignId) },
        { consistent: true },
      );
      if (!item) return undefined;
      return {
        workspaceId,
        campaignId,
        revision: Number(item.revision),
        versions: Array.isArray(item.versions) ? item.versions.filter((v): v is number => typeof v === 'number') : [],
        nodes: Array.isArray(item.nodes) ? item.nodes.filter((n): n is string => typeof n === 'string') : [],
        code: String(item.code),
        reason: String(item.reason),
        at: String(item.at),
      };
    },
    async record(refusal) {
      const { workspaceId, campaignId, ...rest } = refusal;
      await db.send(
        new PutCommand({
          TableName: table,
          Item: {
            pk: workspacePk(workspaceId),
            sk: promotionRefusalSk(campaignId),
            type: 'campaign-promotion-refusal',
            campaignId,
            ...rest,
            versions: [...rest.versions],
            nodes: [...rest.nodes],
          },
        }),
      );
    },
  };
}
