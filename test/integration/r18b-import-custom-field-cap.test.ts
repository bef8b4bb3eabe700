/**
 * Review 18b — MEDIUM. A CSV import stores a contact with more than 50 custom fields (the
 * documented cap), which the API then refuses to round-trip.
 * Root cause: shared/crm/contacts/import-contacts.ts:importContacts / mergeCustom. Each row is
 * validated alone (≤ 50 custom fields), then its fields are merged into the existing contact's
 * ("custom fields merge") and the merged map is written without checking the cap again. A file
 * with 30 custom columns over a contact that holds 30 other fields leaves it with 60. Every other
 * way in refuses that (PATCH: 400; rebase-change.ts: "a merge past 50 ... is 409"), and the
 * contact's own export no longer imports (its row has 60 custom fields: "At most 50 custom fields"),
 * breaking the documented lossless export -> import.
 * Correct: a row whose merge would pass 50 custom fields fails with a row error on that line
 * (field `customFields`) and leaves the contact as it was.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoContacts } from '../../shared/adapters/dynamo-contacts';
import { importContacts } from '../../shared/crm/contacts/import-contacts';
import { dynamoForFile } from '../support/dynamo-emulator';

let db: DynamoDBDocumentClient;
let CORE: string;
dynamoForFile('r18b-import-cap-', (h) => {
  db = h.db;
  CORE = h.table('core');
});

const fileWith = (prefix: string, n: number) => {
  const keys = Array.from({ length: n }, (_, i) => `custom.${prefix}${i}`);
  return `email,${keys.join(',')}\r\nada@example.com,${keys.map((_, i) => `v${i}`).join(',')}\r\n`;
};

describe('review 18b: an import over an existing contact', () => {
  it('never leaves it holding more than 50 custom fields', async () => {
    const ws = `ws-${randomUUID()}`;
    const contacts = dynamoContacts(db, CORE);
    const deps = { contacts, now: () => new Date('2026-03-01T10:00:00Z'), newId: randomUUID };
    expect(await importContacts(ws, fileWith('a', 30), deps)).toMatchObject({ created: 1, failed: 0 });
    const second = await importContacts(ws, fileWith('b', 30), deps);

    const [stored] = (await contacts.list(ws, {}, { limit: 10 })).contacts;
    const count = Object.keys(stored?.customFields ?? {}).length;
    expect({ customFields: count, failed: second.failed }).toEqual({ customFields: 30, failed: 1 });
  });
});
