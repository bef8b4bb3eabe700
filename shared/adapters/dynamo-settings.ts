/**
 * The settings registry in the `core` table: `WS#<workspaceId>` / `SETTING#<key>` for a
 * workspace's settings, `GLOBAL` / `SETTING#<key>` for global defaults (written by
 * operators, read-only here). Plain values are stored as JSON text (exactly what was
 * sent); secret ones only as their sealed envelope.
 *
 * A counter item under the workspace (`SETTING_COUNT`, attribute `settings`) holds how many
 * settings it keeps: a new key is put in the same transaction as the counter's increment, under
 * the condition that it stays within the limit, and a delete gives the slot back in the same
 * transaction, so concurrent creates cannot pass the limit. A workspace whose settings predate the
 * counter gets it at its first create, from a count of its settings (a delete racing that first
 * create can leave the counter one above the truth, never below).
 *
 * The listing pages by key over both partitions at once (their sort keys are alike): one
 * {@link pagedQuery} page of each, after the cursor's key, merged up to the lower of the keys where
 * either page stopped, so a page misses nothing of either partition and the cursor (a key of the
 * workspace's partition) resumes both. A workspace that kept more settings than the cap (from
 * before it) pages like any other.
 */
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import type { SettingScope, SettingStore, StoredSetting } from '../governance/ports';
import { conditionally, isConditionFailure, isTransactionConflict } from './dynamo/conditions';
import { beginsWith, compareKeys, decodeKeyCursor, encodeCursor, type Key } from './dynamo/cursor';
import { getItem, type Item } from './dynamo/item';
import { countPrefix, pagedQuery, rangeListing, withinAnswer } from './dynamo/query';
import { type TransactItem, transactWrite } from './dynamo/transact';
import { GLOBAL_PK, SETTINGS_COUNT_SK, settingSk, workspacePk } from './keys';

const SETTING_PREFIX = settingSk('');
const COUNTER_TYPE = 'setting-count';
/** Rounds of a write that keeps losing races (the key created or deleted meanwhile, a hot counter). */
const RACE_ATTEMPTS = 5;
const RACED = Symbol('raced');

/**
 * Runs `write` again while it loses a race: it answers {@link RACED} (what it read changed before
 * it wrote), or a transaction in flight on the same items refused it (`TransactionConflict`).
 */
async function racing<T>(write: () => Promise<T | typeof RACED>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const outcome = await write();
      if (outcome !== RACED) return outcome;
      if (attempt >= RACE_ATTEMPTS) throw new Error('A settings write kept losing races; try again');
    } catch (error) {
      if (!isTransactionConflict(error) || isConditionFailure(error) || attempt >= RACE_ATTEMPTS) throw error;
    }
  }
}

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

  const counterKey = (workspaceId: string): Key => ({ pk: workspacePk(workspaceId), sk: SETTINGS_COUNT_SK });

  /** Whether the workspace's settings are counted (its counter item holds a count). */
  async function counted(workspaceId: string): Promise<boolean> {
    const counter = await getItem(db, table, counterKey(workspaceId), { consistent: true });
    return typeof counter?.settings === 'number';
  }

  /**
   * The counter's part of a create: one more under the limit; for a workspace not counted yet,
   * its count of settings plus one, only if no other create counted it meanwhile. `limit-reached`
   * when an uncounted workspace is already full.
   */
  async function counterUpdate(
    workspaceId: string,
    max: number,
  ): Promise<{ update: TransactItem; counted: boolean } | 'limit-reached'> {
    const common = { TableName: table, Key: counterKey(workspaceId), ExpressionAttributeNames: { '#type': 'type' } };
    if (await counted(workspaceId)) {
      const update = {
        ...common,
        UpdateExpression: 'ADD settings :one SET #type = :type',
        ConditionExpression: 'settings < :max',
        ExpressionAttributeValues: { ':one': 1, ':max': max, ':type': COUNTER_TYPE },
      };
      return { update: { Update: update }, counted: true };
    }
    const existing = await countSettings(workspaceId);
    if (existing >= max) return 'limit-reached';
    const update = {
      ...common,
      UpdateExpression: 'SET settings = :n, #type = :type',
      ConditionExpression: 'attribute_not_exists(settings)',
      ExpressionAttributeValues: { ':n': existing + 1, ':type': COUNTER_TYPE },
    };
    return { update: { Update: update }, counted: false };
  }

  /** How many settings the workspace keeps, by a consistent count of its `SETTING#` items. */
  const countSettings = (workspaceId: string): Promise<number> =>
    countPrefix(db, table, workspacePk(workspaceId), SETTING_PREFIX);

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
      return racing(async () => {
        // An existing key is replaced in place: the count does not change.
        const replace = new PutCommand({ TableName: table, Item: item, ConditionExpression: 'attribute_exists(pk)' });
        if (await conditionally(db.send(replace))) return 'replaced';
        const counter = await counterUpdate(workspaceId, maxSettings);
        if (counter === 'limit-reached') return 'limit-reached';
        try {
          // The counter comes first: a failed condition at index 0 means the limit is reached (or,
          // for an uncounted workspace, that another create counted it first); at 1, the key exists.
          await transactWrite(db, [
            counter.update,
            { Put: { TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
          ]);
          return 'created';
        } catch (error) {
          if (counter.counted && isConditionFailure(error, 0)) return 'limit-reached';
          // The key was created meanwhile, or another create counted the workspace first.
          if (isConditionFailure(error)) return RACED;
          throw error;
        }
      });
    },

    async delete(workspaceId, key) {
      const remove = {
        TableName: table,
        Key: { pk: workspacePk(workspaceId), sk: settingSk(key) },
        ConditionExpression: 'attribute_exists(pk)',
      };
      return racing(async () => {
        // A workspace not counted yet (no create since the counter came) has no count to lower.
        if (!(await counted(workspaceId))) return conditionally(db.send(new DeleteCommand(remove)));
        const decrement = {
          TableName: table,
          Key: counterKey(workspaceId),
          UpdateExpression: 'ADD settings :minusOne',
          ExpressionAttributeValues: { ':minusOne': -1 },
        };
        return conditionally(transactWrite(db, [{ Delete: remove }, { Update: decrement }]), 0);
      });
    },
  };
}
