/**
 * Review round 20 re-review (r20r1): a leaked API key still hands out access that its revocation
 * does not end; only `api-keys:create` was made session only.
 *
 * Defect (MEDIUM): e8d5afa made `api-keys:create` a session-only permission because "a key never
 * mints keys: a leaked one would leave behind keys, stored as its user's own, that its revocation
 * does not end" (shared/identity/permissions.ts SESSION_ONLY_PERMISSIONS, docs/IDENTITY.md "Keys
 * never create keys"). The other routes declared `handsOutAccess` (lib/definition/*-routes.ts)
 * hand out the same kind of lasting access and still take a key:
 *  1. `POST /api/workspaces/{id}/invites` (`members:invite`): the holder of a leaked admin key
 *     invites an address of their own as `admin`; the owner revokes the key (what they do on a
 *     leak), and the invite still stands: accepting it makes the attacker an admin, who can then
 *     mint keys with a session;
 *  2. `POST /api/campaigns/{id}/webhook-token` (`campaigns:launch`): the key mints a bearer token
 *     that enrols the workspace's contacts into a live campaign (sends mail) without any session or
 *     key, and it keeps working after the key is revoked.
 * Neither is tied to the key (nothing records which key made it; revoking a key ends only that
 * key), so the revocation the docs prescribe for a leak leaves the attacker in.
 * Root cause: shared/identity/permissions.ts SESSION_ONLY_PERMISSIONS (only `api-keys:create`), as
 * applied by shared/identity/authenticate.ts (`apiKeysMayCall`), for routes declared
 * `handsOutAccess`.
 * Correct: every route that hands out access refuses API keys (403 `API_KEY_NOT_ALLOWED`, e.g. by
 * `authenticate` refusing keys on `handsOutAccess` routes), or what a key hands out records the
 * key and ends with it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../lib/local/runtime';
import { PERMISSIONS } from '../../shared/identity/permissions';
import { mailedToken } from '../support/accounts';
import { as, newUser, type TestUser } from '../support/identity';
import { startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
let owner: TestUser;
beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off' });
  owner = await newUser(runtime, 'r20r1-handout-owner', { verified: true });
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

async function ownersKey(scopes: string[]) {
  const created = await call(as(owner), 'POST', '/api/security/api-keys', { name: 'automation', scopes });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body as { key: string; apiKey: { keyId: string } };
}

async function revokeKey(keyId: string) {
  const revoked = await call(as(owner), 'DELETE', `/api/security/api-keys/${keyId}`);
  expect(revoked.status, JSON.stringify(revoked.body)).toBe(204);
}

describe('r20r1: a revoked key leaves no access behind', () => {
  it('an invite sent with a leaked key does not let its holder in once the key is revoked', async () => {
    // An owner's automation key with every scope (inviting an admin takes holding what an admin holds).
    const leaked = await ownersKey([...PERMISSIONS]);
    const attacker = await newUser(runtime, 'r20r1-attacker');
    const sent = await call(bearer(leaked.key), 'POST', `/api/workspaces/${owner.workspaceId}/invites`, {
      email: attacker.email,
      role: 'admin',
    });
    if (sent.status !== 201) {
      // Refused outright: what the fix should do.
      expect(sent.body.code).toBe('API_KEY_NOT_ALLOWED');
      return;
    }
    // The owner learns of the leak and revokes the key.
    await revokeKey(leaked.apiKey.keyId);

    const token = await mailedToken(runtime, attacker.email, /invited you/i);
    const accepted = await call(as(attacker), 'POST', '/api/invites/accept', { token });
    const members = await call(as(owner), 'GET', `/api/workspaces/${owner.workspaceId}/members`);
    const role = members.body.members.find((m: { userId: string }) => m.userId === attacker.userId)?.role;
    expect(
      { accepted: accepted.status, role },
      'the invite made with the revoked key let its holder in as admin',
    ).not.toEqual({ accepted: 200, role: 'admin' });
    expect(role).toBeUndefined();
  });

  it('a webhook token minted with a leaked key stops enrolling once the key is revoked', async () => {
    const journey = {
      nodes: [
        { id: 'start', kind: 'trigger', on: { type: 'webhook' }, next: 'done' },
        { id: 'done', kind: 'exit' },
      ],
    };
    const created = await call(as(owner), 'POST', '/api/campaigns', { name: 'Hooked', journey });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const campaignId = created.body.campaign.campaignId as string;
    const published = await call(as(owner), 'POST', `/api/campaigns/${campaignId}/publish`);
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    const contact = await call(as(owner), 'POST', '/api/contacts', { email: `r20r1-hook-${Date.now()}@example.com` });
    expect(contact.status).toBe(201);

    const leaked = await ownersKey(['campaigns:launch', 'campaigns:read']);
    const minted = await call(bearer(leaked.key), 'POST', `/api/campaigns/${campaignId}/webhook-token`);
    if (minted.status !== 201) {
      expect(minted.body.code).toBe('API_KEY_NOT_ALLOWED');
      return;
    }
    await revokeKey(leaked.apiKey.keyId);

    const used = await call({}, 'POST', minted.body.path, { contactId: contact.body.contact.contactId });
    expect(used.status, `the token minted with the revoked key still enrols: ${JSON.stringify(used.body)}`).not.toBe(
      202,
    );
  });
});
