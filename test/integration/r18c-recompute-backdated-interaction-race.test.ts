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
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoForFile } from '../support/dynamo-emulator';
import { recomputeRacedByStaleNote } from '../support/scoring-wiring';

let db: DynamoDBDocumentClient;
let CORE: string;
dynamoForFile('r18c-backdated-race-', (h) => {
  db = h.db;
  CORE = h.table('core');
});

describe('review 18c: a BACKDATED interaction recorded between a recompute’s history read and its write', () => {
  it('is in the score the recompute leaves (backdated, unscored by the writer)', async () => {
    const { ws, c, store, raced } = await recomputeRacedByStaleNote(
      db,
      CORE,
      // Backdated: a minute before the reply, so it does not move the contact's lastInteractionAt.
      () => new Date(Date.now() - 61_000).toISOString(),
    );

    expect(raced).toBe(true);
    const state = await store.readState(ws, c.contactId);
    expect(state?.rulesVersion).toBe(1);
    expect(state?.score, 'the note, scored by the new rules, is in the recomputed score').toBe(12);
  });
});
