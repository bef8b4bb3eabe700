/**
 * DynamoDB adapter of the scoring ports. Layout (core table):
 * - `WS#<ws>` / `SCORING_RULES`: the versioned rules; `SCOREJOB#<job>` (+ `#PAGE#<n>`): recompute jobs.
 * - `WS#<ws>#CONTACT#<id>` / `SCORE`: the score state; `LEDGER#<at>#<id>`: the ledger;
 *   `SCORED#<interaction>`: the claim that makes scoring idempotent per interaction (and a
 *   recompute per rules version, `SCORED#recompute#v<n>`), with the tier crossing its change made
 *   (`crossingFrom/To/Score/At`), re-published by a redelivery.
 * - `WS#<ws>` / `CONTACT#<id>`: the contact's `score`, `tier` and gsi2 (tier, score).
 *
 * A score change reads once (`readForChange`: state, claim and contact in one strongly
 * consistent BatchGetItem) and writes once (`commit`: claim, state, contact, ledger and, for an
 * interaction, the interaction itself, in one transaction). A transaction holds at most 100 items:
 * ledger entries past that (a recompute changing very many groups) are kept on the claim and written
 * right after the transaction, conditional on the claim; a `readForChange` that finds a claim
 * keeping such entries writes them again (the same items), so a crash in between leaves none out. An interaction is stored only on a
 * live contact: the contact's update requires it not deleted, and adds one to the contact's
 * `interactionSeq` (absent on contacts stored before it was kept: 0), which a recompute's write
 * requires unchanged since its read, so no interaction stored meanwhile is left out of its replay.
 * An AI assessment's write requires the stored `aiSignals.basedOn` no newer than its own. A score
 * change requires the contact still deleted, or still live, as read: that decided whether the write
 * sets the tier index (gsi2), so a delete or restore in between is a conflict, retried from a fresh read.
 */
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import LRUCache from '../aws/lru-cache';
import type { Tier } from '../crm/scoring/composite';
import type { ScoreStore, ScoreWrite } from '../crm/scoring/ports';
import { AlreadyScoredError, InteractionStoredError, ScoreConflictError } from '../crm/scoring/ports';
import type { VersionedRules } from '../crm/scoring/rules';
import type { ScoreCrossing, ScoreState } from '../crm/scoring/score-state';
import { batchGet } from './dynamo/batch';
import { conditionally, isConditionFailure, isTransactionConflict } from './dynamo/conditions';
import { getItem, type Item } from './dynamo/item';
import { MAX_TRANSACTION_ITEMS, type TransactItem, transactWrite } from './dynamo/transact';
import { auditPut } from './dynamo-audit';
import { contactFromItem } from './dynamo-contacts';
import { interactionItem } from './dynamo-interactions';
import { RULES_TTL_MS, readRulesItem, strip } from './dynamo-score-common';
import { contactSk, interactionPk, ledgerSk, SCORE_SK, scoredSk, tierGsi2, workspacePk } from './keys';

type Db = DynamoDBDocumentClient;

/** Workspaces whose rules an instance keeps cached (RULES_TTL_MS each), the most recently read. */
export const RULES_CACHED_WORKSPACES = 1000;

export interface ScoreStoreOptions {
  readonly clock?: () => number;
  /** The audit table: a change that carries its request's audit entry writes it in its transaction. */
  readonly auditTable?: string;
}

