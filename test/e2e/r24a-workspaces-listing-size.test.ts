// Review round 24: this test failed at 137ce95.
// Review round 24 (a): `GET /api/workspaces` and `GET /api/auth/me` answer every membership of the
// caller in one body, with no page limit and no cursor. Nothing caps how many workspaces a user
// belongs to: `POST /api/workspaces` creates one more in their organization each time (100 names of
// `<` are a valid name), and invites add more. Past a few thousand such workspaces the answer weighs
// more than the 6 MB a synchronous Lambda may answer: a 5xx in the cloud, for a plain read.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClientConfig } from '../../lib/local/emulators/local-aws';
import type { Runtime } from '../../lib/local/runtime';
import { META_SK, memberSk, membershipGsi1, workspacePk } from '../../shared/adapters/keys';
import { as, newUser, type TestUser } from '../support/identity';
import { startTestRuntime } from '../support/local-runtime';

/** The largest synchronous Lambda response. */
const LAMBDA_RESPONSE_MAX_BYTES = 6 * 1024 * 1024;
/** What the Lambda runtime sends for a result whose body is `text`: the body inside a JSON string. */
const sentBytes = (text: string) => Buffer.byteLength(JSON.stringify(text));
/** The longest workspace name the API takes, every character one the answer escapes. */
const NAME = '<'.repeat(100);
const WORKSPACES = 9000;

let runtime: Runtime;
let user: TestUser;
let db: DynamoDBDocumentClient;
beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off' });
  user = await newUser(runtime, 'r24a-ws-listing');
  db = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(runtime.endpoints.dynamodb)));

  // The API takes such a workspace, with no cap on how many (one through it, the rest written as it writes them).
  const created = await fetch(`${runtime.url}/api/workspaces`, {
    method: 'POST',
    headers: { ...as(user), 'content-type': 'application/json' },
    body: JSON.stringify({ name: NAME }),
  });
  expect(created.status, await created.clone().text()).toBe(201);

  const at = new Date().toISOString();
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < WORKSPACES; i++) {
    const workspaceId = `r24aws${String(i).padStart(6, '0')}`;
    items.push(
      {
        pk: workspacePk(workspaceId),
        sk: META_SK,
        type: 'workspace',
        workspaceId,
        organizationId: user.organizationId,
        name: NAME,
        createdAt: at,
      },
      {
        pk: workspacePk(workspaceId),
        sk: memberSk(user.userId),
        type: 'membership',
        ...membershipGsi1(user.userId, workspaceId),
        workspaceId,
        organizationId: user.organizationId,
        userId: user.userId,
        role: 'owner',
        joinedAt: at,
      },
    );
  }
  for (let start = 0; start < items.length; start += 25) {
    const batch = items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
    await db.send(new BatchWriteCommand({ RequestItems: { [runtime.tables.core as string]: batch } }));
  }
}, 240_000);
afterAll(async () => {
  await runtime?.stop();
});

async function sizeOf(path: string): Promise<number> {
  const res = await fetch(`${runtime.url}${path}`, { headers: as(user) });
  const text = await res.text();
  expect(res.status, text.slice(0, 300)).toBe(200);
  return sentBytes(text);
}

describe('r24a: the caller’s workspaces are answered within what a function may answer', () => {
  it('GET /api/workspaces stays within 6 MB for a user in thousands of workspaces', async () => {
    const bytes = await sizeOf('/api/workspaces');
    expect(bytes, `GET /api/workspaces: ${bytes} bytes as sent, over a Lambda's 6 MB`).toBeLessThanOrEqual(
      LAMBDA_RESPONSE_MAX_BYTES,
    );
  }, 60_000);

  it('GET /api/auth/me stays within 6 MB for a user in thousands of workspaces', async () => {
    const bytes = await sizeOf('/api/auth/me');
    expect(bytes, `GET /api/auth/me: ${bytes} bytes as sent, over a Lambda's 6 MB`).toBeLessThanOrEqual(
      LAMBDA_RESPONSE_MAX_BYTES,
    );
  }, 60_000);
});
