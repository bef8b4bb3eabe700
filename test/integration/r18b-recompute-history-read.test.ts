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
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoRecomputeStore } from '../../shared/adapters/dynamo-recompute-store';
import { dynamoRulesStore } from '../../shared/adapters/dynamo-rules-store';
import { dynamoScoreStore } from '../../shared/adapters/dynamo-score-store';
import { contactSk, tierGsi2, workspacePk } from '../../shared/adapters/keys';
import type { Contact, Interaction } from '../../shared/crm/model';
import type { RecomputeMessage } from '../../shared/crm/scoring/ports';
import { putScoringRules, recomputePage } from '../../shared/crm/scoring/recompute';
import { DEFAULT_SCORING_RULES } from '../../shared/crm/scoring/rules';
import { interactionScorer } from '../../shared/crm/scoring/score-interaction';
import { dynamoForFile } from '../support/dynamo-emulator';

let db: DynamoDBDocumentClient;
let CORE: string;
dynamoForFile('r18b-recompute-', (h) => {
  db = h.db;
  CORE = h.table('core');
});

type Send = (command: unknown) => Promise<unknown>;
/**
 * `db` as a replica behind by the interactions in `unseen` (by id): an eventually consistent Query leaves them
 * out; a strongly consistent one (and every other call) goes to the table as it is.
 */
const replicaBehind = (unseen: Set<string>): DynamoDBDocumentClient =>
  new Proxy(db, {
    get: (target, prop, receiver) =>
      prop === 'send'
        ? async (command: unknown) => {
            const out = (await (target.send as Send).call(target, command)) as {
              Items?: Array<{ interactionId?: string }>;
            };
            if (command instanceof QueryCommand && command.input.ConsistentRead !== true && out.Items) {
              return { ...out, Items: out.Items.filter((i) => !unseen.has(String(i.interactionId))) };
            }
            return out;
          }
        : Reflect.get(target, prop, receiver),
  });

async function putContact(workspaceId: string): Promise<Contact> {
  const contactId = randomUUID();
  const at = new Date().toISOString();
  const contact: Contact = {
    contactId,
    workspaceId,
    email: `${contactId}@example.test`,
    status: 'lead',
    tags: [],
    customFields: {},
    score: 0,
    tier: 'cold',
    createdAt: at,
    updatedAt: at,
  };
  await db.send(
    new PutCommand({
      TableName: CORE,
      Item: {
        pk: workspacePk(workspaceId),
        sk: contactSk(contactId),
        type: 'contact',
        ...contact,
        ...tierGsi2(workspaceId, 'cold', 0, contactId),
      },
    }),
  );
  return contact;
}

describe('review 18b: a recompute right after a live interaction', () => {
  it('keeps the interaction the state already counts', async () => {
    const ws = `ws-${randomUUID()}`;
    const c = await putContact(ws);
    const sent: RecomputeMessage[] = [];
    const queue = { send: async (m: RecomputeMessage) => void sent.push(m) };
    const now = () => new Date();
    const store = dynamoScoreStore(db, CORE);
    const events = { publish: async () => {} };
    await putScoringRules(
      ws,
      { rules: DEFAULT_SCORING_RULES, updatedBy: 'u-1' },
      {
        rules: dynamoRulesStore(db, CORE),
        queue,
        newId: randomUUID,
        now,
      },
    );

    // A reply (+20 engagement, weight .6: score 12) is recorded and scored live.
    const reply: Interaction = {
      interactionId: randomUUID(),
      workspaceId: ws,
      contactId: c.contactId,
      type: 'email_replied',
      occurredAt: new Date().toISOString(),
      metadata: {},
      source: 'gmail',
    };
    const live = await interactionScorer({ store, events, now }).recordAndScore(reply);
    expect(live.score).toBe(12);

    // The recompute's page runs at once: its eventually consistent history read has not seen the reply yet.
    const unseen = new Set([reply.interactionId]);
    const lagging = replicaBehind(unseen);
    const [first] = sent;
    if (!first) throw new Error('no recompute queued');
    await recomputePage(first, {
      store: dynamoScoreStore(lagging, CORE),
      recompute: dynamoRecomputeStore(lagging, CORE),
      queue,
      events,
      now,
    });

    const state = await store.readState(ws, c.contactId);
    expect(state?.score, 'the reply counted live is still in the score after the recompute').toBe(12);
  });
});