export function dynamoScoreStore(db: Db, table: string, options: ScoreStoreOptions = {}): ScoreStore {
  const { clock = Date.now, auditTable } = options;
  // One entry per workspace this instance read the rules of (the store lives as long as the
  // process): the most recently read RULES_CACHED_WORKSPACES; an evicted one is read afresh.
  const cache = new LRUCache<string, { at: number; value: VersionedRules }>(RULES_CACHED_WORKSPACES);

  return {
    async readRules(workspaceId, options) {
      const hit = cache.get(workspaceId);
      if (!options?.fresh && hit && clock() - hit.at < RULES_TTL_MS) return hit.value;
      const value = await readRulesItem(db, table, workspaceId);
      cache.set(workspaceId, { at: clock(), value });
      return value;
    },

    async readState(workspaceId, contactId) {
      const key = { pk: interactionPk(workspaceId, contactId), sk: SCORE_SK };
      const item = await getItem(db, table, key, { consistent: true });
      return item ? (strip(item) as unknown as ScoreState) : undefined;
    },

    async readForChange(workspaceId, contactId, scoredId, options) {
      const pk = interactionPk(workspaceId, contactId);
      const stateKey = { pk, sk: SCORE_SK };
      const claimKey = { pk, sk: scoredSk(scoredId) };
      const contactKey = { pk: workspacePk(workspaceId), sk: contactSk(contactId) };
      const items = await batchGet(db, table, [stateKey, claimKey, ...(options?.contact ? [contactKey] : [])], {
        consistent: true,
      });
      const find = (key: { pk: string; sk: string }) => items.find((i) => i.pk === key.pk && i.sk === key.sk);
      const state = find(stateKey);
      const claim = find(claimKey);
      const contact = options?.contact ? find(contactKey) : undefined;
      const crossing = claim && crossingOfClaim(claim);
      // The change this claim made kept ledger entries for after its transaction: (re)written first.
      if (claim) await writeLedgerRest(db, table, claimKey, ledgerRestOf(claim));
      return {
        ...(state ? { state: strip(state) as unknown as ScoreState } : {}),
        scored: claim !== undefined,
        ...(crossing ? { crossing } : {}),
        ...(options?.contact ? { contact: contact ? contactFromItem(contact) : null } : {}),
        ...(contact ? { interactionSeq: interactionSeqOf(contact) } : {}),
      };
    },

    commit: (write) => commitScore(db, table, write, auditTable),
  };
}

