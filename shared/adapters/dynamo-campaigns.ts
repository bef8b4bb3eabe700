/**
 * DynamoDB adapters of campaigns: the campaign record (draft + status, written with a
 * condition on its revision, and with its trigger wiring when the change calls for it), its
 * frozen versions, the audience of a launch, and the schedule of due launches. Journeys and rules
 * are stored as JSON strings: they are read whole, never queried into, and a string keeps
 * DynamoDB's attribute rules out of the graph's way.
 */
import { isDeepStrictEqual } from 'node:util';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Campaign, CampaignFollowUp, CampaignStatus, CampaignStore, TriggerWiring } from '../campaigns/campaign';
import type { PublishedVersion } from '../campaigns/enrolment';
import {
  type AudienceSource,
  type CampaignSchedule,
  type CampaignVersions,
  type DueCampaign,
  MAX_AUDIT_PER_CHANGE,
} from '../campaigns/ports';
import type { ContactStore } from '../crm/contacts/ports';
import { ttlMemo } from '../ttl-memo';
import { conditionally, isConditionFailure, isTransactionConflict } from './dynamo/conditions';
import { beginsWith } from './dynamo/cursor';
import { getItem, type Item } from './dynamo/item';
import { writeOwn } from './dynamo/own-write';
import { pagedQuery, rangeListing } from './dynamo/query';
import { type TransactItem, transactWrite } from './dynamo/transact';
import { auditPut } from './dynamo-audit';
import { FOLLOW_UPS_PK, followUpSk } from './dynamo-campaign-follow-ups';
import { readTriggerPointer, triggerIndexMove } from './dynamo-campaign-triggers';
import { campaignSk, campaignVersionSk, DUE_CAMPAIGNS_PK, dueCampaignSk, workspacePk } from './keys';

const CAMPAIGN_PREFIX = 'CAMPAIGN#';

function campaignItem(c: Campaign): Item {
  const { journey, rules, ...rest } = c;
  return {
    pk: workspacePk(c.workspaceId),
    sk: campaignSk(c.campaignId),
    type: 'campaign',
    ...rest,
    journeyJson: JSON.stringify(journey),
    rulesJson: JSON.stringify(rules),
  };
}

function campaignFromItem(item: Item): Campaign {
  const {
    pk: _pk,
    sk: _sk,
    type: _type,
    journeyJson,
    rulesJson,
    gsi1pk: _g,
    gsi1sk: _s,
    nextRunAt: _n,
    slotRevision: _r,
    heldSlot: _h,
    followUp: _f,
    followUpRevision: _fr,
    gsi2pk: _g2,
    gsi2sk: _s2,
    ...rest
  } = item;
  return {
    ...(rest as unknown as Campaign),
    journey: JSON.parse(String(journeyJson)),
    rules: JSON.parse(String(rulesJson)),
  };
}

const versionItem = (v: PublishedVersion): Item => ({
  pk: workspacePk(v.workspaceId),
  sk: campaignVersionSk(v.campaignId, v.version),
  type: 'campaign-version',
  workspaceId: v.workspaceId,
  campaignId: v.campaignId,
  version: v.version,
  journeyJson: JSON.stringify(v.journey),
  rulesJson: JSON.stringify(v.rules),
});

const versionFromItem = (item: Item): PublishedVersion => ({
  workspaceId: String(item.workspaceId),
  campaignId: String(item.campaignId),
  version: Number(item.version),
  journey: JSON.parse(String(item.journeyJson)),
  rules: JSON.parse(String(item.rulesJson)),
});

/** Optional attributes of the campaign record: a write of a campaign without one removes it. */
const OPTIONAL_CAMPAIGN_ATTRIBUTES = {
  description: true,
  publishedVersion: true,
  promotions: true,
  aiCopyApprovals: true,
} as const satisfies Record<OptionalKeys<Campaign>, true>;
type OptionalKeys<T> = { [K in keyof T]-?: undefined extends T[K] ? K : never }[keyof T];

/**
 * Attributes of the campaign item the campaign's own attributes leave alone: the schedule slot
 * (`nextRunAt`, gsi1 `DUE#campaign`, and the revision of the write that set it, `slotRevision`),
 * which a wired write sets ({@link SlotUpdate}) and the trigger sync and the scheduled trigger
 * replace; the slot a pause holds (`heldSlot`, out of the due index); the last launch; and the
 * pending follow-up of a status change (`followUp`, `followUpRevision`, gsi2 `FOLLOWUP#campaign`,
 * {@link FollowUpUpdate}). A write of the campaign without them keeps whatever they hold.
 */
