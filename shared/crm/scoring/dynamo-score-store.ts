/**
 * DynamoDB adapter of the scoring ports. Layout (core table):
 * - `WS#<ws>` / `SCORING_RULES`: the versioned rules; `SCOREJOB#<job>` (+ `#PAGE#<n>`): recompute jobs.
 * - `WS#<ws>#CONTACT#<id>` / `SCORE`: the score state; `LEDGER#<at>#<id>`: the ledger;
 *   `SCORED#<interaction>`: the claim that makes scoring idempotent per interaction.
 * - `WS#<ws>` / `CONTACT#<id>`: the contact's `score`, `tier` and gsi2 (tier, score).
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { workspacePk } from '../../adapters/keys';
import { ConflictError, NotFoundError } from '../../errors';
import { collectPages, decodeKeyCursor, encodeCursor, type Key } from '../../governance/paging';
import { CONTACT_PREFIX, contactSk, interactionPk, ledgerSk, SCORE_SK, SCORING_RULES_SK, tierGsi2 } from '../keys';
import { INTERACTION_TYPES, type Interaction } from '../model';
import type {
  HotLead,
  RecomputeJob,
  RecomputeStore,
  RulesStore,
  ScoredContact,
  ScoreReader,
  ScoreStore,
  ScoreWrite,
} from './ports';
import { AlreadyScoredError, ScoreConflictError } from './ports';
import { DEFAULT_SCORING_RULES, scoringRulesSchema, type VersionedRules } from './rules';
import type { LedgerEntry, ScoreState } from './score-state';

const RULES_TTL_MS = 60_000;
const scoredSk = (interactionId: string): string => `SCORED#${interactionId}`;
const jobSk = (jobId: string): string => `SCOREJOB#${jobId}`;
const jobPageSk = (jobId: string, page: number): string => `SCOREJOB#${jobId}#PAGE#${page}`;
const strip = ({ pk: _pk, sk: _sk, type: _t, ...rest }: Record<string, unknown>) => rest;

type Db = DynamoDBDocumentClient;

const conditionFailed = (error: unknown, index: number): boolean =>
  error instanceof TransactionCanceledException &&
  error.CancellationReasons?.[index]?.Code === 'ConditionalCheckFailed';

export function dynamoScoreStore(db: Db, table: string, clock: () => number = Date.now): ScoreStore {
  const cache = new Map<string, { at: number; value: VersionedRules }>();

  return {
    async readRules(workspaceId, options) {
      const hit = cache.get(workspaceId);
      if (!options?.fresh && hit && clock() - hit.at < RULES_TTL_MS) return hit.value;
      const value = await readRulesItem(db, table, workspaceId);
      cache.set(workspaceId, { at: clock(), value });
      return value;
    },

    async readState(workspaceId, contactId) {
      const out = await db.send(
        new GetCommand({
          TableName: table,
          Key: { pk: interactionPk(workspaceId, contactId), sk: SCORE_SK },
          ConsistentRead: true,
        }),
      );
      return out.Item ? (strip(out.Item) as unknown as ScoreState) : undefined;
    },

    async wasScored(workspaceId, contactId, interactionId) {
      const out = await db.send(
        new GetCommand({
          TableName: table,
          Key: { pk: interactionPk(workspaceId, contactId), sk: scoredSk(interactionId) },
          ConsistentRead: true,
          ProjectionExpression: 'pk',
        }),
      );
      return out.Item !== undefined;
    },

    commit: (write) => commitScore(db, table, write),
  };
}

async function readRulesItem(db: Db, table: string, workspaceId: string): Promise<VersionedRules> {
  const out = await db.send(
    new GetCommand({
      TableName: table,
      Key: { pk: workspacePk(workspaceId), sk: SCORING_RULES_SK },
      ConsistentRead: true,
    }),
  );
  if (!out.Item) return { version: 0, rules: DEFAULT_SCORING_RULES };
  const item = out.Item;
  return {
    version: Number(item.version),
    rules: scoringRulesSchema.parse(item.rules),
    ...(item.updatedAt ? { updatedAt: String(item.updatedAt) } : {}),
    ...(item.updatedBy ? { updatedBy: String(item.updatedBy) } : {}),
    ...(item.recomputeJobId ? { recomputeJobId: String(item.recomputeJobId) } : {}),
  };
}

async function commitScore(db: Db, table: string, w: ScoreWrite): Promise<void> {
  const pk = interactionPk(w.workspaceId, w.contactId);
  const at = w.entries[0]?.at ?? w.state.asOf;
  const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [];
  const markerIndex = w.interactionId ? 0 : -1;
  if (w.interactionId) {
    items.push({
      Put: {
        TableName: table,
        Item: { pk, sk: scoredSk(w.interactionId), type: 'scoreMarker', at },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
  }
  const stateIndex = items.length;
  items.push({
    Put: {
      TableName: table,
      Item: { pk, sk: SCORE_SK, type: 'scoreState', ...w.state },
      ConditionExpression: w.expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :v',
      ...(w.expectedVersion === 0 ? {} : { ExpressionAttributeValues: { ':v': w.expectedVersion } }),
    },
  });
  const contactIndex = items.length;
  items.push({
    Update: {
      TableName: table,
      Key: { pk: workspacePk(w.workspaceId), sk: contactSk(w.contactId) },
      UpdateExpression: w.contactDeleted
        ? 'SET score = :s, tier = :t'
        : 'SET score = :s, tier = :t, gsi2pk = :g2pk, gsi2sk = :g2sk',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: (() => {
        const g = tierGsi2(w.workspaceId, w.state.tier, w.state.score, w.contactId);
        const base = { ':s': w.state.score, ':t': w.state.tier };
        return w.contactDeleted ? base : { ...base, ':g2pk': g.gsi2pk, ':g2sk': g.gsi2sk };
      })(),
    },
  });
  // The index orders one write's entries, so the ledger reads newest first within it too.
  for (const [i, entry] of w.entries.entries()) {
    const id = `${String(i).padStart(3, '0')}.${entry.ledgerId}`;
    items.push({
      Put: { TableName: table, Item: { pk, sk: ledgerSk(entry.at, id), type: 'scoreLedger', ...entry } },
    });
  }
  try {
    await db.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    if (markerIndex >= 0 && conditionFailed(error, markerIndex)) throw new AlreadyScoredError({ cause: error });
    if (conditionFailed(error, stateIndex)) throw new ScoreConflictError({ cause: error });
    if (conditionFailed(error, contactIndex)) throw new NotFoundError('Contact not found', 'CONTACT_NOT_FOUND');
    // A transaction conflicting with another one in flight: the same as a version conflict.
    if (
      error instanceof TransactionCanceledException &&
      error.CancellationReasons?.some((r) => r.Code === 'TransactionConflict')
    )
      throw new ScoreConflictError({ cause: error });
    throw error;
  }
}

export function dynamoScoreReader(db: Db, table: string): ScoreReader {
  return {
    async contact(workspaceId, contactId) {
      const out = await db.send(
        new GetCommand({ TableName: table, Key: { pk: workspacePk(workspaceId), sk: contactSk(contactId) } }),
      );
      return out.Item ? (strip(out.Item) as unknown as ScoredContact) : undefined;
    },

    async ledger(workspaceId, contactId, limit, cursor) {
      const pk = interactionPk(workspaceId, contactId);
      const start = decodeKeyCursor(cursor, { equals: { pk }, within: { sk: ['LEDGER#', 'LEDGER$'] } });
      const out = await db.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
          ExpressionAttributeValues: { ':pk': pk, ':p': 'LEDGER#' },
          ScanIndexForward: false,
          Limit: limit,
          ExclusiveStartKey: start,
        }),
      );
      const next = encodeCursor(out.LastEvaluatedKey);
      const items = (out.Items ?? []).map((i) => strip(i) as unknown as LedgerEntry);
      return next ? { items, cursor: next } : { items };
    },

    async hotLeads(workspaceId, limit, cursor) {
      const gsi2pk = tierGsi2(workspaceId, 'hot', 0, '').gsi2pk;
      const pk = workspacePk(workspaceId);
      const startKey = decodeKeyCursor(cursor, {
        equals: { gsi2pk, pk },
        within: { sk: [CONTACT_PREFIX, 'CONTACT$'], gsi2sk: ['0', '9~'] },
      });
      const { items, nextKey } = await collectPages<Record<string, unknown>>(
        async (start) => {
          const out = await db.send(
            new QueryCommand({
              TableName: table,
              IndexName: 'gsi2',
              KeyConditionExpression: 'gsi2pk = :g',
              FilterExpression: 'attribute_not_exists(deletedAt)',
              ExpressionAttributeValues: { ':g': gsi2pk },
              ScanIndexForward: false,
              Limit: limit,
              ExclusiveStartKey: start,
            }),
          );
          return { items: out.Items ?? [], ...(out.LastEvaluatedKey ? { lastKey: out.LastEvaluatedKey } : {}) };
        },
        {
          limit,
          maxPages: 5,
          ...(startKey ? { startKey } : {}),
          keyOf: (i) => ({ pk: i.pk, sk: i.sk, gsi2pk: i.gsi2pk, gsi2sk: i.gsi2sk }),
        },
      );
      const leads: HotLead[] = items.map((i) => ({
        contactId: String(i.contactId ?? String(i.sk).slice(CONTACT_PREFIX.length)),
        email: String(i.email ?? ''),
        ...(i.firstName ? { firstName: String(i.firstName) } : {}),
        ...(i.lastName ? { lastName: String(i.lastName) } : {}),
        ...(i.company ? { company: String(i.company) } : {}),
        score: Number(i.score ?? 0),
      }));
      const next = encodeCursor(nextKey as Key | undefined);
      return next ? { items: leads, cursor: next } : { items: leads };
    },
  };
}

export function dynamoRulesStore(db: Db, table: string): RulesStore {
  return {
    async saveRules(workspaceId, rules, meta) {
      const current = await readRulesItem(db, table, workspaceId);
      const expected = meta.expectedVersion ?? current.version;
      if (expected !== current.version)
        throw new ConflictError('The rules changed since you read them', 'RULES_VERSION_CONFLICT');
      const version = expected + 1;
      const at = meta.now.toISOString();
      const pk = workspacePk(workspaceId);
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: table,
                  Item: {
                    pk,
                    sk: SCORING_RULES_SK,
                    type: 'scoringRules',
                    version,
                    rules,
                    updatedAt: at,
                    updatedBy: meta.updatedBy,
                    recomputeJobId: meta.jobId,
                  },
                  ConditionExpression: expected === 0 ? 'attribute_not_exists(pk)' : 'version = :v',
                  ...(expected === 0 ? {} : { ExpressionAttributeValues: { ':v': expected } }),
                },
              },
              {
                Put: {
                  TableName: table,
                  Item: {
                    pk,
                    sk: jobSk(meta.jobId),
                    type: 'scoreJob',
                    jobId: meta.jobId,
                    version,
                    status: 'running',
                    pages: 0,
                    contacts: 0,
                    startedAt: at,
                    updatedAt: at,
                  },
                },
              },
            ],
          }),
        );
      } catch (error) {
        if (conditionFailed(error, 0))
          throw new ConflictError('The rules changed since you read them', 'RULES_VERSION_CONFLICT');
        throw error;
      }
      return version;
    },

    async readJob(workspaceId, jobId) {
      const out = await db.send(
        new GetCommand({ TableName: table, Key: { pk: workspacePk(workspaceId), sk: jobSk(jobId) } }),
      );
      return out.Item ? (strip(out.Item) as unknown as RecomputeJob) : undefined;
    },
  };
}

export function dynamoRecomputeStore(db: Db, table: string): RecomputeStore {
  return {
    async contacts(workspaceId, limit, cursor) {
      const pk = workspacePk(workspaceId);
      const start = decodeKeyCursor(cursor, { equals: { pk }, within: { sk: [CONTACT_PREFIX, 'CONTACT$'] } });
      const out = await db.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
          ExpressionAttributeValues: { ':pk': pk, ':p': CONTACT_PREFIX },
          Limit: limit,
          ExclusiveStartKey: start,
        }),
      );
      const items = (out.Items ?? []).map((i) => {
        const c = strip(i) as Record<string, unknown>;
        return {
          tags: [],
          customFields: {},
          status: 'lead',
          score: 0,
          tier: 'cold',
          ...c,
          contactId: String(c.contactId ?? String(i.sk).slice(CONTACT_PREFIX.length)),
          workspaceId,
        } as unknown as ScoredContact;
      });
      const next = encodeCursor(out.LastEvaluatedKey);
      return next ? { items, cursor: next } : { items };
    },

    async interactions(workspaceId, contactId, max) {
      const items: Array<Pick<Interaction, 'interactionId' | 'type' | 'occurredAt'>> = [];
      let start: Key | undefined;
      do {
        const out = await db.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
            ExpressionAttributeValues: { ':pk': interactionPk(workspaceId, contactId), ':p': 'INTERACTION#' },
            // The contacts adapter keeps the interaction's own type in `type_` (`type` is the record kind).
            ProjectionExpression: 'interactionId, type_, occurredAt',
            ExclusiveStartKey: start,
          }),
        );
        for (const i of out.Items ?? []) {
          const type = INTERACTION_TYPES.find((t) => t === i.type_);
          if (type && typeof i.interactionId === 'string' && typeof i.occurredAt === 'string')
            items.push({ interactionId: i.interactionId, type, occurredAt: i.occurredAt });
        }
        start = out.LastEvaluatedKey;
        if (items.length > max) return { items: items.slice(0, max), complete: false };
      } while (start);
      return { items, complete: true };
    },

    async pageDone(workspaceId, jobId, page) {
      const out = await db.send(
        new GetCommand({
          TableName: table,
          Key: { pk: workspacePk(workspaceId), sk: jobPageSk(jobId, page) },
          ConsistentRead: true,
        }),
      );
      return out.Item !== undefined;
    },

    async finishPage(workspaceId, jobId, page, contacts, last, now) {
      const pk = workspacePk(workspaceId);
      const at = now.toISOString();
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: table,
                  Item: {
                    pk,
                    sk: jobPageSk(jobId, page),
                    type: 'scoreJobPage',
                    contacts,
                    at,
                    expiresAt: Math.floor(now.getTime() / 1000) + 14 * 86_400,
                  },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Update: {
                  TableName: table,
                  Key: { pk, sk: jobSk(jobId) },
                  UpdateExpression: `ADD pages :one, contacts :n SET updatedAt = :at${last ? ', #s = :done, completedAt = :at' : ''}`,
                  ConditionExpression: 'attribute_exists(pk)',
                  ExpressionAttributeNames: last ? { '#s': 'status' } : undefined,
                  ExpressionAttributeValues: {
                    ':one': 1,
                    ':n': contacts,
                    ':at': at,
                    ...(last ? { ':done': 'completed' } : {}),
                  },
                },
              },
            ],
          }),
        );
      } catch (error) {
        if (conditionFailed(error, 0)) return; // the page was finished by an earlier delivery
        throw error;
      }
    },

    async markSuperseded(workspaceId, jobId, now) {
      await db
        .send(
          new UpdateCommand({
            TableName: table,
            Key: { pk: workspacePk(workspaceId), sk: jobSk(jobId) },
            UpdateExpression: 'SET #s = :s, updatedAt = :at',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':s': 'superseded', ':at': now.toISOString() },
          }),
        )
        .catch((error: unknown) => {
          if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
        });
    },
  };
}
