/** DynamoDB adapters of the campaign ports, over the DocumentClient. */
import { type DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AudienceSource, CampaignSchedule, DueCampaign, Enrolment, EnrolmentStore } from '../campaigns/ports';
import { conditionally } from './dynamo/conditions';
import { prefixRange } from './dynamo/cursor';
import { pagedQuery, prefixQuery } from './dynamo/query';
import { CONTACT_PREFIX, campaignSk, DUE_CAMPAIGNS_PK, dueCampaignSk, enrolmentSk, workspacePk } from './keys';

/** The whole workspace's contacts are the audience until segments exist. */
export function dynamoAudience(db: DynamoDBDocumentClient, table: string): AudienceSource {
  return {
    async page(workspaceId, _campaignId, pageSize, cursor) {
      const pk = workspacePk(workspaceId);
      const page = await pagedQuery(
        db,
        { ...prefixQuery(table, pk, CONTACT_PREFIX), ProjectionExpression: 'sk' },
        { limit: pageSize, cursor, shape: { equals: { pk }, within: { sk: prefixRange(CONTACT_PREFIX) } } },
      );
      const contactIds = page.items.map((item) => String(item.sk).slice(CONTACT_PREFIX.length));
      return page.cursor ? { contactIds, cursor: page.cursor } : { contactIds };
    },
  };
}

export function dynamoEnrolments(db: DynamoDBDocumentClient, table: string): EnrolmentStore {
  return {
    createIfAbsent(e: Enrolment) {
      return conditionally(
        db.send(
          new PutCommand({
            TableName: table,
            Item: {
              pk: workspacePk(e.workspaceId),
              sk: enrolmentSk(e.campaignId, e.contactId),
              type: 'enrolment',
              ...e,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    },
  };
}

export function dynamoCampaignSchedule(db: DynamoDBDocumentClient, table: string): CampaignSchedule {
  return {
    async due(now, limit) {
      const out = await db.send(
        new QueryCommand({
          TableName: table,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk <= :now',
          ExpressionAttributeValues: { ':pk': DUE_CAMPAIGNS_PK, ':now': `${now.toISOString()}~` },
          Limit: limit,
        }),
      );
      return (out.Items ?? []).map(
        (item): DueCampaign => ({
          workspaceId: String(item.workspaceId),
          campaignId: String(item.campaignId),
          dueAt: String(item.nextRunAt),
        }),
      );
    },
    async markLaunched(c) {
      // A failed condition: rescheduled meanwhile, so the new slot stands and will fire on its own.
      await conditionally(
        db.send(
          new UpdateCommand({
            TableName: table,
            Key: { pk: workspacePk(c.workspaceId), sk: campaignSk(c.campaignId) },
            UpdateExpression: 'REMOVE gsi1pk, gsi1sk, nextRunAt SET lastLaunchedAt = :due',
            ConditionExpression: 'gsi1sk = :slot',
            ExpressionAttributeValues: {
              ':slot': dueCampaignSk(c.dueAt, c.workspaceId, c.campaignId),
              ':due': c.dueAt,
            },
          }),
        ),
      );
    },
  };
}
