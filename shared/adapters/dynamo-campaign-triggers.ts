/**
 * DynamoDB adapters of campaign triggers (shared/campaigns/trigger-ports.ts), in the core table:
 * - the trigger index `WS#<ws> / TRIGGER#<kind>#<value>#<campaignId>`, with a pointer item per
 *   campaign (`CAMPAIGNTRIGGER#<id>`) naming its entry, so a change replaces it in one transaction,
 *   stamped with the revision of the write that moved it (a sync's, or the campaign record's own
 *   write, dynamo-campaigns.ts, whose transaction includes these items: {@link triggerIndexMove});
 * - claims per (event, campaign) with a TTL (`expiresAt`), so a replayed event enrols once;
 * - the scheduled-launch slot on the campaign record (gsi1 `DUE#campaign`, as
 *   `dynamoCampaignSchedule` reads it), stamped with the revision of the write that set it;
 * - webhook tokens, by SHA-256 only (`CAMPAIGNHOOK#<hash>`), with the current hash under the workspace;
 *   only the token that pointer names works, and only while the member who minted it still is one,
 *   still has the password they minted it under, and holds a role that grants `campaigns:launch`.
 */
import { type DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TriggerKey } from '../campaigns/trigger';
import type { CampaignTriggerIndex, CampaignWebhookTokens, TriggerBasis } from '../campaigns/trigger-ports';
import { ConflictError } from '../errors';
import { grantorPasswordChanged, grantStands } from '../identity/grant-standing';
import { BUILTIN_ROLE_PERMISSIONS, isBuiltinRole } from '../identity/permissions';
import { batchGet } from './dynamo/batch';
import { conditionally, isConditionFailure, isTransactionConflict } from './dynamo/conditions';
import type { Item } from './dynamo/item';
import { getItem } from './dynamo/item';
import { prefixQuery, queryAll } from './dynamo/query';
import { type TransactItem, transactWrite } from './dynamo/transact';
import {
  dynamoMemberships,
  grantorKeys,
  grantorPasswordCheck,
  grantorStanding,
  memberStillHolds,
} from './dynamo-memberships';
import {
  CAMPAIGN_HOOK_SK,
  campaignHookPk,
  campaignHookSk,
  campaignSk,
  campaignTriggerSk,
  DUE_CAMPAIGNS_PK,
  dueCampaignSk,
  triggerClaimSk,
  triggerIndexPrefix,
  triggerIndexSk,
  workspacePk,
} from './keys';

/**
 * Attempts of one index write: each re-reads the pointer after another sync moved it between the
 * read and the transaction (or a transaction conflict). Enough for a handful of racing syncs;
 * past it the last error is thrown.
 */
export const TRIGGER_INDEX_ATTEMPTS = 10;

/** The campaign's index pointer (`CAMPAIGNTRIGGER#<id>`), strongly consistent: what the entry is now. */
export const readTriggerPointer = (
  db: DynamoDBDocumentClient,
  table: string,
  workspaceId: string,
  campaignId: string,
): Promise<Item | undefined> =>
  getItem(db, table, { pk: workspacePk(workspaceId), sk: campaignTriggerSk(campaignId) }, { consistent: true });

/**
 * The writes that make `key` (undefined: none) the campaign's one index entry, as its pointer
 * (read just before) names `before`: the old entry deleted, the new one put, and the pointer,
 * stamped with `revision`, moved only if it still names `before` and no write of a later revision
 * stamped it (its item is the last). Empty when the entry is already `key` and `stamp` is false.
 * Every item is meant for one transaction with a condition on the campaign record.
 */
export function triggerIndexMove(
  table: string,
  workspaceId: string,
  campaignId: string,
  revision: number,
  pointer: Item | undefined,
  key: TriggerKey | undefined,
  { stamp }: { readonly stamp: boolean },
): TransactItem[] {
  const pk = workspacePk(workspaceId);
  const before = typeof pointer?.indexSk === 'string' ? pointer.indexSk : undefined;
  const after = key ? triggerIndexSk(key.kind, key.value, campaignId) : undefined;
  if (before === after && !stamp) return [];
  return [
    ...(before && before !== after ? [{ Delete: { TableName: table, Key: { pk, sk: before } } }] : []),
    ...(after && key && after !== before
      ? [
          {
            Put: {
              TableName: table,
              Item: { pk, sk: after, type: 'campaign-trigger', campaignId, kind: key.kind, value: key.value },
            },
          },
        ]
      : []),
    {
      Put: {
        TableName: table,
        Item: { pk, sk: campaignTriggerSk(campaignId), revision, ...(after ? { indexSk: after } : {}) },
        ConditionExpression: [
          '(attribute_not_exists(#revision) OR #revision < :revision)',
          before ? 'indexSk = :before' : 'attribute_not_exists(indexSk)',
        ].join(' AND '),
        ExpressionAttributeNames: { '#revision': 'revision' },
        ExpressionAttributeValues: { ':revision': revision, ...(before ? { ':before': before } : {}) },
      },
    },
  ];
}

