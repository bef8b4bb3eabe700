/** Trusted devices in the `core` table, under their user (`USER#<id>` / `DEVICE#<fingerprint>`). */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DeviceStore, TrustedDevice } from '../identity/accounts/ports';
import { deviceSk, userPk } from '../identity/keys';

const DEVICE_PREFIX = deviceSk('');

/** The trusted-device store over the `core` table. */
export function dynamoDevices(db: DynamoDBDocumentClient, table: string): DeviceStore {
  return {
    async recordSeen({ userId, deviceId, userAgent, ip, at }) {
      // One atomic upsert: the old image tells whether the device existed, so two concurrent
      // log-ins from a new device raise one alert, not two.
      const out = await db.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: userPk(userId), sk: deviceSk(deviceId) },
          UpdateExpression:
            'SET #type = :type, deviceId = :id, userId = :user, userAgent = :ua, lastIp = :ip, lastSeenAt = :at, firstSeenAt = if_not_exists(firstSeenAt, :at)',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: {
            ':type': 'device',
            ':id': deviceId,
            ':user': userId,
            ':ua': userAgent,
            ':ip': ip,
            ':at': at.toISOString(),
          },
          ReturnValues: 'UPDATED_OLD',
        }),
      );
      return { isNew: out.Attributes?.firstSeenAt === undefined };
    },

    async list(userId) {
      const devices: TrustedDevice[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const out = await db.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': userPk(userId), ':prefix': DEVICE_PREFIX },
            ExclusiveStartKey: start,
          }),
        );
        for (const item of out.Items ?? []) {
          devices.push({
            deviceId: String(item.deviceId),
            userId: String(item.userId),
            userAgent: String(item.userAgent),
            firstSeenAt: String(item.firstSeenAt),
            lastSeenAt: String(item.lastSeenAt),
            lastIp: String(item.lastIp),
          });
        }
        start = out.LastEvaluatedKey;
      } while (start);
      return devices.sort((a, b) => b.lastSeenAt.localeCompare(a.lastSeenAt));
    },

    async forget(userId, deviceId) {
      try {
        await db.send(
          new DeleteCommand({
            TableName: table,
            Key: { pk: userPk(userId), sk: deviceSk(deviceId) },
            ConditionExpression: 'attribute_exists(pk)',
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