const NOT_OWNED = new Set([
  'pk',
  'sk',
  'nextRunAt',
  'gsi1pk',
  'gsi1sk',
  'slotRevision',
  'heldSlot',
  'lastLaunchedAt',
  'followUp',
  'followUpRevision',
  'gsi2pk',
  'gsi2sk',
]);

/**
 * What a wired write does to the slot: the slot the record held when read (`held`, which the
 * write is conditional on: a trigger run that replaced it meanwhile makes the write read again),
 * and the slot to leave (`keep`: the one held, untouched, its place in the due index too; `hold`:
 * that one kept on the record as `heldSlot`, out of the due index, a paused campaign's; a string
 * `slot`: that one, due; undefined: none), stamped with the write's revision. Any write but a hold
 * removes a held slot (the resume read it as its `pending` one).
 */
interface SlotUpdate {
  readonly held: string | undefined;
  readonly to:
    | { readonly keep: true }
    | { readonly keep: false; readonly hold: string | undefined }
    | { readonly keep: false; readonly slot: string | undefined };
}

/**
 * The pending follow-up a status change writes with itself (campaign.ts `CampaignFollowUp`): set
 * (kind, the change's revision, and a place in the sparse gsi2 partition `FOLLOWUP#campaign` by the
 * change's time, which the sweeper reads), or removed (null).
 */
type FollowUpUpdate = CampaignFollowUp | null;

/**
 * An UpdateItem writing the campaign's own attributes (removing its optional ones it no longer
 * has), under the revision condition: unlike a whole-item Put, it leaves the attributes other
 * writers own (NOT_OWNED) as they are, so no write of the record drops the slot. With `slot`, it
 * sets the slot too ({@link SlotUpdate}), and with `followUp` the pending follow-up
 * ({@link FollowUpUpdate}), in the same write.
 */
