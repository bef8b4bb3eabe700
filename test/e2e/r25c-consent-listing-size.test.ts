// Review round 25 (c): `GET /api/contacts/{id}/consent` answers a contact's whole consent history in
// one body (dynamo-consent.ts `list` is a `queryAll`, with no page, no cursor and no cut to what a
// function may answer). Nothing bounds that history: every import that changes a contact with
// `?consentSource=` appends one more `given` record (docs/EMAIL.md "Consent record"), so a member
// with `contacts:write` re-importing a one-row CSV with alternating values (or a sync that re-imports
// its CRM every hour) grows it by one record a request. Past ~20 000 records the answer weighs more
// than the 6 MB a synchronous Lambda may answer: a 5xx in the cloud for a plain read, and the
// contact's consent (a legal record meant to "stay provable") can no longer be read at all. Every
// import that finds the contact unchanged also reads the whole history again (consentGivenWhereMissing).
// Severity: MEDIUM. Fails at 679faf6. Reached by: POST /api/contacts/import?consentSource=import
// repeated with a changing row, then GET /api/contacts/{id}/consent.
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClientConfig } from '../../lib/local/emulators/local-aws';
import type { Runtime } from '../../lib/local/runtime';
import { consentItem } from '../../shared/adapters/dynamo-consent';
import { as, newUser, type TestUser } from '../support/identity';
import { startTestRuntime } from '../support/local-runtime';

/** The largest synchronous Lambda response. */
const LAMBDA_RESPONSE_MAX_BYTES = 6 * 1024 * 1024;
/** What the Lambda runtime sends for a result whose body is `text`: the body inside a JSON string. */
const sentBytes = (text: string) => Buffer.byteLength(JSON.stringify(text));
/** Records as ~24 000 changing imports leave them (about four hours of one member's rate budget). */
const RECORDS = 24_000;

let runtime: Runtime;
let user: TestUser;
let db: DynamoDBDocumentClient;
let contactId: string;
const email = `r25c-consent-${Date.now().toString(36)}@example.com`;

const importRow = (firstName: string) =>
  fetch(`${runtime.url}/api/contacts/import?consentSource=import`, {
    method: 'POST',
    headers: as(user, { 'content-type': 'text/csv' }),
    body: `email,firstName\n${email},${firstName}\n`,
  });

const consentOf = async () => {
  const res = await fetch(`${runtime.url}/api/contacts/${contactId}/consent`, { headers: as(user) });
  return { res, text: await res.text() };
};

beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off' });
  user = await newUser(runtime, 'r25c-consent');
  db = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(runtime.endpoints.dynamodb)));
}, 120_000);
afterAll(async () => {
  await runtime?.stop();
});

describe('GET /api/contacts/{id}/consent stays within what a Lambda may answer', () => {
  it('every changing import appends a consent record: the history has no bound', async () => {
    for (const name of ['Ada', 'Bea', 'Ada', 'Bea']) {
      const res = await importRow(name);
      expect(res.status, await res.clone().text()).toBe(200);
    }
    const list = await fetch(`${runtime.url}/api/contacts/list?limit=10`, { headers: as(user) });
    const { contacts } = (await list.json()) as { contacts: Array<{ contactId: string; email: string }> };
    contactId = contacts.find((c) => c.email === email)?.contactId as string;
    expect(contactId).toBeDefined();
    const { res, text } = await consentOf();
    expect(res.status, text.slice(0, 300)).toBe(200);
    // Fixer c: an import records consent only where it adds to the contact's record, so the changing
    // re-imports of a contact whose consent stands append nothing: one record (was: four imports, four).
    expect((JSON.parse(text) as { consent: unknown[] }).consent).toHaveLength(1);
  }, 60_000);

  it(`a contact with ${RECORDS} such records still answers within 6 MB (or pages)`, async () => {
    // The records further changing imports would append, written as dynamoConsent writes them.
    const start = Date.parse('2025-01-01T00:00:00.000Z');
    const items = Array.from({ length: RECORDS }, (_, i) => {
      const at = new Date(start + i * 1000).toISOString();
      return consentItem({
        consentId: randomUUID(),
        workspaceId: user.workspaceId,
        contactId,
        action: 'given',
        source: 'import',
        at,
        recordedAt: at,
        ip: '2001:db8:85a3:1234:5678:8a2e:370:7334',
      });
    });
    for (let i = 0; i < items.length; i += 25) {
      const batch = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
      await db.send(new BatchWriteCommand({ RequestItems: { [runtime.tables.core as string]: batch } }));
    }
    const { res, text } = await consentOf();
    expect(res.status, text.slice(0, 300)).toBe(200);
    expect(sentBytes(text)).toBeLessThanOrEqual(LAMBDA_RESPONSE_MAX_BYTES);
  }, 300_000);
});
