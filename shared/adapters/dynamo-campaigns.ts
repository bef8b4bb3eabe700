/**
 * DynamoDB adapters of campaigns: the campaign record (draft + status, written with a
 * condition on its revision), its frozen versions, the audience of a launch, and the schedule
 * of due launches. Journeys and rules are stored as JSON strings: they are read whole, never
 * queried into, and a string keeps DynamoDB's attribute rules out of the graph's way.
 */
import { type DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Campaign, CampaignStatus, CampaignStore } from '../campaigns/campaign';
import type { PublishedVersion } from '../campaigns/enrolment';
import type { AudienceSource, CampaignSchedule, CampaignVersions, DueCampaign } from '../campaigns/ports';
import type { ContactStore } from '../crm/contacts/ports';
import { ttlMemo } from '../ttl-memo';
import { conditionally } from './dynamo/conditions';
import { prefixRange } from './dynamo/cursor';
import { getItem, type Item } from './dynamo/item';
import { pagedQuery, prefixQuery } from './dynamo/query';
import { transactWrite } from './dynamo/transact';
import { auditPut } from './dynamo-audit';
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
 * Attributes of the campaign item the campaign store does not own: the schedule slot the
 * trigger sync and the scheduled trigger write (`nextRunAt`, gsi1 `DUE#campaign`, and the
 * revision of the sync that wrote it, `slotRevision`) and the last launch. A write of the
 * campaign keeps whatever they hold.
 */
const NOT_OWNED = new Set(['pk', 'sk', 'nextRunAt', 'gsi1pk', 'gsi1sk', 'slotRevision', 'lastLaunchedAt']);

/**
 * An UpdateItem writing the campaign's own attributes (removing its optional ones it no longer
 * has), under the revision condition: unlike a whole-item Put, it leaves the attributes other
 * writers own (NOT_OWNED) as they are, so a promotion or a status change never drops the slot.
 */
function campaignUpdate(table: string, next: Campaign) {
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
  return {
    TableName: table,
    Key: { pk: item.pk, sk: item.sk },
    UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
    ConditionExpression: '#revision = :previous',
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

const revisionCondition = (revision: number) => ({
  ConditionExpression: '#revision = :previous',
  ExpressionAttributeNames: { '#revision': 'revision' },
  ExpressionAttributeValues: { ':previous': revision - 1 },
});

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
      const pk = workspacePk(workspaceId);
      const found = await pagedQuery(
        db,
        {
          ...prefixQuery(table, pk, CAMPAIGN_PREFIX),
          ...(page.status
            ? {
                FilterExpression: '#status = :status',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: {
                  ':pk': pk,
                  ':prefix': CAMPAIGN_PREFIX,
                  ':status': page.status satisfies CampaignStatus,
                },
              }
            : {}),
        },
        {
          limit: page.limit,
          cursor: page.cursor,
          shape: { equals: { pk }, within: { sk: prefixRange(CAMPAIGN_PREFIX) } },
          ...(page.status ? { collect: { maxPages: 5, keyOf: (item: Item) => ({ pk: item.pk, sk: item.sk }) } } : {}),
        },
      );
      return {
        campaigns: found.items.map(campaignFromItem),
        ...(found.cursor ? { nextCursor: found.cursor } : {}),
      };
    },

    async create(c) {
      await db.send(
        new PutCommand({ TableName: table, Item: campaignItem(c), ConditionExpression: 'attribute_not_exists(pk)' }),
      );
    },

    async replace(next, extra) {
      const audit = extra?.audit ?? [];
      if (audit.length === 0) return conditionally(db.send(new UpdateCommand(campaignUpdate(table, next))));
      const { auditTable } = options;
      if (!auditTable) throw new Error('This campaign store has no audit table: an audited change cannot be written');
      // Only the revision's condition (item 0) failing is a lost race; an entry refused is an error.
      return conditionally(
        transactWrite(db, [
          { Update: campaignUpdate(table, next) },
          ...audit.map((entry) => ({ Put: auditPut(auditTable, entry) })),
        ]),
        0,
      );
    },

    // A whole-item Put on purpose: a publish may change the trigger, so it drops the old slot (and
    // its stamp) and the trigger sync that follows every publish writes the new one. That sync is
    // conditional on this published version and status, not on this revision, so a promotion or an
    // edit landing in between does not make it miss (dynamo-campaign-triggers.ts setSchedule).
    publish(next, frozen) {
      return conditionally(
        transactWrite(db, [
          { Put: { TableName: table, Item: campaignItem(next), ...revisionCondition(next.revision) } },
          { Put: { TableName: table, Item: versionItem(frozen), ConditionExpression: 'attribute_not_exists(pk)' } },
        ]),
      );
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
