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
import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoContacts } from '../../shared/adapters/dynamo-contacts';
import { dynamoScoreStore } from '../../shared/adapters/dynamo-score-store';
import { INTERACTION_PREFIX, interactionPk } from '../../shared/adapters/keys';
import { contactCreateSchema } from '../../shared/crm/contacts/contact-fields';
import { createContact, deleteContact } from '../../shared/crm/contacts/use-cases';
import type { Interaction } from '../../shared/crm/model';
import { interactionScorer } from '../../shared/crm/scoring/score-interaction';
import { dynamoForFile } from '../support/dynamo-emulator';

let db: DynamoDBDocumentClient;
let CORE: string;
dynamoForFile('r18b-deleted-note-', (h) => {
  db = h.db;
  CORE = h.table('core');
});

type Send = (command: unknown) => Promise<unknown>;

describe('review 18b: an unscored interaction racing the contact delete', () => {
  it('is refused, not stored on the deleted contact', async () => {
    const ws = `ws-${randomUUID()}`;
    const events = { publish: async () => {} };
    const now = () => new Date();
    const deps = { contacts: dynamoContacts(db, CORE), now, newId: randomUUID, events };
    const contact = await createContact(ws, contactCreateSchema.parse({ email: 'ada@example.com' }), deps);
    let deleted = false;
    // The delete lands after the scorer read the contact live, before its write.
    const racing = new Proxy(db, {
      get: (target, prop, receiver) =>
        prop === 'send'
          ? async (command: unknown) => {
              if (!deleted && command instanceof TransactWriteCommand) {
                deleted = true;
                await deleteContact(ws, contact.contactId, deps);
              }
              return (target.send as Send).call(target, command);
            }
          : Reflect.get(target, prop, receiver),
    });
    const note: Interaction = {
      interactionId: randomUUID(),
      workspaceId: ws,
      contactId: contact.contactId,
      type: 'note',
      occurredAt: now().toISOString(),
      metadata: {},
      source: 'u-1',
    };
    const outcome = await interactionScorer({ store: dynamoScoreStore(racing, CORE), events, now })
      .recordAndScore(note)
      .then(
        () => 'recorded',
        (error: Error) => error.name,
      );
    const stored = await db.send(
      new QueryCommand({
        TableName: CORE,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': interactionPk(ws, contact.contactId), ':p': INTERACTION_PREFIX },
        ConsistentRead: true,
      }),
    );
    expect(deleted).toBe(true);
    expect({ outcome, stored: stored.Items?.length ?? 0 }).toEqual({ outcome: 'ContactNotFoundError', stored: 0 });
  });
});
