// Review round 18 (re-review): this test failed at e1b9dbf.
// Defect (HIGH): a recompute still drops, for good, an interaction recorded between its history read and
// its write when that interaction is backdated (occurredAt earlier than the contact's lastInteractionAt)
// and unscored by the writer's (cached, older) rules. Such a write moves neither the score state's version
// nor the contact's lastInteractionAt, so the recompute's write, conditional on exactly those two, lands
// and leaves the interaction out of the replayed score under the new rules.
// Root cause: shared/crm/scoring/recompute.ts:recomputeContact (expectedLastInteractionAt) together with
// shared/adapters/dynamo-score-store.ts:commitScore / contactChange - the guard is the contact's
// lastInteractionAt, which a backdated interaction never moves; the unscored interaction's write
// (ConditionCheck + Put) changes nothing the recompute's condition looks at.
// Correct: every interaction committed before the recompute's write is in the state it writes (e.g. an
// interaction write always bumps something the recompute conditions on - a per-contact interaction
// counter / sequence - rather than lastInteractionAt).
import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoRecomputeStore } from '../../shared/adapters/dynamo-recompute-store';
import { dynamoRulesStore } from '../../shared/adapters/dynamo-rules-store';
import { dynamoScoreStore } from '../../shared/adapters/dynamo-score-store';
import { contactSk, tierGsi2, workspacePk } from '../../shared/adapters/keys';
import type { Contact, Interaction } from '../../shared/crm/model';
import type { RecomputeMessage, ScoreStore } from '../../shared/crm/scoring/ports';
import { putScoringRules, recomputePage } from '../../shared/crm/scoring/recompute';
import { DEFAULT_SCORING_RULES } from '../../shared/crm/scoring/rules';
import { interactionScorer } from '../../shared/crm/scoring/score-interaction';
import { dynamoForFile } from '../support/dynamo-emulator';

let db: DynamoDBDocumentClient;
let CORE: string;
dynamoForFile('r18c-backdated-race-', (h) => {
  db = h.db;
  CORE = h.table('core');
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

describe('review 18c: a BACKDATED interaction recorded between a recompute’s history read and its write', () => {
  it('is in the score the recompute leaves (backdated, unscored by the writer)', async () => {
    const ws = `ws-${randomUUID()}`;
    const c = await putContact(ws);
    const sent: RecomputeMessage[] = [];
    const queue = { send: async (m: RecomputeMessage) => void sent.push(m) };
    const now = () => new Date();
    const events = { publish: async () => {} };
    const store = dynamoScoreStore(db, CORE);
    // Scored under the defaults: a reply (+20 engagement, 12 at weight .6).
    const reply: Interaction = {
      interactionId: randomUUID(),
      workspaceId: ws,
      contactId: c.contactId,
      type: 'email_replied',
      occurredAt: new Date(Date.now() - 1000).toISOString(),
      metadata: {},
      source: 'gmail',
    };
    expect((await interactionScorer({ store, events, now }).recordAndScore(reply)).score).toBe(12);
    // The new rules score a note (+20 engagement: 12 at weight .6), and no reply; the defaults no note.
    const rules = {
      ...DEFAULT_SCORING_RULES,
      interactionRules: [{ id: 'note', type: 'note' as const, points: 20, repeatable: true, group: 'engagement' }],
    };
    await putScoringRules(
      ws,
      { rules, updatedBy: 'u-1' },
      { rules: dynamoRulesStore(db, CORE), queue, newId: randomUUID, now },
    );
    // Another instance still caches the defaults (version 0): it records the note unscored.
    const staleRules: ScoreStore = {
      ...store,
      readRules: async () => ({ version: 0, rules: DEFAULT_SCORING_RULES }),
    };
    const note: Interaction = {
      interactionId: randomUUID(),
      workspaceId: ws,
      contactId: c.contactId,
      type: 'note',
      // Backdated: a minute before the reply, so it does not move the contact's lastInteractionAt.
      occurredAt: new Date(Date.now() - 61_000).toISOString(),
      metadata: {},
      source: 'u-1',
    };
    const recompute = dynamoRecomputeStore(db, CORE);
    const readHistory = recompute.interactions.bind(recompute);
    let raced = false;
    recompute.interactions = async (...args) => {
      const history = await readHistory(...args);
      if (!raced) {
        raced = true;
        const live = await interactionScorer({ store: staleRules, events, now }).recordAndScore(note);
        expect(live.score, 'the note scores nothing under the defaults').toBe(12);
      }
      return history;
    };
    const [first] = sent;
    if (!first) throw new Error('no recompute queued');
    await recomputePage(first, { store, recompute, queue, events, now });

    expect(raced).toBe(true);
    const state = await store.readState(ws, c.contactId);
    expect(state?.rulesVersion).toBe(1);
    expect(state?.score, 'the note, scored by the new rules, is in the recomputed score').toBe(12);
  });
});
