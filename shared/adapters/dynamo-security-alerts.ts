/** Security alerts in the `core` table: the edge only appends (PutItem). */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SecurityAlert, SecurityAlertSink } from '../security/abuse-alerts';
import { writeOwn } from './dynamo/own-write';
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
      // Marked by its id (own-write.ts): a put the SDK retried after it landed (its answer lost) is
      // refused by this alert itself: raised, not an error.
      const put = await writeOwn(
        db,
        { Put: { TableName: table, Item: securityAlertItem(alert), ConditionExpression: 'attribute_not_exists(pk)' } },
        (item) => item.id === alert.id && item.alertType === alert.alertType,
      );
      if (!put.written) throw new Error(`A security alert already holds the key of alert ${alert.id}`);
    },
  };
}
