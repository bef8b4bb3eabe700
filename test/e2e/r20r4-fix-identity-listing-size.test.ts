// Review round 20: this test failed at c42275b.
// Five identity listings answered their whole list in one body, with no cursor and no cap on what they
// hold: members, pending invites, custom roles, the caller's sessions and devices. Enough valid
// records (or long user agents and names) made them weigh more than the 6 MB a Lambda may answer.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClientConfig } from '../../lib/local/emulators/local-aws';
import type { Runtime } from '../../lib/local/runtime';
import {
  INVITE_SK,
  inviteGsi1,
  invitePk,
  memberSk,
  membershipGsi1,
  USER_PROFILE_SK,
  userPk,
  workspacePk,
} from '../../shared/adapters/keys';
import { as, newUser, type TestUser } from '../support/identity';
import { startTestRuntime } from '../support/local-runtime';

/** The largest synchronous Lambda response. */
const LAMBDA_RESPONSE_MAX_BYTES = 6 * 1024 * 1024;
/** What the Lambda runtime sends for a result whose body is `text`: the body inside a JSON string. */
const sentBytes = (text: string) => Buffer.byteLength(JSON.stringify(text));

let runtime: Runtime;
let owner: TestUser;
let db: DynamoDBDocumentClient;
beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off' });
  owner = await newUser(runtime, 'r20r4-listing-size', { verified: false });
  db = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(runtime.endpoints.dynamodb)));
}, 60_000);
afterAll(async () => {
  await runtime?.stop();
});

async function putAll(items: Record<string, unknown>[]) {
  for (let start = 0; start < items.length; start += 25) {
    const batch = items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
    await db.send(new BatchWriteCommand({ RequestItems: { [runtime.tables.core as string]: batch } }));
  }
}

/** GETs `path`, asserting a 200 within what a Lambda may answer; the parsed body. */
async function answered<T>(path: string, headers: Record<string, string> = as(owner)): Promise<T> {
  const res = await fetch(`${runtime.url}${path}`, { headers });
  const text = await res.text();
  expect(res.status, text.slice(0, 300)).toBe(200);
  expect(sentBytes(text), `${path}: ${sentBytes(text)} bytes as sent, over a Lambda's 6 MB`).toBeLessThanOrEqual(
    LAMBDA_RESPONSE_MAX_BYTES,
  );
  return JSON.parse(text) as T;
}

