// Review round 18: this test failed at 842d566.
// A recompute's write was conditional on the score state's version only: an interaction that an
// instance still caching the older rules recorded unscored (no state change) between the
// recompute's history read and its write was left out of the replay for good.
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
dynamoForFile('r18b-fix-race-', (h) => {
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

describe('review 18b: an interaction recorded between a recompute’s history read and its write', () => {
  it('is in the score the recompute leaves', async () => {
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
      occurredAt: new Date().toISOString(),
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
