/**
 * The outbox of campaign status changes, on the campaign record in the core table: the follow-up a
 * resume or an archive leaves pending in its own write (dynamo-campaigns.ts `replace`'s
 * `followUp`), listed by the sparse gsi2 partition {@link FOLLOW_UPS_PK}. Apart from
 * dynamo-campaigns.ts so the campaign sweeper, which reads it, bundles nothing else of campaigns.
 */
import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CampaignFollowUps, PendingFollowUp } from '../campaigns/resume-and-sweep';
import { conditionally } from './dynamo/conditions';
import { getItem, type Item } from './dynamo/item';
import { campaignSk, workspacePk } from './keys';

/** The gsi2 partition of campaigns with a pending follow-up, by the time of the change that left it. */
export const FOLLOW_UPS_PK = 'FOLLOWUP#campaign';
export const followUpSk = (at: string, workspaceId: string, campaignId: string): string =>
  `${at}#${workspaceId}#${campaignId}`;

const pendingFollowUpOf = (item: Item): PendingFollowUp | undefined =>
  item.followUp === 'resume-page' && typeof item.followUpRevision === 'number'
    ? {
        workspaceId: String(item.workspaceId),
        campaignId: String(item.campaignId),
        kind: item.followUp,
        revision: item.followUpRevision,
      }
    : undefined;

/**
 * The outbox (resume-and-sweep.ts `CampaignFollowUps`): a campaign's pending follow-up, the pending
 * ones by the time of their change, and its removal once sent, only while it is still the one of
 * that change's revision.
 */
export function dynamoCampaignFollowUps(db: DynamoDBDocumentClient, table: string): CampaignFollowUps {
  return {
    async of(workspaceId, campaignId) {
      const item = await getItem(
        db,
        table,
        { pk: workspacePk(workspaceId), sk: campaignSk(campaignId) },
        { consistent: true, projection: 'workspaceId, campaignId, followUp, followUpRevision' },
      );
      return item ? pendingFollowUpOf(item) : undefined;
    },
    async pending(before, limit) {
      const out = await db.send(
        new QueryCommand({
          TableName: table,
          IndexName: 'gsi2',
          KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk <= :before',
          ExpressionAttributeValues: { ':pk': FOLLOW_UPS_PK, ':before': `${before.toISOString()}~` },
          Limit: limit,
        }),
      );
      return (out.Items ?? []).flatMap((item) => pendingFollowUpOf(item) ?? []);
    },
    async sent(followUp) {
      // A failed condition: a later change left its own follow-up (or this one was removed already).
      await conditionally(
        db.send(
          new UpdateCommand({
            TableName: table,
            Key: { pk: workspacePk(followUp.workspaceId), sk: campaignSk(followUp.campaignId) },
            UpdateExpression: 'REMOVE followUp, followUpRevision, gsi2pk, gsi2sk',
            ConditionExpression: 'followUpRevision = :revision',
            ExpressionAttributeValues: { ':revision': followUp.revision },
          }),
        ),
      );
    },
  };
}
