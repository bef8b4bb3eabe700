/**
 * Review 18b — LOW. An interaction no rule scores (a note, an email_sent...) recorded while the
 * contact is being deleted is stored on the deleted contact and answered 201, and its
 * `contact.interaction_recorded` is published (campaign triggers hear of a deleted contact).
 * Root cause: shared/adapters/dynamo-score-store.ts:contactChange conditions the contact's
 * `lastInteractionAt` update on `attribute_not_exists(deletedAt)` only when the write indexes a
 * tier (a score change); an unscored interaction's write (the interaction Put + lastInteractionAt)
 * checks only that the contact item exists, so a delete landing between changeScore's read (which
 * saw the contact live) and the commit does not stop it. A scored interaction in the same race is
 * refused (404), as documented: "refuses a deleted contact (404)".
 * Correct: every interaction write is conditional on the contact being live (e.g. a condition on
 * `attribute_not_exists(deletedAt)` in the contact update, or a ConditionCheck of its head).
 */
import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoForFile } from '../support/dynamo-emulator';
import { contactDeletedBeforeWrite, interactionOf, storedInteractions } from '../support/scoring-wiring';

let db: DynamoDBDocumentClient;
let CORE: string;
dynamoForFile('r18b-deleted-note-', (h) => {
  db = h.db;
  CORE = h.table('core');
});

describe('review 18b: an unscored interaction racing the contact delete', () => {
  it('is refused, not stored on the deleted contact', async () => {
    // The delete lands after the scorer read the contact live, before its write.
    const race = await contactDeletedBeforeWrite(db, CORE, (command) => command instanceof TransactWriteCommand);
    const { ws, contact, now } = race;
    const note = interactionOf(contact, 'note', now().toISOString());
    const outcome = await race.recordRacing(note);
    const stored = await storedInteractions(db, CORE, ws, contact.contactId);
    const { deleted } = race;
    expect(deleted).toBe(true);
    expect({ outcome, stored: stored.Items?.length ?? 0 }).toEqual({ outcome: 'ContactNotFoundError', stored: 0 });
  });
});
