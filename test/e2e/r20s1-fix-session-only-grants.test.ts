// Review round 20: this test failed at 9cf75bb.
// A key could take a new campaign signing secret (one its receivers trust, outliving the key); the role
// routes, now session only, must still need no verified email, and the routes that take access away keep keys.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../lib/local/runtime';
import { PERMISSIONS } from '../../shared/identity/permissions';
import { addMember, as, newUser, type TestUser } from '../support/identity';
import { startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
let owner: TestUser;
beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off' });
  owner = await newUser(runtime, 'r20s1-fix-owner', { verified: true });
}, 60_000);
afterAll(async () => {
  await runtime?.stop();
});

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
type Answer = { status: number; body: any };

async function call(headers: Record<string, string>, method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${runtime.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    return { status: res.status, body: text };
  }
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

async function ownersKey(): Promise<string> {
  const created = await call(as(owner), 'POST', '/api/security/api-keys', { name: 'automation', scopes: PERMISSIONS });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.key as string;
}

describe('r20s1: what outlives a key needs a session', () => {
  it('a key gets no campaign signing secret (403 API_KEY_NOT_ALLOWED); a session does', async () => {
    const key = await ownersKey();
    const created = await call(as(owner), 'POST', '/api/campaigns', {
      name: 'r20s1 signing',
      journey: {
        nodes: [
          { id: 'start', kind: 'trigger', next: 'done' },
          { id: 'done', kind: 'exit' },
        ],
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.campaign.campaignId as string;

    const byKey = await call(bearer(key), 'POST', `/api/campaigns/${id}/signing-secret`);
    expect({ status: byKey.status, code: byKey.body?.code, secret: byKey.body?.secret }).toEqual({
      status: 403,
      code: 'API_KEY_NOT_ALLOWED',
      secret: undefined,
    });
    const bySession = await call(as(owner), 'POST', `/api/campaigns/${id}/signing-secret`);
    expect(bySession.status, JSON.stringify(bySession.body)).toBe(201);
    expect(bySession.body.secret).toMatch(/^whsec_/);
  });

  it('an unverified owner, signed in, still defines roles and changes members’ roles (no email check)', async () => {
    const unverified = await newUser(runtime, 'r20s1-fix-unverified');
    const helper = await newUser(runtime, 'r20s1-fix-helper');
    await addMember(runtime, unverified.workspaceId, unverified.organizationId, helper, 'viewer');
    const role = await call(as(unverified), 'PUT', `/api/workspaces/${unverified.workspaceId}/roles/assistant`, {
      permissions: ['contacts:read', 'contacts:write'],
    });
    expect(role.status, JSON.stringify(role.body)).toBe(200);
    const changed = await call(
      as(unverified),
      'PATCH',
      `/api/workspaces/${unverified.workspaceId}/members/${helper.userId}`,
      { role: 'assistant' },
    );
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
  });

  it('a key still takes access away: removes a member, deletes an unused role', async () => {
    const key = await ownersKey();
    const leaving = await newUser(runtime, 'r20s1-fix-leaving');
    await addMember(runtime, owner.workspaceId, owner.organizationId, leaving, 'viewer');
    const made = await call(as(owner), 'PUT', `/api/workspaces/${owner.workspaceId}/roles/unused`, {
      permissions: ['contacts:read'],
    });
    expect(made.status, JSON.stringify(made.body)).toBe(200);

    const removed = await call(bearer(key), 'DELETE', `/api/workspaces/${owner.workspaceId}/members/${leaving.userId}`);
    expect(removed.status, JSON.stringify(removed.body)).toBe(204);
    const deleted = await call(bearer(key), 'DELETE', `/api/workspaces/${owner.workspaceId}/roles/unused`);
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(204);
  });
});
