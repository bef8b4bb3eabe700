// Review round 18: this test failed at 842d566.
// A recompute's write was conditional on the score state's version only: an interaction that an
// instance still caching the older rules recorded unscored (no state change) between the
// recompute's history read and its write was left out of the replay for good.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoForFile } from '../support/dynamo-emulator';
import { recomputeRacedByStaleNote } from '../support/scoring-wiring';

let db: DynamoDBDocumentClient;
let CORE: string;
dynamoForFile('r18b-fix-race-', (h) => {
  db = h.db;
  CORE = h.table('core');
});

describe('review 18b: an interaction recorded between a recompute’s history read and its write', () => {
  it('is in the score the recompute leaves', async () => {
    const { ws, c, store, raced } = await recomputeRacedByStaleNote(db, CORE, () => new Date().toISOString());

    expect(raced).toBe(true);
    const state = await store.readState(ws, c.contactId);
    expect(state?.rulesVersion).toBe(1);
    expect(state?.score, 'the note, scored by the new rules, is in the recomputed score').toBe(12);
  });
});
