/**
 * Review r17c (governance: audit log), through the local runtime.
 *
 * Defect: revoking an API key (or withdrawing an invite) that is already revoked is documented as
 * a no-op ("revoking twice is a no-op", docs/IDENTITY.md), yet every repeat leaves another
 * `api-keys.revoke` / `invites.revoke` entry in the audit log, naming whoever repeated it as the
 * one who revoked. One revocation is recorded N times, and when a second admin repeats it the log
 * names two different revokers of the same key at two different times, contradicting the key's
 * own `revokedBy`/`revokedAt`. Privileged changes are not audited exactly once, and an auditor
 * cannot tell from the log who actually ended the key.
 *
 * Severity: LOW (audit trail accuracy; no access is granted).
 *
 * Root cause: shared/governance/api-keys.ts:revokeApiKey (the store's `already-revoked` outcome is
 * dropped; functions/security.ts 'api-keys.revoke' answers 204 like a revocation) and
 * shared/workspaces/use-cases.ts:revokeInvite (`already-revoked` likewise), so the edge's audit
 * step (shared/http/middlewares/audit.ts) writes an entry for every 2xx.
 *
 * Correct behaviour: the first revocation is audited once; a repeat still answers 204 but writes no
 * entry (return `audit: { skip }`/`inWrite: true` for the no-op outcome), or is recorded under a
 * distinct event (e.g. metadata `{ alreadyRevoked: true }`) that does not read as a revocation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../lib/local/runtime';
import { addMember, as, newUser, type TestUser } from '../support/identity';
import { startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;

beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off' });
}, 60_000);
afterAll(async () => {
  await runtime?.stop();
});

async function call(user: TestUser, method: string, path: string, body?: unknown, ws?: string) {
  const res = await fetch(`${runtime.url}${path}`, {
    method,
    headers: as(user, ws ? { 'x-workspace-id': ws } : {}),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON and assert on it
  const parsed: any = await res.json().catch(() => undefined);
  return { status: res.status, body: parsed };
}

describe('a repeated revocation is one revocation in the audit log', () => {
  it('revoking an API key twice (by two admins) leaves one api-keys.revoke entry', async () => {
    const owner = await newUser(runtime, 'r17c-rk', { verified: true });
    const admin = await newUser(runtime, 'r17c-rk-adm', { verified: true });
    await addMember(runtime, owner.workspaceId, owner.organizationId, admin, 'admin');
    const ws = owner.workspaceId;

    const created = await call(owner, 'POST', '/api/security/api-keys', { name: 'ci', scopes: ['contacts:read'] });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const keyId = created.body.apiKey.keyId as string;

    const first = await call(owner, 'DELETE', `/api/security/api-keys/${keyId}`, undefined, ws);
    expect(first.status).toBe(204);
    const again = await call(admin, 'DELETE', `/api/security/api-keys/${keyId}`, undefined, ws);
    expect(again.status).toBe(204);

    const keys = await call(owner, 'GET', '/api/security/api-keys', undefined, ws);
    const key = keys.body.apiKeys.find((k: { keyId: string }) => k.keyId === keyId);
    expect(key.revokedBy).toBe(owner.userId);

    const log = await call(owner, 'GET', '/api/security/audit-log?eventType=api-keys.revoke', undefined, ws);
    const entries = (log.body.entries as Array<{ actorId: string; resourceId: string }>).filter(
      (e) => e.resourceId === keyId,
    );
    // At the reviewed code: two entries, the later one naming the admin as the key's revoker.
    expect(entries.map((e) => e.actorId)).toEqual([owner.userId]);
  });

  it('withdrawing an invite twice leaves one invites.revoke entry', async () => {
    const owner = await newUser(runtime, 'r17c-ri', { verified: true });
    const ws = owner.workspaceId;
    const sent = await call(owner, 'POST', `/api/workspaces/${ws}/invites`, {
      email: `r17c-invitee-${Date.now()}@example.com`,
      role: 'viewer',
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    const inviteId = sent.body.invite.inviteId as string;
    expect(inviteId).toBeTruthy();

    expect((await call(owner, 'DELETE', `/api/workspaces/${ws}/invites/${inviteId}`)).status).toBe(204);
    expect((await call(owner, 'DELETE', `/api/workspaces/${ws}/invites/${inviteId}`)).status).toBe(204);

    const log = await call(owner, 'GET', '/api/security/audit-log?eventType=invites.revoke', undefined, ws);
    const entries = (log.body.entries as Array<{ resourceId: string }>).filter((e) => e.resourceId === inviteId);
    expect(entries).toHaveLength(1);
  });
});
