/** Identity and governance as a new user meets them on `npm start`, over HTTP. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../lib/local/runtime';
import { as, newUser, type TestUser } from '../support/identity';
import { json, startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off' });
});
afterAll(async () => {
  await runtime?.stop();
});

const api = (path: string, init: RequestInit = {}) => fetch(`${runtime.url}${path}`, init);
const csrf = async () => {
  const res = await api('/api/csrf-token');
  return ((await res.json()) as { token: string }).token;
};
const sessionFrom = (res: Response) =>
  (res.headers.getSetCookie() ?? []).map((c) => c.split(';')[0] ?? '').find((c) => c.startsWith('session=')) ?? '';

describe('sign-up, log-in, log-out', () => {
  it('walks the whole path, and a logged-out cookie gets 401', async () => {
    const token = await csrf();
    const headers = { 'content-type': 'application/json', 'x-csrf-token': token, cookie: `csrf-token=${token}` };
    const email = `walk-${Date.now()}@example.com`;
    const signup = await api('/api/auth/signup', {
      method: 'POST',
      headers,
      body: JSON.stringify({ email, password: 'a sturdy passphrase', name: 'Walker', organizationName: 'Walk Co' }),
    });
    expect(signup.status).toBe(201);
    expect(sessionFrom(signup)).toMatch(/^session=/);

    const login = await api('/api/auth/login', {
      method: 'POST',
      headers,
      body: JSON.stringify({ email, password: 'a sturdy passphrase' }),
    });
    expect(login.status).toBe(200);
    const cookie = `${sessionFrom(login)}; csrf-token=${token}`;
    expect(login.headers.getSetCookie().join()).toMatch(/HttpOnly/);

    const me = await api('/api/auth/me', { headers: { cookie } });
    expect(me.status).toBe(200);
    expect((await json(me)).user.email).toBe(email);
    expect((await api('/api/security/api-keys', { headers: { cookie } })).status).toBe(200);

    const logout = await api('/api/auth/logout', { method: 'POST', headers: { ...headers, cookie } });
    expect(logout.status).toBe(204);
    const after = await api('/api/auth/me', { headers: { cookie } });
    expect(after.status).toBe(401);
    expect((await json(after)).code).toBe('SESSION_INVALID');
  });

  it('answers a wrong password and an unknown email alike', async () => {
    const user = await newUser(runtime, 'alike');
    const wrong = await api('/api/auth/login', {
      method: 'POST',
      headers: as(user),
      body: JSON.stringify({ email: user.email, password: 'not the password' }),
    });
    const unknown = await api('/api/auth/login', {
      method: 'POST',
      headers: as(user),
      body: JSON.stringify({ email: 'nobody@example.com', password: 'not the password' }),
    });
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect((await json(wrong)).code).toBe((await json(unknown)).code);
  });

  it('seeds a demo owner on first start who can log in', async () => {
    expect(runtime.demo?.email).toBe('demo@unite-hub.local');
    const token = await csrf();
    const res = await api('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': token, cookie: `csrf-token=${token}` },
      body: JSON.stringify({ email: runtime.demo?.email, password: runtime.demo?.password }),
    });
    expect(res.status).toBe(200);
  });
});

describe('API keys and the audit log', () => {
  let owner: TestUser;
  beforeAll(async () => {
    owner = await newUser(runtime, 'keys');
  });

  it('shows a key once, lists only its prefix, honours its scopes, and refuses it once revoked', async () => {
    const created = await api('/api/security/api-keys', {
      method: 'POST',
      headers: as(owner),
      body: JSON.stringify({ name: 'ci', scopes: ['api-keys:read'] }),
    });
    expect(created.status).toBe(201);
    const body = await json(created);
    expect(body.key).toMatch(/^uh_[0-9a-f]{32}$/);
    const key = body.key as string;

    const list = await api('/api/security/api-keys', { headers: as(owner) });
    const listed = await list.text();
    expect(listed).toContain(key.slice(0, 11));
    expect(listed).not.toContain(key);

    const bearer = { authorization: `Bearer ${key}` };
    expect((await api('/api/security/api-keys', { headers: bearer })).status).toBe(200);
    const outOfScope = await api('/api/security/audit-log', { headers: bearer });
    expect(outOfScope.status).toBe(403);

    const keyId = (JSON.parse(listed) as { apiKeys: Array<{ keyId: string }> }).apiKeys[0]?.keyId;
    const revoked = await api(`/api/security/api-keys/${keyId}`, { method: 'DELETE', headers: as(owner) });
    expect(revoked.status).toBe(204);
    const refused = await api('/api/security/api-keys', { headers: bearer });
    expect(refused.status).toBe(401);
    expect((await json(refused)).code).toBe('INVALID_API_KEY');

    const audit = await json(await api('/api/security/audit-log', { headers: as(owner) }));
    const types = (audit.entries as Array<{ eventType: string }>).map((e) => e.eventType);
    expect(types).toEqual(expect.arrayContaining(['auth.signup', 'api-keys.create', 'api-keys.revoke']));
    const creation = (audit.entries as Array<Record<string, unknown>>).find((e) => e.eventType === 'api-keys.create');
    expect(creation).toMatchObject({
      actorType: 'user',
      actorId: owner.userId,
      actorEmail: owner.email,
      ip: '127.0.0.1',
      resourceId: keyId,
    });
  });

  it('lists the log-in in the audit log with actor and ip', async () => {
    await api('/api/auth/login', {
      method: 'POST',
      headers: as(owner),
      body: JSON.stringify({ email: owner.email, password: owner.password }),
    });
    const audit = await json(await api('/api/security/audit-log?eventType=auth.login', { headers: as(owner) }));
    expect(audit.entries[0]).toMatchObject({ eventType: 'auth.login', actorId: owner.userId, ip: '127.0.0.1' });
  });
});

describe('object-level authorisation across workspaces', () => {
  it('an id from another workspace never reads or changes anything', async () => {
    const alice = await newUser(runtime, 'alice');
    const mallory = await newUser(runtime, 'mallory');
    const made = await json(
      await api('/api/security/api-keys', {
        method: 'POST',
        headers: as(alice),
        body: JSON.stringify({ name: 'alice', scopes: ['contacts:read'] }),
      }),
    );
    const keyId = made.apiKey.keyId as string;

    const steal = await api(`/api/security/api-keys/${keyId}`, { method: 'DELETE', headers: as(mallory) });
    expect(steal.status).toBe(404);
    const viaHeader = await api(`/api/security/api-keys/${keyId}`, {
      method: 'DELETE',
      headers: as(mallory, { 'x-workspace-id': alice.workspaceId }),
    });
    expect(viaHeader.status).toBe(404);
    expect((await json(viaHeader)).code).toBe('WORKSPACE_NOT_FOUND');
    const stillThere = await json(await api('/api/security/api-keys', { headers: as(alice) }));
    expect(stillThere.apiKeys.find((k: { keyId: string }) => k.keyId === keyId)?.isActive).toBe(true);

    const sessions = await json(await api('/api/auth/sessions', { headers: as(alice) }));
    const aliceSession = sessions.sessions[0].sessionId as string;
    expect((await api(`/api/auth/sessions/${aliceSession}`, { method: 'DELETE', headers: as(mallory) })).status).toBe(
      404,
    );
    expect((await api('/api/auth/me', { headers: as(alice) })).status).toBe(200);

    const member = await api(`/api/workspaces/${mallory.workspaceId}/members/${alice.userId}`, {
      method: 'PATCH',
      headers: as(mallory),
      body: JSON.stringify({ role: 'viewer' }),
    });
    expect(member.status).toBe(404);
    const peek = await api(`/api/workspaces/${alice.workspaceId}/members`, { headers: as(mallory) });
    expect(peek.status).toBe(404);
    expect(await peek.text()).not.toContain(alice.email);

    await api('/api/settings/crm.signature', {
      method: 'PUT',
      headers: as(alice),
      body: JSON.stringify({ value: 'Alice Co', isSecret: false }),
    });
    const theirs = await api('/api/settings', { headers: as(mallory) });
    expect(await theirs.text()).not.toContain('Alice Co');
    expect((await api('/api/settings/crm.signature', { method: 'DELETE', headers: as(mallory) })).status).not.toBe(500);
    expect(await (await api('/api/settings', { headers: as(alice) })).text()).toContain('Alice Co');
  });
});

describe('invites through the outbox', () => {
  it('lets an invited address join with the role it was given', async () => {
    const owner = await newUser(runtime, 'inviter');
    const invitee = await newUser(runtime, 'invitee');
    const sent = await api(`/api/workspaces/${owner.workspaceId}/invites`, {
      method: 'POST',
      headers: as(owner),
      body: JSON.stringify({ email: invitee.email, role: 'member' }),
    });
    expect(sent.status).toBe(201);
    const store = (await (await fetch(`${runtime.endpoints.ses}/store`)).json()) as {
      emails: Array<{ destination: { to: string[] }; body: { text?: string } }>;
    };
    const mail = store.emails.filter((e) => JSON.stringify(e).includes(invitee.email)).at(-1);
    const token = /token=([A-Za-z0-9_-]+)/.exec(JSON.stringify(mail))?.[1];
    expect(token).toBeDefined();

    const accepted = await api('/api/invites/accept', {
      method: 'POST',
      headers: as(invitee),
      body: JSON.stringify({ token }),
    });
    expect(accepted.status).toBe(200);
    const members = await json(await api(`/api/workspaces/${owner.workspaceId}/members`, { headers: as(owner) }));
    expect(members.members).toEqual(
      expect.arrayContaining([expect.objectContaining({ userId: invitee.userId, role: 'member' })]),
    );
    const again = await api('/api/invites/accept', {
      method: 'POST',
      headers: as(invitee),
      body: JSON.stringify({ token }),
    });
    expect(again.status).toBe(400);
  });
});
