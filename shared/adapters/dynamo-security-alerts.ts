/** Security alerts in the `core` table: the edge only appends (PutItem). */
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SecurityAlertSink } from '../security/abuse-alerts';
import { alertPk, alertSk } from './keys';

export function dynamoSecurityAlerts(db: DynamoDBDocumentClient, table: string): SecurityAlertSink {
  return {
    async raise(alert) {
      await db.send(
        new PutCommand({
          TableName: table,
          Item: {
            pk: alertPk(alert.workspaceId),
            sk: alertSk(alert.createdAt, alert.id),
            type: 'security-alert',
            ...alert,
            resolved: false,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },
  };
}