function campaignUpdate(table: string, next: Campaign, slot?: SlotUpdate, followUp?: FollowUpUpdate) {
  const item = campaignItem(next);
  const names: Record<string, string> = { '#revision': 'revision' };
  const values: Record<string, unknown> = { ':previous': next.revision - 1 };
  const set: string[] = [];
  const remove: string[] = [];
  for (const [attribute, value] of Object.entries(item)) {
    if (NOT_OWNED.has(attribute) || value === undefined) continue;
    const i = set.length;
    names[`#s${i}`] = attribute;
    values[`:s${i}`] = value;
    set.push(`#s${i} = :s${i}`);
  }
  for (const attribute of Object.keys(OPTIONAL_CAMPAIGN_ATTRIBUTES)) {
    if (item[attribute] !== undefined) continue;
    const i = remove.length;
    names[`#r${i}`] = attribute;
    remove.push(`#r${i}`);
  }
  const conditions = ['#revision = :previous'];
  if (slot) {
    conditions.push(slot.held === undefined ? 'attribute_not_exists(nextRunAt)' : 'nextRunAt = :held');
    if (slot.held !== undefined) values[':held'] = slot.held;
    set.push('slotRevision = :slotRevision');
    values[':slotRevision'] = next.revision;
    const to = slot.to;
    if ('hold' in to) {
      remove.push('nextRunAt', 'gsi1pk', 'gsi1sk');
      if (to.hold === undefined) remove.push('heldSlot');
      else {
        set.push('heldSlot = :hold');
        values[':hold'] = to.hold;
      }
    } else if ('slot' in to && to.slot !== undefined) {
      set.push('nextRunAt = :next', 'gsi1pk = :due', 'gsi1sk = :place');
      remove.push('heldSlot');
      Object.assign(values, {
        ':next': to.slot,
        ':due': DUE_CAMPAIGNS_PK,
        ':place': dueCampaignSk(to.slot, next.workspaceId, next.campaignId),
      });
    } else if (!to.keep) {
      remove.push('nextRunAt', 'gsi1pk', 'gsi1sk', 'heldSlot');
    } else {
      remove.push('heldSlot');
    }
  }
  if (followUp === null) remove.push('followUp', 'followUpRevision', 'gsi2pk', 'gsi2sk');
  else if (followUp !== undefined) {
    set.push(
      'followUp = :followUp',
      'followUpRevision = :followUpRevision',
      'gsi2pk = :followUps',
      'gsi2sk = :followUpPlace',
    );
    Object.assign(values, {
      ':followUp': followUp,
      ':followUpRevision': next.revision,
      ':followUps': FOLLOW_UPS_PK,
      ':followUpPlace': followUpSk(next.updatedAt, next.workspaceId, next.campaignId),
    });
  }
  return {
    TableName: table,
    Key: { pk: item.pk, sk: item.sk },
    UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
    ConditionExpression: conditions.join(' AND '),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/**
 * Whether the stored `item` is the record `c` as a write of it puts it (every attribute the write
 * sets, its revision among them): a write of `c` the SDK retried after DynamoDB applied it (its
 * answer lost) is refused by its own landed record (the revision it moved), and is written, not a
 * lost race (answered 409 CAMPAIGN_CHANGED, or an AI copy's approval undone under a record that
 * names its template). Another write landing the same revision with the very same record is the
 * same change.
 */
function holdsRecord(item: Item, c: Campaign): boolean {
  return Object.entries(campaignItem(c)).every(
    ([attribute, value]) =>
      NOT_OWNED.has(attribute) || value === undefined || isDeepStrictEqual(item[attribute], value),
  );
}

/**
 * Items a wired write adds to the record's for its trigger wiring at most (dynamo-campaign-triggers.ts
 * `triggerIndexMove`: the old index entry's Delete, the new one's Put, the pointer's Put). With the
 * record and {@link MAX_AUDIT_PER_CHANGE} audit entries (or a frozen version): within the 100 items of
 * one transaction (dynamo/transact.ts `MAX_TRANSACTION_ITEMS`; checked in a test).
 */
export const MAX_WIRING_ITEMS = 3;

/**
 * Attempts of one wired write whose slot or index pointer another writer moved between its read
 * and its write (a trigger run replacing the slot, a sync moving the entry): each reads both again.
 * Past them the write is reported lost (false: nothing was written).
 */
export const WIRED_WRITE_ATTEMPTS = 5;

/**
 * Writes `next` with its trigger wiring in one write: the record, its slot (computed by
 * `wiring.slot` from the slot the record holds, conditional on still holding it) and, when the
 * index entry changes, the entry and its pointer (dynamo-campaign-triggers.ts `triggerIndexMove`),
 * plus `others` (a frozen version, audit entries), in one transaction when there is more than the
 * record. So the record never lands without the wiring it calls for, nor the wiring without the
 * record. False when the revision moved on (another change landed: nothing written), or when one
 * of `others` lost its condition and `othersLose` (a version frozen meanwhile); another failed
 * condition of `others` is thrown.
 */
async function writeWired(
  db: DynamoDBDocumentClient,
  table: string,
  next: Campaign,
  wiring: TriggerWiring,
  others: {
    readonly items: readonly TransactItem[];
    readonly othersLose: boolean;
    readonly followUp?: FollowUpUpdate;
  },
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<boolean> {
  const { workspaceId, campaignId } = next;
  const key = { pk: workspacePk(workspaceId), sk: campaignSk(campaignId) };
  for (let attempt = 1; ; attempt += 1) {
    const [stored, pointer] = await Promise.all([
      getItem(db, table, key, { consistent: true }),
      readTriggerPointer(db, table, workspaceId, campaignId),
    ]);
    if (stored?.type !== 'campaign' || stored.revision !== next.revision - 1) return false;
    const held = typeof stored.nextRunAt === 'string' ? stored.nextRunAt : undefined;
    // A slot still in the due index (not launched): what the wiring keeps when it came due.
    const due = stored.gsi1pk === DUE_CAMPAIGNS_PK ? held : undefined;
    // Or the slot a pause held (out of the due index, so no trigger run launched it meanwhile).
    const pending = due ?? (typeof stored.heldSlot === 'string' ? stored.heldSlot : undefined);
    const slot = wiring.holds ? undefined : wiring.slot(pending);
    const to: SlotUpdate['to'] = wiring.holds
      ? { keep: false, hold: pending }
      : slot !== undefined && slot === due
        ? { keep: true }
        : { keep: false, slot };
    const update = campaignUpdate(table, next, { held, to }, others.followUp);
    const index = triggerIndexMove(table, workspaceId, campaignId, next.revision, pointer, wiring.entry, {
      stamp: false,
    });
    const items: TransactItem[] = [{ Update: update }, ...index, ...others.items];
    let moved = false;
    try {
      // Alone, an UpdateItem refused by its own landed try (the SDK's retry) is written; refused
      // otherwise, the record moved: read again, below.
      if (items.length > 1) await transactWrite(db, items, sleep);
      else if (!(await writeOwn(db, { Update: update }, (item) => holdsRecord(item, next))).written) moved = true;
      if (!moved) return true;
    } catch (error) {
      // The record's condition (its revision, or the slot it held) or the pointer's: read again.
      moved =
        isConditionFailure(error, 0) ||
        (index.length > 0 && isConditionFailure(error, index.length)) ||
        isTransactionConflict(error);
      if (!moved) {
        if (others.othersLose && isConditionFailure(error)) return false;
        throw error;
      }
    }
    if (attempt >= WIRED_WRITE_ATTEMPTS) return false;
    await sleep(Math.random() * 10 * attempt);
  }
}

/**
 * Campaign records in the `core` table. `auditTable`: where a change's audit entries go, in the
 * same transaction as the change (`replace`'s `audit`); a store without it refuses such a change.
 */
export function dynamoCampaignStore(
  db: DynamoDBDocumentClient,
  table: string,
  options: { readonly auditTable?: string } = {},
): CampaignStore {
  const version = async (workspaceId: string, campaignId: string, v: number) => {
    // Strongly consistent: right after a publish an eventually consistent read may miss the
    // version (and the step runner keeps what it reads, dynamoCampaignVersions).
    const item = await getItem(
      db,
      table,
      { pk: workspacePk(workspaceId), sk: campaignVersionSk(campaignId, v) },
      { consistent: true },
    );
    return item ? versionFromItem(item) : undefined;
  };
  return {
    async get(workspaceId, campaignId) {
      const item = await getItem(
        db,
        table,
        { pk: workspacePk(workspaceId), sk: campaignSk(campaignId) },
        {
          consistent: true,
        },
      );
      return item && item.type === 'campaign' ? campaignFromItem(item) : undefined;
    },

    async list(workspaceId, page) {
      const listing = rangeListing(table, workspacePk(workspaceId), beginsWith(CAMPAIGN_PREFIX));
      const found = await pagedQuery(
        db,
        {
          ...listing.input,
          ...(page.status
            ? {
                FilterExpression: '#status = :status',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: {
                  ...listing.input.ExpressionAttributeValues,
                  ':status': page.status satisfies CampaignStatus,
                },
              }
            : {}),
        },
        {
          limit: page.limit,
          cursor: page.cursor,
          shape: listing.shape,
          ...(page.status ? { collect: { maxPages: 5, keyOf: (item: Item) => ({ pk: item.pk, sk: item.sk }) } } : {}),
        },
      );
      return {
        campaigns: found.items.map(campaignFromItem),
        ...(found.cursor ? { nextCursor: found.cursor } : {}),
      };
    },

    async create(c) {
      // Retried after its lost answer, the Put is refused by its own record: created, not an error.
      const created = await writeOwn(
        db,
        { Put: { TableName: table, Item: campaignItem(c), ConditionExpression: 'attribute_not_exists(pk)' } },
        (item) => holdsRecord(item, c),
      );
      if (!created.written) {
        throw new ConditionalCheckFailedException({ message: 'The campaign exists already', $metadata: {} });
      }
    },

    async replace(next, extra) {
      const audit = extra?.audit ?? [];
      const { auditTable } = options;
      if (audit.length > 0 && !auditTable) {
        throw new Error('This campaign store has no audit table: an audited change cannot be written');
      }
      // The record, its wiring and the entries in one transaction: more would be refused by DynamoDB
      // (a ValidationException, never retried), so the caller splits its change (promotion.ts).
      if (audit.length > MAX_AUDIT_PER_CHANGE) {
        throw new Error(
          `A campaign change carries at most ${MAX_AUDIT_PER_CHANGE} audit entries (${audit.length} given)`,
        );
      }
      const entries = audit.map((entry) => ({ Put: auditPut(auditTable as string, entry) }));
      const followUp = extra?.followUp;
      if (extra?.wiring) {
        return writeWired(db, table, next, extra.wiring, {
          items: entries,
          othersLose: false,
          ...(followUp !== undefined ? { followUp } : {}),
        });
      }
      const update = campaignUpdate(table, next, undefined, followUp);
      if (audit.length === 0)
        return (await writeOwn(db, { Update: update }, (item) => holdsRecord(item, next))).written;
      // Only the revision's condition (item 0) failing is a lost race; an entry refused is an error.
      return conditionally(transactWrite(db, [{ Update: update }, ...entries]), 0);
    },

    // An UpdateItem, like every write of the record: the slot is never dropped. With `wiring`, the
    // new version's slot and index entry are written in the same transaction (the slot that came
    // due and was not launched kept when still one of the trigger's); without, they stay as they
    // are until a sync replaces them (dynamo-campaign-triggers.ts setSchedule, set).
    publish(next, frozen, extra) {
      const version: TransactItem = {
        Put: { TableName: table, Item: versionItem(frozen), ConditionExpression: 'attribute_not_exists(pk)' },
      };
      if (extra?.wiring) return writeWired(db, table, next, extra.wiring, { items: [version], othersLose: true });
      return conditionally(transactWrite(db, [{ Update: campaignUpdate(table, next) }, version]));
    },

    version,
  };
}

/** Published versions an instance keeps (they never change once frozen). */
const FROZEN_VERSIONS_KEPT = 500;

/**
 * The step runner's view: the campaign's status and the version an enrolment runs on. The
 * campaign item is read every time (a pause or an archive applies to the next step); a published
 * version is frozen, so each instance reads it once and keeps it (the oldest of
 * {@link FROZEN_VERSIONS_KEPT} make room).
 */
export function dynamoCampaignVersions(store: CampaignStore): CampaignVersions {
  const frozen = ttlMemo(
    (key) => {
      const [workspaceId = '', campaignId = '', v = ''] = key.split('\u0000');
      return store.version(workspaceId, campaignId, Number(v));
    },
    { ttlMs: Number.POSITIVE_INFINITY, maxKeys: FROZEN_VERSIONS_KEPT, keep: (found) => found !== undefined },
  );
  const frozenVersion = (workspaceId: string, campaignId: string, v: number) =>
    frozen(`${workspaceId}\u0000${campaignId}\u0000${v}`);
  return {
    async load(workspaceId, campaignId, v) {
      const campaign = await store.get(workspaceId, campaignId);
      if (!campaign) return undefined;
      const wanted = v ?? campaign.publishedVersion;
      const frozen = wanted ? await frozenVersion(workspaceId, campaignId, wanted) : undefined;
      if (!frozen) return { status: campaign.status };
      // Promotions live on the campaign, not the version: every running version follows them.
      const published = campaign.promotions
        ? { ...frozen, rules: { ...frozen.rules, promotions: campaign.promotions } }
        : frozen;
      return { status: campaign.status, published };
    },
  };
}

/**
 * A launch's audience: live contacts of the workspace matching the launch's filter (the same
 * filter as `GET /api/contacts/list`), a page at a time. Deleted contacts never enter.
 */
export function contactAudience(contacts: ContactStore): AudienceSource {
  return {
    async page(workspaceId, filter, pageSize, cursor) {
      // Key order: a launch pages its audience over minutes, while scores move; paged by score (a
      // tier filter's list order) a contact could cross the cursor and be enrolled never or
      // counted twice. Every filter of the list still applies.
      const page = await contacts.list(workspaceId, filter, {
        limit: pageSize,
        order: 'key',
        ...(cursor ? { cursor } : {}),
      });
      const contactIds = page.contacts.filter((c) => !c.deletedAt).map((c) => c.contactId);
      return page.nextCursor ? { contactIds, cursor: page.nextCursor } : { contactIds };
    },
  };
}

export function dynamoCampaignSchedule(db: DynamoDBDocumentClient, table: string): CampaignSchedule {
  return {
    async due(now, limit) {
      const out = await db.send(
        new QueryCommand({
          TableName: table,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk <= :now',
          ExpressionAttributeValues: { ':pk': DUE_CAMPAIGNS_PK, ':now': `${now.toISOString()}~` },
          Limit: limit,
        }),
      );
      return (out.Items ?? []).map(
        (item): DueCampaign => ({
          workspaceId: String(item.workspaceId),
          campaignId: String(item.campaignId),
          dueAt: String(item.nextRunAt),
        }),
      );
    },
    async markLaunched(c) {
      // A failed condition: rescheduled meanwhile, so the new slot stands and will fire on its own.
      await conditionally(
        db.send(
          new UpdateCommand({
            TableName: table,
            Key: { pk: workspacePk(c.workspaceId), sk: campaignSk(c.campaignId) },
            UpdateExpression: 'REMOVE gsi1pk, gsi1sk, nextRunAt SET lastLaunchedAt = :due',
            // The slot, not its index place: a failed one's place moved back (`moveBack`).
            ConditionExpression: 'nextRunAt = :due',
            ExpressionAttributeValues: { ':due': c.dueAt },
          }),
        ),
      );
    },
    async moveBack(c, at) {
      // A failed condition: launched or rescheduled meanwhile, and that slot's place stands.
      await conditionally(
        db.send(
          new UpdateCommand({
            TableName: table,
            Key: { pk: workspacePk(c.workspaceId), sk: campaignSk(c.campaignId) },
            UpdateExpression: 'SET gsi1sk = :place',
            ConditionExpression: 'nextRunAt = :due AND gsi1pk = :pk',
            ExpressionAttributeValues: {
              ':place': dueCampaignSk(at.toISOString(), c.workspaceId, c.campaignId),
              ':due': c.dueAt,
              ':pk': DUE_CAMPAIGNS_PK,
            },
          }),
        ),
      );
    },
  };
}
