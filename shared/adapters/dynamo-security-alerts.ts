/** Security alerts in the `core` table: the edge only appends (PutItem). */
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SecurityAlertSink } from '../security/abuse-alerts';

/** Alerts of a workspace live under it; the others under the `SYSTEM` partition. */
export const alertPk = (workspaceId?: string): string => (workspaceId ? `WS#${workspaceId}` : 'SYSTEM');
export const ALERT_SK_PREFIX = 'ALERT#';

export function dynamoSecurityAlerts(db: DynamoDBDocumentClient, table: string): SecurityAlertSink {
  return {
    async raise(alert) {
      await db.send(
        new PutCommand({
          TableName: table,
          Item: {
            pk: alertPk(alert.workspaceId),
            sk: `${ALERT_SK_PREFIX}${alert.createdAt}#${alert.id}`,
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
