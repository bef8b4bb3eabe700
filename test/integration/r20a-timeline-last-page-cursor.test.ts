/**
 * Review round 20 (r20a): `GET /api/contacts/{id}/timeline` answers a `nextCursor` on a first page
 * that already holds every interaction, whenever the contact has exactly `limit` of them (25 by
 * default): the client is sent to fetch an empty page.
 * Severity: LOW (a spurious cursor and one wasted request per timeline of that size; a UI shows
 * "load more" that loads nothing).
 * Root cause: shared/adapters/dynamo-interactions.ts:dynamoInteractions().timeline. The first page's
 * Query reads `limit + 1` items so that one item more than the page tells whether there is more,
 * but the contact's head item (`INTERACTION~CONTACT`) takes that extra slot: with exactly `limit`
 * interactions the Query stops at its Limit and DynamoDB returns a LastEvaluatedKey, which the code
 * reads as "more" (`out.LastEvaluatedKey !== undefined`).
 * Correct: read `limit + 2` when the head is in range (head + page + one), and decide "more" from
 * the interactions read beyond the page only (as the contact list does with its `limit + 1`).
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoContacts } from '../../shared/adapters/dynamo-contacts';
import { dynamoInteractions } from '../../shared/adapters/dynamo-interactions';
import { contactCreateSchema } from '../../shared/crm/contacts/contact-fields';
import { timeline } from '../../shared/crm/contacts/record-interaction';
import { createContact } from '../../shared/crm/contacts/use-cases';
import { dynamoForFile } from '../support/dynamo-emulator';

let db: DynamoDBDocumentClient;
let CORE: string;
dynamoForFile('r20a-timeline-', (h) => {
  db = h.db;
  CORE = h.table('core');
});

describe('review 20a: the first timeline page of a contact with exactly `limit` interactions', () => {
  it('answers no nextCursor when the page holds every interaction', async () => {
    const ws = `ws-${randomUUID()}`;
    const contacts = dynamoContacts(db, CORE);
    const deps = { contacts, now: () => new Date(), newId: randomUUID, events: { publish: async () => {} } };
    const c = await createContact(ws, contactCreateSchema.parse({ email: 'timeline@example.com' }), deps);
    const interactions = dynamoInteractions(db, CORE);
    for (const i of [0, 1, 2]) {
      await interactions.put({
        workspaceId: ws,
        contactId: c.contactId,
        interactionId: `v${i}`,
        type: 'page_visit',
        occurredAt: `2026-03-01T11:0${i}:00.000Z`,
        metadata: {},
        source: 'api',
      });
    }
    const first = await timeline({ contacts, interactions }, ws, c.contactId, { limit: 3 });
    expect(first.interactions.map((i) => i.interactionId)).toEqual(['v2', 'v1', 'v0']);
    const next = first.nextCursor
      ? await timeline({ contacts, interactions }, ws, c.contactId, { limit: 3, cursor: first.nextCursor })
      : undefined;
    expect(
      { nextCursor: first.nextCursor, nextPage: next?.interactions.length },
      'all 3 interactions are on the page: no cursor to an empty page',
    ).toEqual({ nextCursor: undefined, nextPage: undefined });
  });
});
