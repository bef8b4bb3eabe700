// Review round 18: this test failed at 842d566.
// An interaction no rule scores and older than the contact's last one touched no contact attribute:
// it was stored with a plain PutItem, so a delete landing after the scorer's read did not stop it.
import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
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
dynamoForFile('r18b-fix-backdated-', (h) => {
  db = h.db;
  CORE = h.table('core');
});

type Send = (command: unknown) => Promise<unknown>;

describe('review 18b: a backdated unscored interaction racing the contact delete', () => {
  it('is refused, not stored on the deleted contact', async () => {
    const ws = `ws-${randomUUID()}`;
    const events = { publish: async () => {} };
    const now = () => new Date();
    const deps = { contacts: dynamoContacts(db, CORE), now, newId: randomUUID, events };
    const contact = await createContact(ws, contactCreateSchema.parse({ email: 'ada@example.com' }), deps);
    const note = (occurredAt: string): Interaction => ({
      interactionId: randomUUID(),
      workspaceId: ws,
      contactId: contact.contactId,
      type: 'note',
      occurredAt,
      metadata: {},
      source: 'u-1',
    });
    const store = dynamoScoreStore(db, CORE);
    await interactionScorer({ store, events, now }).recordAndScore(note(now().toISOString()));
    let deleted = false;
    // The delete lands after the scorer read the contact live, before its write.
    const racing = new Proxy(db, {
      get: (target, prop, receiver) =>
        prop === 'send'
          ? async (command: unknown) => {
              const write = command instanceof PutCommand || command instanceof TransactWriteCommand;
              if (!deleted && write) {
                deleted = true;
                await deleteContact(ws, contact.contactId, deps);
              }
              return (target.send as Send).call(target, command);
            }
          : Reflect.get(target, prop, receiver),
    });
    const earlier = note(new Date(Date.now() - 60_000).toISOString());
    const outcome = await interactionScorer({ store: dynamoScoreStore(racing, CORE), events, now })
      .recordAndScore(earlier)
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
    expect({ outcome, stored: stored.Items?.length ?? 0 }).toEqual({ outcome: 'ContactNotFoundError', stored: 1 });
  });
});
