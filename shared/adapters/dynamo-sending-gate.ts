/**
 * The marketing sending gate (`SendingGate`): one core item per workspace, `WS#<id>` /
 * `EMAIL_SENDING`, holding why sending is paused. Auto-pause (reputation) and a person's resume
 * write it; every marketing send reads it.
 */
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SendingGate } from '../email/ports';
import { getItem } from './dynamo/item';
import { EMAIL_SENDING_SK, workspacePk } from './keys';

export interface SendingGateWriter {
  pause(workspaceId: string, reason: string, atMs: number): Promise<void>;
  resume(workspaceId: string): Promise<void>;
}

export function dynamoSendingGate(db: DynamoDBDocumentClient, table: string): SendingGate & SendingGateWriter {
  const key = (workspaceId: string) => ({ pk: workspacePk(workspaceId), sk: EMAIL_SENDING_SK });
  return {
    async pausedReason(workspaceId) {
      const item = await getItem(db, table, key(workspaceId), { projection: 'pausedReason' });
      return typeof item?.pausedReason === 'string' ? item.pausedReason : undefined;
    },
    async pause(workspaceId, reason, atMs) {
      await db.send(
        new PutCommand({
          TableName: table,
          Item: { ...key(workspaceId), pausedReason: reason.slice(0, 500), pausedAtMs: atMs },
        }),
      );
    },
    async resume(workspaceId) {
      await db.send(new DeleteCommand({ TableName: table, Key: key(workspaceId) }));
    },
  };
}
