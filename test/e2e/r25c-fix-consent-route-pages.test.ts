/**
 * Review round 25 (fixer c): `GET /api/contacts/{id}/consent` pages like every listing: `limit`
 * (1..100, default 25), `cursor` (the previous page's `nextCursor`, bound to that contact's records:
 * another contact's, or one that cannot be read, is 400 INVALID_CURSOR).
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClientConfig } from '../../lib/local/emulators/local-aws';
import type { Runtime } from '../../lib/local/runtime';
import { consentItem } from '../../shared/adapters/dynamo-consent';
import { as, newUser, type TestUser } from '../support/identity';
import { startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
let user: TestUser;
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off' });
  user = await newUser(runtime, 'r25c-fix-consent');
  db = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(runtime.endpoints.dynamodb)));
}, 120_000);
afterAll(async () => {
  await runtime?.stop();
});

const createWithConsent = async () => {
  const res = await fetch(`${runtime.url}/api/contacts`, {
    method: 'POST',
    headers: as(user, { 'content-type': 'application/json' }),
    body: JSON.stringify({ email: `r25c-${randomUUID().slice(0, 8)}@example.com`, consent: { source: 'form' } }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { contact: { contactId: string } }).contact.contactId;
};
const consentPage = async (contactId: string, query: string) => {
  const res = await fetch(`${runtime.url}/api/contacts/${contactId}/consent${query}`, { headers: as(user) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('GET /api/contacts/{id}/consent pages', () => {
  it('pages through every record once, oldest first, and refuses a foreign or unreadable cursor', async () => {
    const contactId = await createWithConsent();
    const other = await createWithConsent();
    const start = Date.parse('2025-01-01T00:00:00.000Z');
    const items = Array.from({ length: 30 }, (_, i) => {
      const at = new Date(start + i * 1000).toISOString();
      return consentItem({
        consentId: randomUUID(),
        workspaceId: user.workspaceId,
        contactId,
        action: i % 2 ? 'withdrawn' : 'given',
        source: i % 2 ? 'unsubscribe' : 'import',
        at,
        recordedAt: at,
      });
    });
    for (let i = 0; i < items.length; i += 25) {
      const batch = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
      await db.send(new BatchWriteCommand({ RequestItems: { [runtime.tables.core as string]: batch } }));
    }
    const first = await consentPage(contactId, '');
    expect(first.status).toBe(200);
    expect((first.body.consent as unknown[]).length).toBe(25);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await consentPage(contactId, `?limit=10${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...(page.body.consent as Array<{ consentId: string }>).map((r) => r.consentId));
      cursor = page.body.nextCursor as string | undefined;
    } while (cursor);
    // The 30 written (from 2025) and the create's own (now), oldest first.
    expect(seen).toHaveLength(31);
    expect(seen.slice(0, 30)).toEqual(items.map((r) => r.consentId));

    const { body } = await consentPage(contactId, '?limit=10');
    const foreign = await consentPage(other, `?cursor=${encodeURIComponent(body.nextCursor as string)}`);
    expect(foreign.status).toBe(400);
    expect(foreign.body.code).toBe('INVALID_CURSOR');
    expect((await consentPage(contactId, '?cursor=garbage')).body.code).toBe('INVALID_CURSOR');
    expect((await consentPage(contactId, '?limit=101')).status).toBe(400);
  }, 120_000);
});
