// Review round 18: this test failed at 842d566.
// An interaction no rule scores and older than the contact's last one touched no contact attribute:
// it was stored with a plain PutItem, so a delete landing after the scorer's read did not stop it.
import { type DynamoDBDocumentClient, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoScoreStore } from '../../shared/adapters/dynamo-score-store';
import { interactionScorer } from '../../shared/crm/scoring/score-interaction';
import { dynamoForFile } from '../support/dynamo-emulator';
import { contactDeletedBeforeWrite, interactionOf, storedInteractions } from '../support/scoring-wiring';

let db: DynamoDBDocumentClient;
let CORE: string;
dynamoForFile('r18b-fix-backdated-', (h) => {
  db = h.db;
  CORE = h.table('core');
});

describe('review 18b: a backdated unscored interaction racing the contact delete', () => {
  it('is refused, not stored on the deleted contact', async () => {
    // The delete lands after the scorer read the contact live, before its write.
    const race = await contactDeletedBeforeWrite(
      db,
      CORE,
      (command) => command instanceof PutCommand || command instanceof TransactWriteCommand,
    );
    const { ws, contact, events, now } = race;
    const note = (occurredAt: string) => interactionOf(contact, 'note', occurredAt);
    const store = dynamoScoreStore(db, CORE);
    await interactionScorer({ store, events, now }).recordAndScore(note(now().toISOString()));
    const earlier = note(new Date(Date.now() - 60_000).toISOString());
    const outcome = await race.recordRacing(earlier);
    const stored = await storedInteractions(db, CORE, ws, contact.contactId);
    const { deleted } = race;
    expect(deleted).toBe(true);
    expect({ outcome, stored: stored.Items?.length ?? 0 }).toEqual({ outcome: 'ContactNotFoundError', stored: 1 });
  });
});
