/**
 * Review round 23 (fixer b): the class of test/integration/r23b-import-retry-loses-consent.test.ts.
 * An import's consent was recorded once, after every write, for what that attempt created or
 * changed: whatever stopped the attempt after some writes landed (a throttle, a deadline, a crash,
 * the consent append itself failing) left contacts without consent, and the retry, finding them
 * unchanged, recorded none. Now consent goes with each slice of writes as it lands, and the rows a
 * retry finds unchanged get it where they have none from that source
 * (shared/crm/contacts/consent.ts `importConsent`, as functions/contacts.ts wires it): every
 * failure mode ends with every contact of the file holding its consent once, and a plain re-import
 * records nothing again.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoConsent } from '../../shared/adapters/dynamo-consent';
import { dynamoContacts } from '../../shared/adapters/dynamo-contacts';
import { type ConsentStore, importConsent } from '../../shared/crm/contacts/consent';
import { IMPORT_WRITE_SLICE, importContacts } from '../../shared/crm/contacts/import-contacts';
import { dynamoForFile } from '../support/dynamo-emulator';

let db: DynamoDBDocumentClient;
let CORE: string;
dynamoForFile('r23b-consent-fix-', (h) => {
  db = h.db;
  CORE = h.table('core');
});

const now = () => new Date('2026-03-01T10:00:00.000Z');
const given = { source: 'import' as const, at: '2026-03-01T09:00:00.000Z' };
const origin = () => ({ ip: '198.51.100.7', now: now(), newId: randomUUID });

function file(rows: number, name = 'Person') {
  const emails = Array.from({ length: rows }, (_, i) => `c${String(i).padStart(3, '0')}@consent-fix.example`);
  return { emails, csv: `email,firstName\r\n${emails.map((e, i) => `${e},${name} ${i}`).join('\r\n')}\r\n` };
}

/** An import as functions/contacts.ts runs one with `?consentSource=import`. */
const runImport = (workspaceId: string, csv: string, consent: ConsentStore) =>
  importContacts(workspaceId, csv, {
    contacts: dynamoContacts(db, CORE),
    now,
    newId: randomUUID,
    ...importConsent(consent, workspaceId, given, origin),
  });

/** The import consent records of each contact of the file, by email. */
async function recordsByEmail(workspaceId: string, emails: readonly string[]) {
  const found = await dynamoContacts(db, CORE).findByEmails(workspaceId, emails);
  const consent = dynamoConsent(db, CORE);
  const counts = new Map<string, number>();
  for (const email of emails) {
    const c = found.get(email);
    const records = c ? (await consent.list(workspaceId, c.contactId, { limit: 100 })).consent : [];
    counts.set(email, records.filter((r) => r.action === 'given' && r.source === 'import').length);
  }
  return counts;
}

describe('an import whose consent append fails part-way, retried', () => {
  it('ends with every contact holding its consent once', async () => {
    const workspaceId = `ws-${randomUUID().slice(0, 8)}`;
    const { emails, csv } = file(IMPORT_WRITE_SLICE * 2 + 50);
    const real = dynamoConsent(db, CORE);
    let appends = 0;
    const failingSecond: ConsentStore = {
      list: real.list,
      latest: real.latest,
      append: async (records) => {
        appends += 1;
        if (appends === 2) throw Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
        await real.append(records);
      },
    };
    await expect(runImport(workspaceId, csv, failingSecond)).rejects.toMatchObject({ name: 'ThrottlingException' });

    const report = await runImport(workspaceId, csv, real);
    expect(report).toMatchObject({ failed: 0, created: 50, unchanged: IMPORT_WRITE_SLICE * 2 });
    const counts = await recordsByEmail(workspaceId, emails);
    expect([...counts.values()].filter((n) => n !== 1)).toEqual([]);

    // A plain re-import records nothing again.
    const again = await runImport(workspaceId, csv, real);
    expect(again).toMatchObject({ unchanged: emails.length });
    expect(await recordsByEmail(workspaceId, emails)).toEqual(counts);
  });
});

describe('an import whose writes landed with no consent recorded at all (a crash between them)', () => {
  it('gets the consent on its retry, once', async () => {
    const workspaceId = `ws-${randomUUID().slice(0, 8)}`;
    const { emails, csv } = file(30);
    // The attempt that died: its contacts written, nothing after.
    await importContacts(workspaceId, csv, { contacts: dynamoContacts(db, CORE), now, newId: randomUUID });
    const real = dynamoConsent(db, CORE);
    expect(await runImport(workspaceId, csv, real)).toMatchObject({ unchanged: 30 });
    const counts = await recordsByEmail(workspaceId, emails);
    expect([...counts.values()]).toEqual(emails.map(() => 1));
  });
});

describe('a re-import that changes rows', () => {
  // Round 25 (fixer c): a changed row whose contact's consent stands (its latest record a `given`)
  // records nothing again; before, every changing import appended one, without bound.
  it('records no consent again for a changed row whose consent stands, and none for the others', async () => {
    const workspaceId = `ws-${randomUUID().slice(0, 8)}`;
    const real = dynamoConsent(db, CORE);
    const first = file(4);
    await runImport(workspaceId, first.csv, real);
    const changed = `email,firstName\r\n${first.emails[0]},Renamed\r\n${first.emails[1]},Person 1\r\n`;
    expect(await runImport(workspaceId, changed, real)).toMatchObject({ updated: 1, unchanged: 1 });
    const counts = await recordsByEmail(workspaceId, first.emails);
    expect([...counts.values()]).toEqual([1, 1, 1, 1]);
  });
});
