/**
 * DynamoDB adapter of the scoring ports. Layout (core table):
 * - `WS#<ws>` / `SCORING_RULES`: the versioned rules; `SCOREJOB#<job>` (+ `#PAGE#<n>`): recompute jobs.
 * - `WS#<ws>#CONTACT#<id>` / `SCORE`: the score state; `LEDGER#<at>#<id>`: the ledger;
 *   `SCORED#<interaction>`: the claim that makes scoring idempotent per interaction.
 * - `WS#<ws>` / `CONTACT#<id>`: the contact's `score`, `tier` and gsi2 (tier, score).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ScoreStore, ScoreWrite } from '../crm/scoring/ports';
import { AlreadyScoredError, ScoreConflictError } from '../crm/scoring/ports';
import type { VersionedRules } from '../crm/scoring/rules';
import type { ScoreState } from '../crm/scoring/score-state';
import { NotFoundError } from '../errors';
import { isConditionFailure, isTransactionConflict } from './dynamo/conditions';
import { getItem } from './dynamo/item';
import { type TransactItem, transactWrite } from './dynamo/transact';
import { RULES_TTL_MS, readRulesItem, strip } from './dynamo-score-common';
import { contactSk, interactionPk, ledgerSk, SCORE_SK, scoredSk, tierGsi2, workspacePk } from './keys';

type Db = DynamoDBDocumentClient;

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
      const key = { pk: interactionPk(workspaceId, contactId), sk: SCORE_SK };
      const item = await getItem(db, table, key, { consistent: true });
      return item ? (strip(item) as unknown as ScoreState) : undefined;
    },

    async wasScored(workspaceId, contactId, interactionId) {
      const key = { pk: interactionPk(workspaceId, contactId), sk: scoredSk(interactionId) };
      return (await getItem(db, table, key, { consistent: true, projection: 'pk' })) !== undefined;
    },

    commit: (write) => commitScore(db, table, write),
  };
}

async function commitScore(db: Db, table: string, w: ScoreWrite): Promise<void> {
  const pk = interactionPk(w.workspaceId, w.contactId);
  const at = w.entries[0]?.at ?? w.state.asOf;
  const items: TransactItem[] = [];
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
      UpdateExpression: [
        'SET score = :s, tier = :t',
        ...(w.contactDeleted ? [] : ['gsi2pk = :g2pk, gsi2sk = :g2sk']),
        ...(w.aiSignals ? ['aiSignals = :ai'] : []),
      ].join(', '),
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: (() => {
        const g = tierGsi2(w.workspaceId, w.state.tier, w.state.score, w.contactId);
        return {
          ':s': w.state.score,
          ':t': w.state.tier,
          ...(w.contactDeleted ? {} : { ':g2pk': g.gsi2pk, ':g2sk': g.gsi2sk }),
          ...(w.aiSignals ? { ':ai': w.aiSignals } : {}),
        };
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
    await transactWrite(db, items);
  } catch (error) {
    if (markerIndex >= 0 && isConditionFailure(error, markerIndex)) throw new AlreadyScoredError({ cause: error });
    if (isConditionFailure(error, stateIndex)) throw new ScoreConflictError({ cause: error });
    if (isConditionFailure(error, contactIndex)) throw new NotFoundError('Contact not found', 'CONTACT_NOT_FOUND');
    // A transaction conflicting with another one in flight: the same as a version conflict.
    if (isTransactionConflict(error)) throw new ScoreConflictError({ cause: error });
    throw error;
  }
}
