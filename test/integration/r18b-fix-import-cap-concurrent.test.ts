// Review round 18: this test failed at 842d566.
// An import row's custom fields merged with the stored ones were never checked against the 50-field cap; judged
// on the import's read alone, a PATCH adding fields before the row's write could still push the merge past it.
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoContacts } from '../../shared/adapters/dynamo-contacts';
import { importContacts } from '../../shared/crm/contacts/import-contacts';
import type { ContactStore } from '../../shared/crm/contacts/ports';
import { dynamoForFile } from '../support/dynamo-emulator';

let db: DynamoDBDocumentClient;
let CORE: string;
dynamoForFile('r18b-fix-cap-', (h) => {
  db = h.db;
  CORE = h.table('core');
});

const fields = (prefix: string, n: number) =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, `v${i}`]));
const fileWith = (prefix: string, n: number) => {
  const keys = Object.keys(fields(prefix, n)).map((k) => `custom.${k}`);
  return `email,${keys.join(',')}\r\nada@example.com,${keys.map((_, i) => `v${i}`).join(',')}\r\n`;
};

describe('review 18b: an import row whose merge is judged against the stored custom fields', () => {
  const setup = async () => {
    const ws = `ws-${randomUUID()}`;
    const store = dynamoContacts(db, CORE);
    const deps = { contacts: store, now: () => new Date('2026-03-01T10:00:00Z'), newId: randomUUID };
    expect(await importContacts(ws, fileWith('a', 30), deps)).toMatchObject({ created: 1, failed: 0 });
    const [ada] = (await store.list(ws, {}, { limit: 1 })).contacts;
    if (!ada) throw new Error('no contact');
    return { ws, store, deps, ada };
  };

  it('refuses the row on its line (field customFields) when the merge passes 50, writing nothing', async () => {
    const { ws, store, deps, ada } = await setup();
    const report = await importContacts(ws, `${fileWith('b', 21).trimEnd()}\r\n`, deps);
    expect(report).toMatchObject({ updated: 0, failed: 1, errors: [{ line: 2, errors: [{ field: 'customFields' }] }] });
    expect(Object.keys((await store.get(ws, ada.contactId))?.customFields ?? {})).toHaveLength(30);
    // At exactly 50 the merge lands.
    expect(await importContacts(ws, fileWith('b', 20), deps)).toMatchObject({ updated: 1, failed: 0 });
    expect(Object.keys((await store.get(ws, ada.contactId))?.customFields ?? {})).toHaveLength(50);
  });

  it('refuses it as well when a PATCH added fields between the import read and its write', async () => {
    const { ws, store, deps, ada } = await setup();
    let patched = false;
    const contacts: ContactStore = {
      ...store,
      async writeMany(writes, onProgress) {
        if (!patched) {
          const now = (await store.get(ws, ada.contactId)) ?? ada;
          await store.update(now, { customFields: { ...now.customFields, ...fields('c', 5) } });
        }
        patched = true;
        return store.writeMany(writes, onProgress);
      },
    };
    const report = await importContacts(ws, fileWith('b', 20), { ...deps, contacts });
    expect(report).toMatchObject({ updated: 0, failed: 1, errors: [{ line: 2, errors: [{ field: 'customFields' }] }] });
    expect(Object.keys((await store.get(ws, ada.contactId))?.customFields ?? {})).toHaveLength(35);
  });

  it('lands when a PATCH removed fields meanwhile, keeping the removal', async () => {
    const { ws, store, deps, ada } = await setup();
    let patched = false;
    const contacts: ContactStore = {
      ...store,
      async writeMany(writes, onProgress) {
        if (!patched) {
          const now = (await store.get(ws, ada.contactId)) ?? ada;
          await store.update(now, { customFields: fields('a', 10) });
        }
        patched = true;
        return store.writeMany(writes, onProgress);
      },
    };
    const report = await importContacts(ws, fileWith('b', 20), { ...deps, contacts });
    expect(report).toMatchObject({ updated: 1, failed: 0 });
    expect(Object.keys((await store.get(ws, ada.contactId))?.customFields ?? {})).toHaveLength(30);
  });
});
