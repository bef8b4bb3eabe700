// Review round 19: a guard for the r19j fix (it passed at 6a48c48 too, where the edge wrote the entry).
// A create now writes its events as pending and takes them out once published (one more call), so
// its audit entry moved into the create's transaction to keep POST /api/contacts at 4 calls: the
// entry is written once, with the contact's consent source, and a refused create writes none.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../lib/local/runtime';
import { as, newUser, type TestUser } from '../support/identity';
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
    headers: as(user, { 'x-workspace-id': user.workspaceId }),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON and assert on it
  const parsed: any = await res.json().catch(() => undefined);
  return { status: res.status, body: parsed };
}

describe('a contact create is audited once, in its own transaction', () => {
  it('one entry per create, with its metadata; a refused create writes none', async () => {
    const owner = await newUser(runtime, 'r19jf-audit', { verified: true });
    const created = await call(owner, 'POST', '/api/contacts', {
      email: 'audited@example.com',
      consent: { source: 'form' },
    });
    expect(created.status).toBe(201);
    const id = created.body.contact.contactId;
    const taken = await call(owner, 'POST', '/api/contacts', { email: 'audited@example.com', firstName: 'Other' });
    expect(taken.status).toBe(409);

    const log = await call(owner, 'GET', '/api/security/audit-log?eventType=contacts.create');
    expect(log.status).toBe(200);
    const entries = log.body.entries as Array<{ resourceId: string; actorId: string; metadata?: unknown }>;
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ resourceId: id, actorId: owner.userId, metadata: { consent: 'form' } });
  });
});
