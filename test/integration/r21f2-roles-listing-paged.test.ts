// Review round 21: this test failed at c5f6923.
// `GET /api/workspaces/{id}/roles` answered every custom role in one body. New roles are capped at
// 50 a workspace, but a workspace may keep any number from before the cap, and ten thousand roles
// holding every permission weigh more as sent than the 6 MB a Lambda may answer (a 5xx in the
// cloud). The listing now pages like the members and invites (`limit` 1-100, default 100,
// `nextCursor`), each page cut to what a function may answer; the built-in roles lead the first
// page, so a client that sends nothing still gets the same body for a workspace within the cap.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClientConfig } from '../../lib/local/emulators/local-aws';
import type { Runtime } from '../../lib/local/runtime';
import { roleSk, workspacePk } from '../../shared/adapters/keys';
import { BUILTIN_ROLES, PERMISSIONS } from '../../shared/identity/permissions';
import { as, newUser, type TestUser } from '../support/identity';
import { startTestRuntime } from '../support/local-runtime';

/** The largest synchronous Lambda response. */
const LAMBDA_RESPONSE_MAX_BYTES = 6 * 1024 * 1024;
/** What the Lambda runtime sends for a result whose body is `text`: the body inside a JSON string. */
const sentBytes = (text: string) => Buffer.byteLength(JSON.stringify(text));
const ROLES = 10_000;

interface Listed {
  roles: { name: string; builtin?: boolean; permissions: string[] }[];
  nextCursor?: string;
}

let runtime: Runtime;
let owner: TestUser;
let small: TestUser;
let db: DynamoDBDocumentClient;
beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off' });
  owner = await newUser(runtime, 'r21f2-roles-many');
  small = await newUser(runtime, 'r21f2-roles-few');
  db = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(runtime.endpoints.dynamodb)));
}, 60_000);
afterAll(async () => {
  await runtime?.stop();
});

/** Custom roles written as the store wrote them before the cap, every permission each. */
async function legacyRoles(workspaceId: string, count: number) {
  const at = '2026-01-01T00:00:00.000Z';
  for (let start = 0; start < count; start += 25) {
    const batch = Array.from({ length: Math.min(25, count - start) }, (_, i) => {
      const name = `role-${String(start + i).padStart(6, '0')}`;
      const role = { workspaceId, name, permissions: [...PERMISSIONS], createdAt: at };
      return { PutRequest: { Item: { pk: workspacePk(workspaceId), sk: roleSk(name), type: 'role', ...role } } };
    });
    await db.send(new BatchWriteCommand({ RequestItems: { [runtime.tables.core as string]: batch } }));
  }
}

/** GETs `path`: its status and text. */
async function get(path: string, user: TestUser) {
  const res = await fetch(`${runtime.url}${path}`, { headers: as(user) });
  return { status: res.status, text: await res.text() };
}

/** GETs `path`, asserting a 200 within what a Lambda may answer; the parsed body. */
async function answered(path: string, user: TestUser): Promise<Listed> {
  const { status, text } = await get(path, user);
  expect(status, text.slice(0, 300)).toBe(200);
  expect(sentBytes(text), `${path}: ${sentBytes(text)} bytes as sent, over a Lambda's 6 MB`).toBeLessThanOrEqual(
    LAMBDA_RESPONSE_MAX_BYTES,
  );
  return JSON.parse(text) as Listed;
}

describe('r21f2: GET /roles pages, whatever a workspace kept before the cap', () => {
  it('answers within what a function may answer, and pages through every role once', async () => {
    await legacyRoles(owner.workspaceId, ROLES);
    const path = `/api/workspaces/${owner.workspaceId}/roles`;

    const first = await answered(path, owner);
    expect(first.nextCursor).toBeTypeOf('string');
    expect(first.roles.slice(0, BUILTIN_ROLES.length).map((r) => r.name)).toEqual([...BUILTIN_ROLES]);

    const names: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 500; page++) {
      const query = `limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const body = await answered(`${path}?${query}`, owner);
      const custom = body.roles.filter((r) => !r.builtin);
      expect(custom.length).toBeLessThanOrEqual(100);
      // The built-in roles lead the first page only.
      expect(body.roles.length - custom.length).toBe(cursor ? 0 : BUILTIN_ROLES.length);
      names.push(...custom.map((r) => r.name));
      cursor = body.nextCursor;
      if (!cursor) break;
    }
    expect(cursor, 'the listing never ended').toBeUndefined();
    expect(names).toHaveLength(ROLES);
    expect(new Set(names).size).toBe(ROLES);
    expect(names).toEqual([...names].sort());
  }, 120_000);

  it('keeps the body a client that sends nothing got, for a workspace within the cap', async () => {
    const path = `/api/workspaces/${small.workspaceId}/roles/auditors`;
    const put = await fetch(`${runtime.url}${path}`, {
      method: 'PUT',
      headers: { ...as(small), 'content-type': 'application/json' },
      body: JSON.stringify({ permissions: ['audit:read'] }),
    });
    expect(put.status).toBe(200);

    const body = await answered(`/api/workspaces/${small.workspaceId}/roles`, small);
    expect(body.nextCursor).toBeUndefined();
    expect(body.roles.map((r) => [r.name, r.builtin])).toEqual([
      ...BUILTIN_ROLES.map((name) => [name, true]),
      ['auditors', false],
    ]);
  });

  it('refuses a bad page request with a 400', async () => {
    const path = `/api/workspaces/${small.workspaceId}/roles`;
    expect((await get(`${path}?limit=0`, small)).status).toBe(400);
    expect((await get(`${path}?limit=101`, small)).status).toBe(400);
    const forged = Buffer.from(JSON.stringify({ pk: workspacePk(owner.workspaceId), sk: roleSk('x') })).toString(
      'base64url',
    );
    const refused = await get(`${path}?cursor=${forged}`, small);
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.text).code).toBe('INVALID_CURSOR');
  });
});
