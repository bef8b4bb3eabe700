/**
 * The settings registry in the `core` table: `WS#<workspaceId>` / `SETTING#<key>` for a
 * workspace's settings, `GLOBAL` / `SETTING#<key>` for global defaults (written by
 * operators, read-only here). Plain values are stored as JSON text (exactly what was
 * sent); secret ones only as their sealed envelope.
 *
 * A counter item under the workspace (`SETTING_COUNT`, attribute `settings`) holds how many
 * settings it keeps: a new key is put in the same transaction as the counter's increment, under
 * the condition that it stays within the limit, and a delete gives the slot back in the same
 * transaction, so concurrent creates cannot pass the limit and the count never drifts from the
 * keys. A workspace whose settings predate the counter is counted by its first create or delete
 * (./dynamo/prefix-counter.ts).
 *
 * The listing pages by key over both partitions at once (their sort keys are alike): one
 * {@link pagedQuery} page of each, after the cursor's key, merged up to the lower of the keys where
 * either page stopped, so a page misses nothing of either partition and the cursor (a key of the
 * workspace's partition) resumes both. A workspace that kept more settings than the cap (from
 * before it) pages like any other.
 */
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { ConflictError } from '../errors';
import type { SettingScope, SettingStore, StoredSetting } from '../governance/ports';
import { conditionally } from './dynamo/conditions';
import { beginsWith, compareKeys, decodeKeyCursor, encodeCursor } from './dynamo/cursor';
import { getItem, type Item } from './dynamo/item';
import { prefixCounter } from './dynamo/prefix-counter';
import { pagedQuery, rangeListing, withinAnswer } from './dynamo/query';
import { putIfAbsent } from './dynamo/transact';
import { GLOBAL_PK, SETTINGS_COUNT_SK, settingSk, workspacePk } from './keys';

const SETTING_PREFIX = settingSk('');
/**
 * Rounds of a put that keeps losing races between its two ways: the key was absent for the
 * replace, then present for the create (or deleted again meanwhile).
 */
const RACE_ATTEMPTS = 5;

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

const sortKey = (item: Item): string => item.sk as string;

export function dynamoSettings(db: DynamoDBDocumentClient, table: string): SettingStore {
  const listing = (pk: string) => rangeListing(table, pk, beginsWith(SETTING_PREFIX));

  /**
   * One page of partition `pk`'s settings after sort key `after`, and the sort key it read up to
   * when the partition may hold more past it (undefined: read to its end).
   */
  async function settingsPage(pk: string, limit: number, after: string | undefined) {
    const { input, shape } = listing(pk);
    const cursor = after === undefined ? undefined : encodeCursor({ pk, sk: after });
    const page = await pagedQuery(db, input, { limit, cursor, shape });
    const readTo = decodeKeyCursor(page.cursor, shape)?.sk as string | undefined;
    return { items: page.items, readTo };
  }

  const counter = prefixCounter(db, table, {
    counterSk: SETTINGS_COUNT_SK,
    attribute: 'settings',
    prefix: SETTING_PREFIX,
    type: 'setting-count',
  });

  return {
    async list(workspaceId, { limit, cursor }) {
      const pk = workspacePk(workspaceId);
      // The cursor is a key of the workspace's partition (checked), resuming the global one too.
      const after = decodeKeyCursor(cursor, listing(pk).shape)?.sk as string | undefined;
      const [own, global] = await Promise.all([settingsPage(pk, limit, after), settingsPage(GLOBAL_PK, limit, after)]);
      // Past the lower of the keys where a page stopped, the other partition was not read yet.
      const upTo = [own.readTo, global.readTo].filter((k) => k !== undefined).sort(compareKeys)[0];
      const read = (item: Item) => upTo === undefined || compareKeys(sortKey(item), upTo) <= 0;
      const overridden = new Set(own.items.map(sortKey));
      const merged = [...own.items.filter(read), ...global.items.filter((i) => read(i) && !overridden.has(sortKey(i)))];
      merged.sort((a, b) => compareKeys(sortKey(a), sortKey(b)));
      const { items, cut } = withinAnswer(merged.slice(0, limit));
      const settings = items.map((item) => toSetting(item, item.pk === GLOBAL_PK ? 'global' : 'workspace'));
      const last = items.at(-1);
      const resumeAt = last ? sortKey(last) : upTo;
      const more = upTo !== undefined || cut || merged.length > limit;
      return more && resumeAt ? { settings, nextCursor: encodeCursor({ pk, sk: resumeAt }) as string } : { settings };
    },

    async get(workspaceId, key) {
      const pk = workspaceId === undefined ? GLOBAL_PK : workspacePk(workspaceId);
      const item = await getItem(db, table, { pk, sk: settingSk(key) });
      return item ? toSetting(item, workspaceId === undefined ? 'global' : 'workspace') : undefined;
    },

    async put(workspaceId, setting, maxSettings) {
      const { scope: _scope, ...stored } = setting;
      const item = { pk: workspacePk(workspaceId), sk: settingSk(setting.key), type: 'setting', ...stored };
      for (let attempt = 1; attempt <= RACE_ATTEMPTS; attempt += 1) {
        // An existing key is replaced in place: the count does not change.
        const replace = new PutCommand({ TableName: table, Item: item, ConditionExpression: 'attribute_exists(pk)' });
        if (await conditionally(db.send(replace))) return 'replaced';
        // A new key takes a slot in the same transaction; created meanwhile, it is replaced (next round).
        const created = await counter.create(item.pk, [putIfAbsent(table, item)], maxSettings);
        if (created === 'written') return 'created';
        if (created === 'limit-reached') return created;
      }
      throw new ConflictError('The setting kept changing meanwhile; try again', 'CONCURRENT_CHANGE');
    },

    async delete(workspaceId, key) {
      const remove = {
        TableName: table,
        Key: { pk: workspacePk(workspaceId), sk: settingSk(key) },
        ConditionExpression: 'attribute_exists(pk)',
      };
      // The slot is given back in the same write; a missing key (a failed condition) is not found.
      return (await counter.delete(workspacePk(workspaceId), [{ Delete: remove }])) === 'written';
    },
  };
}
