/** Security alerts in the `core` table: the edge only appends (PutItem). */
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SecurityAlert, SecurityAlertSink } from '../security/abuse-alerts';
import { alertPk, alertSk } from './keys';

/** The stored item of an alert (also written inside transactions, e.g. with a reputation pause). */
export const securityAlertItem = (alert: SecurityAlert): Record<string, unknown> => ({
  pk: alertPk(alert.workspaceId),
  sk: alertSk(alert.createdAt, alert.id),
  type: 'security-alert',
  ...alert,
  resolved: false,
});

export function dynamoSecurityAlerts(db: DynamoDBDocumentClient, table: string): SecurityAlertSink {
  return {
    async raise(alert) {
      await db.send(
        new PutCommand({
          TableName: table,
          Item: securityAlertItem(alert),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },
  };
}