/** Every item of a cursor listing, page after page. */
async function everyPage<T>(path: string, key: string, limit: number): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 500; page++) {
    const query = `limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const body = await answered<Record<string, unknown>>(`${path}?${query}`);
    const items = body[key] as T[];
    expect(items.length).toBeLessThanOrEqual(limit);
    all.push(...items);
    cursor = body.nextCursor as string | undefined;
    if (!cursor) return all;
  }
  throw new Error('the listing never ended');
}

describe('r20r4: identity listings stay within what a function may answer', () => {
  it('GET /members pages (limit, nextCursor) over thousands of members with long names', async () => {
    const MEMBERS = 9000;
    const at = new Date().toISOString();
    const items: Record<string, unknown>[] = [];
    for (let i = 0; i < MEMBERS; i++) {
      const userId = `r20r4m${String(i).padStart(6, '0')}`;
      items.push(
        {
          pk: workspacePk(owner.workspaceId),
          sk: memberSk(userId),
          type: 'membership',
          ...membershipGsi1(userId, owner.workspaceId),
          workspaceId: owner.workspaceId,
          organizationId: owner.organizationId,
          userId,
          role: 'member',
          joinedAt: at,
        },
        {
          pk: userPk(userId),
          sk: USER_PROFILE_SK,
          type: 'user',
          userId,
          email: `${userId}@example.com`,
          // The longest name sign-up takes, every character one the answer escapes.
          name: '<'.repeat(100),
          emailVerified: true,
          defaultWorkspaceId: owner.workspaceId,
          createdAt: at,
        },
      );
    }
    await putAll(items);

    const first = await answered<{ members: { userId: string; name: string }[]; nextCursor?: string }>(
      `/api/workspaces/${owner.workspaceId}/members`,
    );
    expect(first.members.length).toBeGreaterThan(0);
    expect(first.nextCursor).toBeTypeOf('string');

    const all = await everyPage<{ userId: string; name: string }>(
      `/api/workspaces/${owner.workspaceId}/members`,
      'members',
      100,
    );
    const ids = new Set(all.map((m) => m.userId));
    expect(ids.size).toBe(MEMBERS + 1);
    expect(ids.has(owner.userId)).toBe(true);
    expect(all.find((m) => m.userId !== owner.userId)?.name).toBe('<'.repeat(100));
  }, 300_000);

  it('GET /invites pages (limit, nextCursor) over thousands of pending invites, answering only live ones', async () => {
    const INVITES = 16_800;
    let live = 0;
    const now = Date.now();
    const items: Record<string, unknown>[] = [];
    const ws = owner.workspaceId;
    for (let i = 0; i < INVITES; i++) {
      const inviteId = `r20r4i${String(i).padStart(6, '0')}`;
      const createdAt = new Date(now - 3_600_000 + i).toISOString();
      // Every 21st invite was revoked and every 22nd has expired: the listing answers neither.
      const revoked = i % 21 === 20;
      const expired = !revoked && i % 22 === 21;
      if (!revoked && !expired) live += 1;
      const expiresAtIso = new Date(expired ? now - 60_000 : now + 86_400_000).toISOString();
      items.push({
        pk: invitePk(`hash-${inviteId}`),
        sk: INVITE_SK,
        type: 'invite',
        ...inviteGsi1(ws, createdAt, inviteId),
        inviteId,
        workspaceId: ws,
        organizationId: owner.organizationId,
        // A long, valid address.
        email: `${'a'.repeat(60)}.${inviteId}@${'b'.repeat(60)}.example.com`,
        role: 'member',
        invitedBy: owner.userId,
        createdAt,
        status: revoked ? 'revoked' : 'pending',
        expiresAtIso,
        expiresAt: Math.floor(Date.parse(expiresAtIso) / 1000) + 86_400,
      });
    }
    await putAll(items);

    const first = await answered<{ invites: { inviteId: string }[]; nextCursor?: string }>(
      `/api/workspaces/${ws}/invites`,
    );
    expect(first.invites.length).toBeGreaterThan(0);
    expect(first.nextCursor).toBeTypeOf('string');
    // The cursor names no stored key (an invite's key is its token's hash).
    expect(Buffer.from(first.nextCursor as string, 'base64url').toString()).not.toContain('hash-');

    const all = await everyPage<{ inviteId: string; status: string }>(`/api/workspaces/${ws}/invites`, 'invites', 100);
    expect(new Set(all.map((i) => i.inviteId)).size).toBe(live);
    expect(all.every((i) => i.status === 'pending')).toBe(true);
    // Oldest first, as before.
    const ids = all.map((i) => i.inviteId);
    expect(ids).toEqual([...ids].sort());
  }, 300_000);

  it('custom roles are capped per workspace (409 ROLE_LIMIT), so the roles listing stays small', async () => {
    const everyPermission = (
      (await answered<{ permissions: string[] }>(`/api/workspaces/${owner.workspaceId}`)).permissions as string[]
    ).filter((p) => p !== '*');
    let refusedAt: number | undefined;
    let refusal: { code?: string } = {};
    for (let i = 0; i < 60 && refusedAt === undefined; i++) {
      const res = await fetch(`${runtime.url}/api/workspaces/${owner.workspaceId}/roles/role-${i}`, {
        method: 'PUT',
        headers: as(owner),
        body: JSON.stringify({ permissions: everyPermission }),
      });
      if (res.status === 409) {
        refusedAt = i;
        refusal = (await res.json()) as { code?: string };
      } else expect(res.status, await res.text()).toBe(200);
    }
    expect(refusedAt, 'a workspace may hold custom roles without limit').toBe(50);
    expect(refusal.code).toBe('ROLE_LIMIT');

    // Redefining an existing role is no new one: still allowed at the cap.
    const redefine = await fetch(`${runtime.url}/api/workspaces/${owner.workspaceId}/roles/role-0`, {
      method: 'PUT',
      headers: as(owner),
      body: JSON.stringify({ permissions: ['contacts:read'] }),
    });
    expect(redefine.status).toBe(200);
    // A deletion gives the slot back.
    const removed = await fetch(`${runtime.url}/api/workspaces/${owner.workspaceId}/roles/role-1`, {
      method: 'DELETE',
      headers: as(owner),
    });
    expect(removed.status).toBe(204);
    const again = await fetch(`${runtime.url}/api/workspaces/${owner.workspaceId}/roles/role-new`, {
      method: 'PUT',
      headers: as(owner),
      body: JSON.stringify({ permissions: everyPermission }),
    });
    expect(again.status).toBe(200);

    const listed = await answered<{ roles: { name: string; builtin: boolean }[] }>(
      `/api/workspaces/${owner.workspaceId}/roles`,
    );
    expect(listed.roles.filter((r) => !r.builtin)).toHaveLength(50);
  }, 120_000);

  it('concurrent creations of custom roles never pass the cap', async () => {
    const other = await newUser(runtime, 'r20r4-roles-race', { verified: false });
    const create = (i: number) =>
      fetch(`${runtime.url}/api/workspaces/${other.workspaceId}/roles/race-${i}`, {
        method: 'PUT',
        headers: as(other),
        body: JSON.stringify({ permissions: ['contacts:read'] }),
      }).then(async (res) => ({ status: res.status, code: ((await res.json()) as { code?: string }).code }));
    // Rounds of 8 at once (the local runtime runs so many requests at a time), the first one too.
    const answers: { status: number; code?: string | undefined }[] = [];
    for (let round = 0; round < 8; round++) {
      answers.push(...(await Promise.all(Array.from({ length: 8 }, (_, j) => create(round * 8 + j)))));
    }
    const created = answers.filter((a) => a.status === 200).length;
    expect(created).toBeLessThanOrEqual(50);
    expect(
      answers.filter((a) => a.status !== 200 && a.status !== 409),
      JSON.stringify(answers),
    ).toEqual([]);
    expect(answers.filter((a) => a.code === 'ROLE_LIMIT').length).toBeGreaterThan(0);
    const listed = await answered<{ roles: { builtin: boolean }[] }>(
      `/api/workspaces/${other.workspaceId}/roles`,
      as(other),
    );
    expect(listed.roles.filter((r) => !r.builtin)).toHaveLength(created);
  }, 120_000);

  it('sessions and devices: listings bounded, user agents cut; no log-in ends another session', async () => {
    const user = await newUser(runtime, 'r20r4-sessions', { verified: false });
    // A long user agent (API Gateway takes 10 KB of headers), every character one the answer escapes.
    const userAgent = `Mozilla/5.0 ${'<'.repeat(9000)}`;
    const LOGINS = 105;
    const cookies: string[] = [];
    for (let i = 0; i < LOGINS; i++) {
      const csrf = (await (await fetch(`${runtime.url}/api/csrf-token`)).json()) as { token: string };
      const res = await fetch(`${runtime.url}/api/auth/login`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-csrf-token': csrf.token,
          cookie: `csrf-token=${csrf.token}`,
          'user-agent': userAgent,
          'x-device-id': `r20r4-device-${i}`,
        },
        body: JSON.stringify({ email: user.email, password: user.password }),
      });
      expect(res.status, await res.clone().text()).toBe(200);
      const session = res.headers.getSetCookie().find((c) => c.startsWith('session='));
      cookies.push(String(String(session).split(';')[0]));
    }
    // The first log-in's cookie asks: the current session is listed whatever its age.
    const first = { cookie: cookies[0] as string, 'user-agent': userAgent, 'x-device-id': 'r20r4-device-0' };

    const sessions = await answered<{
      sessions: { id: string; userAgent: string; current: boolean }[];
      moreActive?: number;
    }>('/api/auth/sessions', first);
    expect(sessions.sessions.length).toBeLessThanOrEqual(100);
    // 105 log-ins and the sign-up's session: 106 active, 100 listed.
    expect(sessions.moreActive).toBe(6);
    expect(sessions.sessions.some((s) => s.current)).toBe(true);
    expect(sessions.sessions.every((s) => s.userAgent.length <= 512)).toBe(true);
    expect(sessions.sessions[0]?.userAgent.startsWith('Mozilla/5.0 <<<')).toBe(true);

    const devices = await answered<{ devices: { deviceId: string; userAgent: string; current: boolean }[] }>(
      '/api/auth/devices',
      { ...first, 'x-device-id': 'r20r4-device-104' },
    );
    expect(devices.devices.length).toBeLessThanOrEqual(100);
    expect(devices.devices.some((d) => d.current)).toBe(true);
    expect(devices.devices.every((d) => d.userAgent.length <= 512)).toBe(true);

    // Every session still stands: a log-in ends no other (a shared account's clients stay signed in).
    const me = async (cookie: string) => (await fetch(`${runtime.url}/api/auth/me`, { headers: { cookie } })).status;
    expect(await me(cookies[0] as string)).toBe(200);
    expect(await me(cookies.at(-1) as string)).toBe(200);
  }, 300_000);
});