/**
 * The condition that the campaign record still has the status and published version a sync read
 * (`#status` names `status`): what the trigger index entry and the schedule slot are written on.
 */
function onBasis(basis: TriggerBasis): { condition: string; values: Record<string, unknown> } {
  const versioned = basis.publishedVersion !== undefined;
  return {
    condition: `#status = :status AND ${versioned ? 'publishedVersion = :version' : 'attribute_not_exists(publishedVersion)'}`,
    values: { ':status': basis.status, ...(versioned ? { ':version': basis.publishedVersion } : {}) },
  };
}

export function dynamoCampaignTriggers(
  db: DynamoDBDocumentClient,
  table: string,
  nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): CampaignTriggerIndex {
  const campaignKey = (workspaceId: string, campaignId: string) => ({
    pk: workspacePk(workspaceId),
    sk: campaignSk(campaignId),
  });
  return {
    /**
     * One transaction moves the entry and the pointer, which is stamped with the revision of the
     * sync that wrote it (`revision`, kept when the entry is removed), and is written only while
     * the campaign record still has the basis's status and published version (a check on the
     * record in the same transaction): a sync that a publish or a status change overtook writes
     * nothing (that change writes its own), and one of an older revision never overwrites a
     * newer one's, whatever order they land in. The pointer is also conditional on the entry it
     * named when read, so a sync that another moved it under reads it again: no entry is left
     * behind. A sync whose entry is already there still stamps the pointer (under the same
     * conditions), so no older sync lands after it. A sync that loses returns without a write;
     * it never fails its route.
     */
    async set(workspaceId, campaignId, basis, key) {
      for (let attempt = 1; ; attempt += 1) {
        const pointer = await readTriggerPointer(db, table, workspaceId, campaignId);
        const stamped = typeof pointer?.revision === 'number' ? pointer.revision : undefined;
        // Written by a sync of this revision or a later one already.
        if (stamped !== undefined && stamped >= basis.revision) return;
        // Never published: no sync wrote an entry, and none of this basis would.
        if (!pointer && !key && basis.publishedVersion === undefined) return;
        const items: TransactItem[] = [
          {
            ConditionCheck: {
              TableName: table,
              Key: campaignKey(workspaceId, campaignId),
              ConditionExpression: onBasis(basis).condition,
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: onBasis(basis).values,
            },
          },
          ...triggerIndexMove(table, workspaceId, campaignId, basis.revision, pointer, key, { stamp: true }),
        ];
        try {
          await transactWrite(db, items);
          return;
        } catch (error) {
          // The record moved on: the change that moved it writes the entry itself.
          if (isConditionFailure(error, 0)) return;
          const moved = isConditionFailure(error, items.length - 1);
          if ((!moved && !isTransactionConflict(error)) || attempt >= TRIGGER_INDEX_ATTEMPTS) throw error;
          await sleep(Math.random() * 10 * attempt);
        }
      }
    },

    async find(workspaceId, key) {
      const ids: string[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const out = await db.send(
          new QueryCommand({
            ...prefixQuery(table, workspacePk(workspaceId), triggerIndexPrefix(key.kind, key.value)),
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        for (const item of out.Items ?? []) ids.push(String(item.campaignId));
        start = out.LastEvaluatedKey;
      } while (start);
      return ids;
    },

    claim(workspaceId, eventId, contactId, campaignId, ttlSeconds) {
      const now = nowSeconds();
      return conditionally(
        db.send(
          new PutCommand({
            TableName: table,
            Item: {
              pk: workspacePk(workspaceId),
              sk: triggerClaimSk(eventId, contactId, campaignId),
              type: 'trigger-claim',
              expiresAt: now + ttlSeconds,
            },
            // TTL deletion lags: an expired claim is as good as none.
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
            ExpressionAttributeValues: { ':now': now },
          }),
        ),
      );
    },

    async claimed(workspaceId, eventId, contactId, campaignId) {
      const item = await getItem(
        db,
        table,
        { pk: workspacePk(workspaceId), sk: triggerClaimSk(eventId, contactId, campaignId) },
        { consistent: true },
      );
      // TTL deletion lags: an expired claim is as good as none.
      return item !== undefined && Number(item.expiresAt) >= nowSeconds();
    },

    async pendingSlot(workspaceId, campaignId) {
      const item = await getItem(db, table, campaignKey(workspaceId, campaignId), {
        consistent: true,
        projection: 'nextRunAt, gsi1pk',
      });
      // A launched slot leaves the due index (markLaunched), or the next slot replaces it (scheduleNext).
      return item?.gsi1pk === DUE_CAMPAIGNS_PK && typeof item.nextRunAt === 'string' ? item.nextRunAt : undefined;
    },

    /**
     * The slot is stamped with the revision of the sync that wrote it (`slotRevision`), and
     * written only while the record still has the basis's status and published version: a sync
     * that a publish or a status change overtook writes nothing (that change writes its own),
     * and one of an older revision never overwrites a newer one's, whatever order they land in.
     * The campaign's writes that do not change the basis (an edit, a promotion: `replace`) leave
     * status, version and stamp as they are, so they never make the sync after a publish or a
     * resume miss its slot. A write of the record that carries its wiring (dynamo-campaigns.ts)
     * stamps the slot with its own revision: no sync of an earlier one overwrites it.
     */
    async setSchedule(workspaceId, campaignId, basis, nextRunAt) {
      const on = onBasis(basis);
      const values: Record<string, unknown> = {
        ...on.values,
        ':revision': basis.revision,
        ...(nextRunAt
          ? {
              ':next': nextRunAt,
              ':due': DUE_CAMPAIGNS_PK,
              ':slot': dueCampaignSk(nextRunAt, workspaceId, campaignId),
            }
          : {}),
      };
      await conditionally(
        db.send(
          new UpdateCommand({
            TableName: table,
            Key: campaignKey(workspaceId, campaignId),
            UpdateExpression: nextRunAt
              ? 'SET nextRunAt = :next, gsi1pk = :due, gsi1sk = :slot, slotRevision = :revision'
              : 'SET slotRevision = :revision REMOVE nextRunAt, gsi1pk, gsi1sk',
            ConditionExpression: `${on.condition} AND (attribute_not_exists(slotRevision) OR slotRevision < :revision)`,
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: values,
          }),
        ),
      );
    },

    /**
     * One UpdateItem replaces the launched slot with the next (never a removal and then a write:
     * a failure between them lost the schedule for good). Only when its condition fails does a
     * second, conditional write clear the launched slot, and only of a campaign no longer active;
     * should that one fail, the slot stays due and the next run plans it again.
     */
    async scheduleNext(workspaceId, campaignId, publishedVersion, nextRunAt, launched) {
      const key = campaignKey(workspaceId, campaignId);
      const replaced = await conditionally(
        db.send(
          new UpdateCommand({
            TableName: table,
            Key: key,
            UpdateExpression: 'SET nextRunAt = :next, gsi1pk = :due, gsi1sk = :slot, lastLaunchedAt = :launched',
            // The version too: a publish that landed since the launch read the trigger wrote its
            // own slot, and the old trigger's next slot must not come back after it.
            ConditionExpression: 'nextRunAt = :launched AND #status = :active AND publishedVersion = :version',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':next': nextRunAt,
              ':due': DUE_CAMPAIGNS_PK,
              ':slot': dueCampaignSk(nextRunAt, workspaceId, campaignId),
              ':launched': launched,
              ':active': 'active',
              ':version': publishedVersion,
            },
          }),
        ),
      );
      if (replaced) return;
      // Paused or archived since the plan (its sync may not have cleared the slot yet): the
      // launched slot goes. Active on another version: it stays, and is planned again on that one.
      await conditionally(
        db.send(
          new UpdateCommand({
            TableName: table,
            Key: key,
            UpdateExpression: 'REMOVE nextRunAt, gsi1pk, gsi1sk SET lastLaunchedAt = :launched',
            ConditionExpression: 'nextRunAt = :launched AND #status <> :active',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':launched': launched, ':active': 'active' },
          }),
        ),
      );
    },
  };
}

/**
 * Attempts of one rotation: each re-reads the campaign's pointer after another rotation moved it
 * (or a transaction conflict), so concurrent rotations serialise and each deletes the token it
 * replaces. Enough for a handful of racers; past it the last error is thrown.
 */
export const TOKEN_ROTATION_ATTEMPTS = 10;

export function dynamoCampaignWebhookTokens(
  db: DynamoDBDocumentClient,
  table: string,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): CampaignWebhookTokens {
  const memberships = dynamoMemberships(db, table);
  return {
    /**
     * Replaces the campaign's current token (the pointer `CAMPAIGNHOOK#<campaignId>` under the
     * workspace) in one transaction: the old hash deleted, the new one written, and the pointer
     * moved only if it still names the hash read (or is still absent). A rotation that lost that
     * race to another wrote nothing; it reads the pointer again and deletes the winner's token in
     * turn, so whatever the interleaving, one token stays and every earlier one is gone. The
     * pointer and the hook item record who minted the token (`mintedBy`) and under which password
     * version (`passwordVersion`): their removal from the workspace or their password change ends
     * it ({@link revokeWebhookTokensMintedBy}, and `find`). With a version, the transaction also
     * checks that the minter's profile still has it (its first item), so a token minted by a
     * session a reset overtook is never written: a 401 `SESSION_INVALID`, as for an API key. With
     * the minter's role as the edge read it (`minterRole`), the transaction also checks that they
     * are still a member with that role (`memberStillHolds`), as every grant does: a removal or a
     * role change landing meanwhile writes nothing, a 409 `CONCURRENT_CHANGE`.
     */
    async rotate(workspaceId, campaignId, tokenHash, at, mintedBy, passwordVersion, minterRole) {
      const pk = workspacePk(workspaceId);
      const pointerKey = { pk, sk: campaignHookSk(campaignId) };
      const versioned = mintedBy !== undefined && passwordVersion !== undefined;
      const standing = mintedBy !== undefined && minterRole !== undefined;
      const memberAt = versioned ? 1 : 0;
      const minter =
        mintedBy === undefined
          ? {}
          : { mintedBy, mintedAt: at, ...(passwordVersion === undefined ? {} : { passwordVersion }) };
      for (let attempt = 1; ; attempt += 1) {
        const current = await getItem(db, table, pointerKey, { consistent: true });
        const previous = typeof current?.tokenHash === 'string' ? current.tokenHash : undefined;
        const items: TransactItem[] = [
          ...(versioned ? [grantorPasswordCheck(table, mintedBy, passwordVersion)] : []),
          ...(standing ? [memberStillHolds(table, workspaceId, mintedBy, minterRole)] : []),
          ...(previous && previous !== tokenHash
            ? [{ Delete: { TableName: table, Key: { pk: campaignHookPk(previous), sk: CAMPAIGN_HOOK_SK } } }]
            : []),
          {
            Put: {
              TableName: table,
              Item: {
                pk: campaignHookPk(tokenHash),
                sk: CAMPAIGN_HOOK_SK,
                type: 'campaign-hook',
                workspaceId,
                campaignId,
                ...minter,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName: table,
              Item: { ...pointerKey, tokenHash, rotatedAt: at, ...minter },
              ...(previous
                ? {
                    ConditionExpression: 'tokenHash = :previous',
                    ExpressionAttributeValues: { ':previous': previous },
                  }
                : { ConditionExpression: 'attribute_not_exists(pk)' }),
            },
          },
        ];
        try {
          await transactWrite(db, items, sleep);
          return;
        } catch (error) {
          if (versioned && isConditionFailure(error, 0)) throw grantorPasswordChanged();
          if (standing && isConditionFailure(error, memberAt)) {
            throw new ConflictError('Your membership changed meanwhile; reload and try again', 'CONCURRENT_CHANGE');
          }
          const moved = isConditionFailure(error, items.length - 1);
          if ((!moved && !isTransactionConflict(error)) || attempt >= TOKEN_ROTATION_ATTEMPTS) throw error;
          await sleep(Math.random() * 10 * attempt);
        }
      }
    },

    /**
     * The campaign of a token, only while it is the campaign's current one: the hook item must
     * exist and the campaign's pointer must still name its hash, so a token a rotation replaced
     * never enrols again, even one a past race left behind. A token that names who minted it works
     * only while they are still a member of the workspace, in the membership they minted it in
     * (not an earlier one a removal ended, should they have been added back), and still have the
     * password version they minted it under (tokens minted before versions were recorded: their
     * last password reset, `grantsValidFrom`, came before the mint): read with the pointer, in the
     * same strongly consistent BatchGetItem (still two calls per webhook), so a mint that was in
     * flight while its minter was removed never works either, and one in flight while they reset
     * their password is not even written (`rotate`); a reset that failed before its sweep ends the
     * token all the same. So does it only
     * while the minter's role, as defined now, grants `campaigns:launch` (a custom role is read
     * then, a third call): a role changed, a custom role redefined or deleted, and the token is
     * refused like an unknown one. Tokens minted before minters were recorded name none and keep
     * working until rotated.
     */
    async find(tokenHash) {
      const item = await getItem(
        db,
        table,
        { pk: campaignHookPk(tokenHash), sk: CAMPAIGN_HOOK_SK },
        { consistent: true },
      );
      if (!item) return undefined;
      const owner = { workspaceId: String(item.workspaceId), campaignId: String(item.campaignId) };
      const pointerKey = { pk: workspacePk(owner.workspaceId), sk: campaignHookSk(owner.campaignId) };
      const minter = typeof item.mintedBy === 'string' ? item.mintedBy : undefined;
      const grantor = minter === undefined ? undefined : grantorKeys(owner.workspaceId, minter);
      const items = await batchGet(
        db,
        table,
        grantor ? [pointerKey, grantor.membership, grantor.profile] : [pointerKey],
        {
          consistent: true,
        },
      );
      const pointer = items.find((i) => i.pk === pointerKey.pk && i.sk === pointerKey.sk);
      if (pointer?.tokenHash !== tokenHash) return undefined;
      if (minter === undefined) return owner;
      const standing = grantorStanding(items, owner.workspaceId, minter);
      const grant = {
        grantedAt: String(item.mintedAt ?? ''),
        ...(typeof item.passwordVersion === 'number' ? { passwordVersion: item.passwordVersion } : {}),
      };
      // Minted in their current membership (not an earlier one a removal ended), under their current password.
      if (!standing.membership || !grantStands(grant, standing)) return undefined;
      // The role as it is now, as an API key's request reads it: a custom role redefined without
      // `campaigns:launch` (or deleted) ends the token as a change to such a role does.
      const { role } = standing.membership;
      const permissions = isBuiltinRole(role)
        ? BUILTIN_ROLE_PERMISSIONS[role]
        : ((await memberships.customRole(owner.workspaceId, role))?.permissions ?? []);
      return permissions.includes('campaigns:launch') ? owner : undefined;
    },
  };
}

/** The sort-key prefix of the campaigns' token pointers under their workspace. */
const HOOK_POINTER_PREFIX = campaignHookSk('');

/**
 * Ends every webhook token `userId` minted in the workspace (removal from it, or their password
 * reset): the pointer and the hook item deleted together, the pointer only while it still names
 * that token (a rotation meanwhile made the token void already). The pointers are read with a
 * strongly consistent query of the workspace's partition, filtered on the minter. The campaign
 * needs a new token (`POST /api/campaigns/{id}/webhook-token`). Returns how many were ended.
 */
export async function revokeWebhookTokensMintedBy(
  db: DynamoDBDocumentClient,
  table: string,
  workspaceId: string,
  userId: string,
): Promise<number> {
  const query = prefixQuery(table, workspacePk(workspaceId), HOOK_POINTER_PREFIX);
  const pointers = await queryAll(db, {
    ...query,
    ConsistentRead: true,
    FilterExpression: 'mintedBy = :user',
    ExpressionAttributeValues: { ...query.ExpressionAttributeValues, ':user': userId },
  });
  let revoked = 0;
  for (const pointer of pointers) {
    if (typeof pointer.tokenHash !== 'string') continue;
    const ended = await conditionally(
      transactWrite(db, [
        {
          Delete: {
            TableName: table,
            Key: { pk: pointer.pk, sk: pointer.sk },
            ConditionExpression: 'tokenHash = :hash AND mintedBy = :user',
            ExpressionAttributeValues: { ':hash': pointer.tokenHash, ':user': userId },
          },
        },
        { Delete: { TableName: table, Key: { pk: campaignHookPk(pointer.tokenHash), sk: CAMPAIGN_HOOK_SK } } },
      ]),
      0,
    );
    if (ended) revoked += 1;
  }
  return revoked;
}
