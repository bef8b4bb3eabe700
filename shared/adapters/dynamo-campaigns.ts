/** DynamoDB adapters of the campaign ports, over the DocumentClient. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AudienceSource, CampaignSchedule, DueCampaign, Enrolment, EnrolmentStore } from '../campaigns/ports';
import {
  CONTACT_PREFIX,
  campaignSk,
  DUE_CAMPAIGNS_PK,
  decodeCursor,
  dueCampaignSk,
  encodeCursor,
  enrolmentSk,
  workspacePk,
} from './keys';

/** The whole workspace's contacts are the audience until segments exist. */
export function dynamoAudience(db: DynamoDBDocumentClient, table: string): AudienceSource {
  return {
    async page(workspaceId, _campaignId, pageSize, cursor) {
      const out = await db.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': workspacePk(workspaceId), ':prefix': CONTACT_PREFIX },
          ProjectionExpression: 'sk',
          Limit: pageSize,
          ExclusiveStartKey: decodeCursor(cursor),
        }),
      );
      const contactIds = (out.Items ?? []).map((item) => String(item.sk).slice(CONTACT_PREFIX.length));
      const next = encodeCursor(out.LastEvaluatedKey);
      return next ? { contactIds, cursor: next } : { contactIds };
    },
  };
}

export function dynamoEnrolments(db: DynamoDBDocumentClient, table: string): EnrolmentStore {
  return {
    async createIfAbsent(e: Enrolment) {
      try {
        await db.send(
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
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
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
      try {
        await db.send(
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
        );
      } catch (error) {
        // Rescheduled meanwhile: the new slot stands and will fire on its own.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },
  };
}
