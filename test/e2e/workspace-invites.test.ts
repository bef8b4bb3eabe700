/**
 * Invites through the local runtime. Was (review 8): inviting an address that already belonged to
 * a member answered 201, mailed an invite and listed it as pending for 7 days, though accepting it
 * could only answer 409. Fixed in shared/workspaces/use-cases.ts (invite): 409 ALREADY_MEMBER, and
 * 409 INVITE_PENDING for a second live invite, with nothing stored or mailed.
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

async function call(user: TestUser, method: string, path: string, body?: unknown) {
  const res = await fetch(`${runtime.url}${path}`, {
    method,
    headers: as(user),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON and assert on it
  const parsed: any = await res.json().catch(() => undefined);
  return { status: res.status, body: parsed };
}

describe('POST /api/workspaces/{id}/invites', () => {
  it('inviting an address that is already a member is refused and leaves no pending invite', async () => {
    const owner = await newUser(runtime, 'inv-own', { verified: true });
    const member = await newUser(runtime, 'inv-mem');
    await addMember(runtime, owner.workspaceId, owner.organizationId, member, 'member');
    const invited = await call(owner, 'POST', `/api/workspaces/${owner.workspaceId}/invites`, {
      email: member.email.toUpperCase(),
      role: 'viewer',
    });
    const pending = await call(owner, 'GET', `/api/workspaces/${owner.workspaceId}/invites`);
    expect(invited.status, JSON.stringify(invited.body)).toBe(409);
    expect(invited.body.code).toBe('ALREADY_MEMBER');
    expect(JSON.stringify(pending.body).toLowerCase()).not.toContain(member.email.toLowerCase());
  });

  it('a second invite to a pending address is 409 INVITE_PENDING until the first is withdrawn', async () => {
    const owner = await newUser(runtime, 'inv-two', { verified: true });
    const path = `/api/workspaces/${owner.workspaceId}/invites`;
    const first = await call(owner, 'POST', path, { email: 'twice@example.com', role: 'viewer' });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const again = await call(owner, 'POST', path, { email: 'Twice@example.com', role: 'member' });
    expect(again.status, JSON.stringify(again.body)).toBe(409);
    expect(again.body.code).toBe('INVITE_PENDING');
    expect((await call(owner, 'GET', path)).body.invites).toHaveLength(1);

    expect((await call(owner, 'DELETE', `${path}/${first.body.invite.inviteId}`)).status).toBe(204);
    const resent = await call(owner, 'POST', path, { email: 'twice@example.com', role: 'member' });
    expect(resent.status, JSON.stringify(resent.body)).toBe(201);
  });
});
