// Review round 24: this test failed at 137ce95.
// Review round 24 (c): a rules recompute writes, for each contact, one ledger entry per score group
// its replay changed (shared/crm/scoring/recompute.ts `recomputeContact`), all in ONE TransactWriteItems
// with the claim, the state and the contact (dynamo-score-store.ts `commitScore`). DynamoDB takes at
// most 100 items a transaction. The rules schema bounds the weights to 20 groups, but not the groups
// the interaction rules name: 100 rules may name 100 groups (PUT /api/scoring/rules answers 202). A
// contact with interactions of the ten types those rules score then needs ~103 items: the commit fails
// with a ValidationException (no conflict, not retried), the page throws before it queues the next one,
// every redelivery fails the same way and the job never ends: no contact past that page is ever
// recomputed under the rules that were saved.
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { INTERACTION_TYPES } from '../../shared/crm/model';
import { scoringRulesSchema } from '../../shared/crm/scoring/rules';
import { dynamoForFile } from '../support/dynamo-emulator';
import { interactionOf, putContact, scoringWiring } from '../support/scoring-wiring';

let db: DynamoDBDocumentClient;
let CORE: string;
dynamoForFile('r24c-groups-', (h) => {
  db = h.db;
  CORE = h.table('core');
});

/** Ten interaction types, ten rules each, every rule in a group of its own (+1 point). */
const TYPES = INTERACTION_TYPES.filter((t) => t !== 'unsubscribed' && t !== 'email_bounced').slice(0, 10);
const manyGroups = scoringRulesSchema.parse({
  interactionRules: TYPES.flatMap((type, t) =>
    Array.from({ length: 10 }, (_, i) => ({
      id: `r${t}-${i}`,
      type,
      points: 1,
      repeatable: true,
      group: `g${t}_${i}`,
    })),
  ),
  profileRules: [],
  weights: { engagement: 0.6, fit: 0.4 },
  tiers: { hot: 80, warm: 60, lukewarm: 40 },
  aiTiers: { hot: 70, warm: 60, lukewarm: 40 },
  decay: { halfLifeDays: 14, floor: 5 },
});

describe('a recompute under rules that name many groups', () => {
  it('finishes the page (the rules were accepted, so the recompute applies them)', async () => {
    expect(manyGroups.interactionRules).toHaveLength(100);
    const workspaceId = `ws-${randomUUID().slice(0, 8)}`;
    const scoring = scoringWiring(db, CORE);
    const contact = await putContact(db, CORE, workspaceId);
    const at = new Date(Date.now() - 3_600_000).toISOString();
    // One interaction of each type, recorded live under the defaults.
    for (const type of TYPES) await scoring.scorer().recordAndScore(interactionOf(contact, type, at));

    await scoring.putRules(workspaceId, manyGroups);
    const outcome = await scoring.recompute().then(
      () => 'done',
      (error: Error) => `${error.name}: ${error.message.slice(0, 160)}`,
    );
    expect(outcome, 'the recompute page under the saved rules completes').toBe('done');
    const state = await scoring.store.readState(workspaceId, contact.contactId);
    expect(Object.keys(state?.groups ?? {}).filter((g) => g.startsWith('g'))).toHaveLength(100);
  });
});
