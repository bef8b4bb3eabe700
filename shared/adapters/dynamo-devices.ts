/** Trusted devices in the `core` table, under their user (`USER#<id>` / `DEVICE#<fingerprint>`). */
import { DeleteCommand, type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DeviceStore, TrustedDevice } from '../identity/accounts/ports';
import { ownToken, writeOwn } from './dynamo/own-write';
import { prefixQuery, queryAll } from './dynamo/query';
import { deviceSk, userPk } from './keys';

const DEVICE_PREFIX = deviceSk('');
/** How old another forget's mark must be to be taken over: that forget ended before its delete. */
const FORGET_STALE_MS = 60_000;

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
      const items = await queryAll(db, prefixQuery(table, userPk(userId), DEVICE_PREFIX));
      const devices = items.map(
        (item): TrustedDevice => ({
          deviceId: String(item.deviceId),
          userId: String(item.userId),
          userAgent: String(item.userAgent),
          firstSeenAt: String(item.firstSeenAt),
          lastSeenAt: String(item.lastSeenAt),
          lastIp: String(item.lastIp),
        }),
      );
      return devices.sort((a, b) => b.lastSeenAt.localeCompare(a.lastSeenAt));
    },

    async forget(userId, deviceId) {
      // Marked first (`forgetMark`, a token of its own), then deleted: a Delete the SDK retried
      // after DynamoDB applied it (its answer lost) found no device, and the forget answered 404
      // and went unaudited. A mark left by a forget that ended before its delete is taken over
      // once stale: that device is still forgotten, once.
      const key = { pk: userPk(userId), sk: deviceSk(deviceId) };
      const at = Date.now();
      const mark = ownToken();
      const marked = await writeOwn(
        db,
        {
          Update: {
            TableName: table,
            Key: key,
            UpdateExpression: 'SET forgetMark = :mark, forgetAt = :at',
            ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(forgetMark) OR forgetAt < :stale)',
            ExpressionAttributeValues: { ':mark': mark, ':at': at, ':stale': at - FORGET_STALE_MS },
          },
        },
        (item) => item.forgetMark === mark,
      );
      if (!marked.written) return false;
      await db.send(new DeleteCommand({ TableName: table, Key: key }));
      return true;
    },
  };
}
