/**
 * The settings registry in the `core` table: `WS#<workspaceId>` / `SETTING#<key>` for a
 * workspace's settings, `GLOBAL` / `SETTING#<key>` for global defaults (written by
 * operators, read-only here). Plain values are stored as JSON text (exactly what was
 * sent); secret ones only as their sealed envelope.
 */
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import type { SettingScope, SettingStore, StoredSetting } from '../governance/ports';
import { getItem } from './dynamo/item';
import { prefixQuery, queryAll } from './dynamo/query';
import { GLOBAL_PK, settingSk, workspacePk } from './keys';

const SETTING_PREFIX = settingSk('');

const sealedItem = z.object({
  v: z.literal(1),
  kek: z.enum(['kms', 'local']),
  kekId: z.string(),
  wrappedKey: z.string(),
  iv: z.string(),
  ciphertext: z.string(),
  tag: z.string(),
});

const common = { key: z.string(), updatedAt: z.string(), updatedBy: z.optional(z.string()) };
const settingItem = z.discriminatedUnion('isSecret', [
  z.object({ ...common, isSecret: z.literal(false), valueJson: z.string() }),
  z.object({ ...common, isSecret: z.literal(true), sealed: sealedItem }),
]);

const toSetting = (item: Record<string, unknown>, scope: SettingScope): StoredSetting => ({
  ...settingItem.parse(item),
  scope,
});

export function dynamoSettings(db: DynamoDBDocumentClient, table: string): SettingStore {
  async function all(pk: string, scope: SettingScope): Promise<StoredSetting[]> {
    return (await queryAll(db, prefixQuery(table, pk, SETTING_PREFIX))).map((item) => toSetting(item, scope));
  }

  return {
    async list(workspaceId) {
      const [workspace, global] = await Promise.all([
        all(workspacePk(workspaceId), 'workspace'),
        all(GLOBAL_PK, 'global'),
      ]);
      return { workspace, global };
    },

    async get(workspaceId, key) {
      const pk = workspaceId === undefined ? GLOBAL_PK : workspacePk(workspaceId);
      const item = await getItem(db, table, { pk, sk: settingSk(key) });
      return item ? toSetting(item, workspaceId === undefined ? 'global' : 'workspace') : undefined;
    },

    async put(workspaceId, setting) {
      const { scope: _scope, ...stored } = setting;
      const out = await db.send(
        new PutCommand({
          TableName: table,
          Item: { pk: workspacePk(workspaceId), sk: settingSk(setting.key), type: 'setting', ...stored },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return out.Attributes === undefined;
    },

    async delete(workspaceId, key) {
      const out = await db.send(
        new DeleteCommand({
          TableName: table,
          Key: { pk: workspacePk(workspaceId), sk: settingSk(key) },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return out.Attributes !== undefined;
    },
  };
}
