/**
 * Review 18b — HIGH. A recompute that runs right after a live interaction loses that interaction's
 * points for good (lost contribution: score and ledger drop, and nothing ever puts them back).
 * Root cause: shared/adapters/dynamo-recompute-store.ts:interactions reads the contact's history
 * with an eventually consistent Query (queryPages/prefixQuery, no `ConsistentRead`), while
 * shared/crm/scoring/recompute.ts:recomputeContact reads the score state strongly consistently
 * (readForChange) and commits conditional only on that state's version. DynamoDB documents that
 * an eventually consistent read may not reflect a write completed just before it. So: a live
 * interaction commits (interaction item + state v+1 + its `SCORED#` claim, one transaction); the
 * recompute reads state v+1 (consistent), then the history without the new interaction (replica
 * behind), replays without it and commits conditional on v+1, which holds. The interaction's
 * points are gone from the score, its claim is taken (a retry changes nothing), and the ledger
 * shows a "recompute" entry taking them away.
 * The test runs on the embedded DynamoDB through a client that answers eventually consistent
 * Queries from a replica that has not seen the last interaction yet (strongly consistent reads see
 * everything), as DynamoDB may.
 * Correct: the history Query is strongly consistent (`ConsistentRead: true`), or the state write
 * is conditional on the history read being complete (e.g. on the state's lastInteractionAt /
 * interaction count matching what was replayed).
 */
import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoRecomputeStore } from '../../shared/adapters/dynamo-recompute-store';
import { dynamoScoreStore } from '../../shared/adapters/dynamo-score-store';
import { DEFAULT_SCORING_RULES } from '../../shared/crm/scoring/rules';
import { dynamoForFile, interceptedClient } from '../support/dynamo-emulator';
import { interactionOf, putContact, scoringWiring } from '../support/scoring-wiring';

let db: DynamoDBDocumentClient;
let CORE: string;
dynamoForFile('r18b-recompute-', (h) => {
  db = h.db;
  CORE = h.table('core');
});

/**
 * `db` as a replica behind by the interactions in `unseen` (by id): an eventually consistent Query leaves them
 * out; a strongly consistent one (and every other call) goes to the table as it is.
 */
const replicaBehind = (unseen: Set<string>): DynamoDBDocumentClient =>
  interceptedClient(db, async (command, send) => {
    const out = (await send(command)) as { Items?: Array<{ interactionId?: string }> };
    if (command instanceof QueryCommand && command.input.ConsistentRead !== true && out.Items) {
      return { ...out, Items: out.Items.filter((i) => !unseen.has(String(i.interactionId))) };
    }
    return out;
  });

describe('review 18b: a recompute right after a live interaction', () => {
  it('keeps the interaction the state already counts', async () => {
    const ws = `ws-${randomUUID()}`;
    const c = await putContact(db, CORE, ws);
    const scoring = scoringWiring(db, CORE);
    const { store } = scoring;
    await scoring.putRules(ws, DEFAULT_SCORING_RULES);

    // A reply (+20 engagement, weight .6: score 12) is recorded and scored live.
    const reply = interactionOf(c, 'email_replied', new Date().toISOString(), 'gmail');
    const live = await scoring.scorer().recordAndScore(reply);
    expect(live.score).toBe(12);

    // The recompute's page runs at once: its eventually consistent history read has not seen the reply yet.
    const unseen = new Set([reply.interactionId]);
    const lagging = replicaBehind(unseen);
    await scoring.recompute({
      store: dynamoScoreStore(lagging, CORE),
      recompute: dynamoRecomputeStore(lagging, CORE),
    });

    const state = await store.readState(ws, c.contactId);
    expect(state?.score, 'the reply counted live is still in the score after the recompute').toBe(12);
  });
});