async function commitScore(db: Db, table: string, w: ScoreWrite, auditTable: string | undefined): Promise<void> {
  const pk = interactionPk(w.workspaceId, w.contactId);
  const items: TransactItem[] = [];
  const at = (index: number | undefined) => (index === undefined ? -1 : index);
  const push = (item: TransactItem): number => items.push(item) - 1;
  const interactionIndex = w.interaction
    ? push({
        Put: {
          TableName: table,
          Item: interactionItem(w.interaction),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      })
    : undefined;
  const { state } = w;
  let stateIndex: number | undefined;
  const contactKey = { pk: workspacePk(w.workspaceId), sk: contactSk(w.contactId) };
  const contactUpdate = contactChange(w);
  // The index orders one write's entries, so the ledger reads newest first within it too.
  const ledger = w.entries.map((entry, i): Item => {
    const id = `${String(i).padStart(3, '0')}.${entry.ledgerId}`;
    return { pk, sk: ledgerSk(entry.at, id), type: 'scoreLedger', ...entry };
  });
  // What the transaction holds besides the ledger; the entries past its 100 items wait on the claim.
  const others = [w.interaction, w.interactionId, state, contactUpdate, auditTable && w.audit].filter(Boolean).length;
  const inline = ledger.slice(0, MAX_TRANSACTION_ITEMS - others);
  const rest = ledger.slice(inline.length);
  if (rest.length > 0 && !w.interactionId) {
    throw new RangeError(`A score write of ${ledger.length} ledger entries needs a claim to keep those past 100 items`);
  }
  // The claim: with a state change, or alone for an interaction whose id may come again at another time.
  const stamp = w.entries[0]?.at ?? state?.asOf ?? w.interaction?.occurredAt;
  const claimKey = w.interactionId ? { pk, sk: scoredSk(w.interactionId) } : undefined;
  const markerIndex = claimKey
    ? push({
        Put: {
          TableName: table,
          // The crossing the change made rides on its claim: a redelivery finding the claim re-publishes it.
          // So do the ledger entries past the transaction: a redelivery finding the claim writes them again.
          Item: {
            ...claimKey,
            type: 'scoreMarker',
            at: stamp,
            ...crossingAttributes(w),
            ...(rest.length > 0 ? { ledgerRest: rest } : {}),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      })
    : undefined;
  if (state) {
    stateIndex = push({
      Put: { TableName: table, Item: { pk, sk: SCORE_SK, type: 'scoreState', ...state }, ...stateCondition(w) },
    });
  }
  // An interaction always updates the contact (its counter), on condition that it is live.
  const contactIndex = contactUpdate
    ? push({ Update: { TableName: table, Key: contactKey, ...contactUpdate } })
    : undefined;
  for (const Item of inline) push({ Put: { TableName: table, Item } });
  // The request's audit entry, with the change (only when something else is written).
  const audit = auditTable && w.audit && items.length > 0 ? w.audit : undefined;
  if (audit && auditTable) push({ Put: auditPut(auditTable, audit.record) });
  try {
    const [only] = items;
    // One item (a claim, on a retry whose interaction an earlier attempt stored): a PutItem.
    if (items.length === 1 && only?.Put) await db.send(new PutCommand(only.Put));
    else if (items.length > 0) await transactWrite(db, items);
  } catch (error) {
    if (items.length === 1 && interactionIndex === 0 && isConditionFailure(error)) {
      throw new InteractionStoredError({ cause: error });
    }
    if (isConditionFailure(error, at(interactionIndex))) throw new InteractionStoredError({ cause: error });
    if (isConditionFailure(error, at(markerIndex))) throw new AlreadyScoredError({ cause: error });
    if (isConditionFailure(error, at(stateIndex))) throw new ScoreConflictError({ cause: error });
    // Every condition on the contact holds what the write was decided from (there, deleted or
    // live, its interaction counter, its last interaction, its AI assessment): gone, deleted or
    // restored since the read, or moved meanwhile, the next read tells which.
    if (isConditionFailure(error, at(contactIndex))) throw new ScoreConflictError({ cause: error });
    // A transaction conflicting with another one in flight: the same as a version conflict.
    if (isTransactionConflict(error)) throw new ScoreConflictError({ cause: error });
    throw error;
  }
  audit?.markWritten();
  // Failing here fails the call: its retry (a redelivered page) finds the claim and writes them again.
  if (claimKey) await writeLedgerRest(db, table, claimKey, rest);
}

/** The ledger items a claim keeps for after its change's transaction (none on most claims). */
const ledgerRestOf = (claim: Item): Item[] =>
  Array.isArray(claim.ledgerRest) ? (claim.ledgerRest as unknown[]).filter(isItem) : [];

const isItem = (value: unknown): value is Item =>
  typeof value === 'object' && value !== null && typeof (value as Item).pk === 'string';

/**
 * Writes the ledger items of a committed change that its transaction had no room for, in
 * transactions of their own, each conditional on the change's claim still being there (a contact
 * partition removed meanwhile gets none back). The same keys and values each time: idempotent.
 */
async function writeLedgerRest(
  db: Db,
  table: string,
  claimKey: { pk: string; sk: string },
  rest: readonly Item[],
): Promise<void> {
  const room = MAX_TRANSACTION_ITEMS - 1;
  for (let i = 0; i < rest.length; i += room) {
    const claimThere: TransactItem = {
      ConditionCheck: { TableName: table, Key: claimKey, ConditionExpression: 'attribute_exists(pk)' },
    };
    const puts = rest.slice(i, i + room).map((Item): TransactItem => ({ Put: { TableName: table, Item } }));
    if (!(await conditionally(transactWrite(db, [claimThere, ...puts]), 0))) return;
  }
}

/**
 * The state's condition: the version read (none: no state yet) and, for a recompute, rules no newer
 * than its own (a state written under newer rules is never taken back to older ones).
 */
function stateCondition(w: ScoreWrite): {
  ConditionExpression: string;
  ExpressionAttributeValues?: Record<string, unknown>;
} {
  if (w.expectedVersion === 0) return { ConditionExpression: 'attribute_not_exists(pk)' };
  if (w.maxRulesVersion === undefined) {
    return { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': w.expectedVersion } };
  }
  return {
    ConditionExpression: 'version = :v AND (attribute_not_exists(rulesVersion) OR rulesVersion <= :rv)',
    ExpressionAttributeValues: { ':v': w.expectedVersion, ':rv': w.maxRulesVersion },
  };
}

/** The crossing of a change, as its claim item keeps it (`crossingFrom`, `crossingTo`, `crossingScore`, `crossingAt`). */
function crossingAttributes(w: ScoreWrite): Record<string, unknown> {
  const c = w.crossing;
  if (!c) return {};
  return { crossingFrom: c.fromTier, crossingTo: c.toTier, crossingScore: c.score, crossingAt: c.at };
}

/** The crossing a claim item keeps; claims written before crossings were kept (or without one) have none. */
function crossingOfClaim(item: Record<string, unknown>): ScoreCrossing | undefined {
  const { crossingFrom, crossingTo, crossingScore, crossingAt } = item;
  if (typeof crossingFrom !== 'string' || typeof crossingTo !== 'string' || typeof crossingAt !== 'string') {
    return undefined;
  }
  return {
    fromTier: crossingFrom as Tier,
    toTier: crossingTo as Tier,
    score: Number(crossingScore),
    at: crossingAt,
  };
}

/** The contact item's interaction counter: 0 when absent (a contact stored before it was kept). */
const interactionSeqOf = (item: Record<string, unknown>): number => {
  const seq = Number(item.interactionSeq ?? 0);
  return Number.isFinite(seq) ? seq : 0;
};

/** The contact is there and not deleted. */
const LIVE_CONTACT = 'attribute_exists(pk) AND attribute_not_exists(deletedAt)';
/** The contact is there and deleted. */
const DELETED_CONTACT = 'attribute_exists(pk) AND attribute_exists(deletedAt)';

/** Whether a write puts the contact on the tier index (gsi2): a score change of a contact read live. */
const indexesTier = (w: ScoreWrite): boolean => w.state !== undefined && !w.contactDeleted;

/**
 * The contact's part of a write: its score, tier and gsi2 when the score changes, its last
 * interaction time when later, and one more on its interaction counter for an interaction.
 */
function contactChange(
  w: ScoreWrite,
):
  | { UpdateExpression: string; ConditionExpression: string; ExpressionAttributeValues: Record<string, unknown> }
  | undefined {
  const sets: string[] = [];
  const values: Record<string, unknown> = {};
  const { state } = w;
  if (state) {
    sets.push('score = :s, tier = :t');
    Object.assign(values, { ':s': state.score, ':t': state.tier });
    if (indexesTier(w)) {
      const g = tierGsi2(w.workspaceId, state.tier, state.score, w.contactId);
      sets.push('gsi2pk = :g2pk, gsi2sk = :g2sk');
      Object.assign(values, { ':g2pk': g.gsi2pk, ':g2sk': g.gsi2sk });
    }
    if (w.aiSignals) {
      sets.push('aiSignals = :ai');
      values[':ai'] = w.aiSignals;
    }
  }
  // What the write does with the tier index was decided from the contact's deleted state as read,
  // so the write holds only while that state does. Live: gsi2 is set, and a delete landing between
  // the read and this write fails it (the next read sees the contact deleted and leaves the index
  // alone). Deleted: gsi2 is left alone, and a restore landing meanwhile (which indexed the contact
  // at the tier it read) fails it (the next read sees it live and indexes it at the new tier).
  // Either way a conflict, retried from a fresh read; the stored gsi2 always names the stored tier.
  // An interaction is stored only on a live contact, whether it changes the score or not (the next
  // read refuses it).
  let condition =
    indexesTier(w) || w.interaction
      ? LIVE_CONTACT
      : state && w.contactDeleted
        ? DELETED_CONTACT
        : 'attribute_exists(pk)';
  if (w.lastInteractionAt !== undefined) {
    sets.push('lastInteractionAt = :li');
    values[':li'] = w.lastInteractionAt;
    condition += ' AND (attribute_not_exists(lastInteractionAt) OR lastInteractionAt < :li)';
  }
  // An AI assessment never replaces one based on newer data (record-contact-intelligence.ts).
  if (state && w.aiSignals?.basedOn !== undefined) {
    condition += ' AND (attribute_not_exists(aiSignals.basedOn) OR aiSignals.basedOn <= :aiBasedOn)';
    values[':aiBasedOn'] = w.aiSignals.basedOn;
  }
  // Every interaction stored, scored or not, backdated or not, moves the counter.
  if (w.interaction) values[':one'] = 1;
  // A recompute's replay saw the history up to the counter as it read it (absent: 0).
  if (w.expectedInteractionSeq !== undefined) {
    condition +=
      w.expectedInteractionSeq === 0
        ? ' AND (attribute_not_exists(interactionSeq) OR interactionSeq = :seq)'
        : ' AND interactionSeq = :seq';
    values[':seq'] = w.expectedInteractionSeq;
  }
  if (sets.length === 0 && !w.interaction) return undefined;
  const set = sets.length > 0 ? `SET ${sets.join(', ')}` : '';
  const add = w.interaction ? 'ADD interactionSeq :one' : '';
  return {
    UpdateExpression: [set, add].filter(Boolean).join(' '),
    ConditionExpression: condition,
    ExpressionAttributeValues: values,
  };
}
