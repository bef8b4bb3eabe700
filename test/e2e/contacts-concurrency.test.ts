/**
 * Contacts under concurrency and the input rules review 8 proved broken through the whole local
 * runtime (one runtime for the file). Each `it` failed before its fix; the comment above it says
 * what failed, and now what closes it.
 */
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

interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON and assert on it
  body: any;
}

async function call(user: TestUser, method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${runtime.url}${path}`, {
    method,
    headers: as(user),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body: parsed };
}

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;

const newContact = async (user: TestUser, extra: Record<string, unknown> = {}) => {
  const created = await call(user, 'POST', '/api/contacts', { email: `r8-${unique()}@example.com`, ...extra });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.contact.contactId as string;
};

describe('contacts: concurrency and input rules (review 8)', () => {
  // What a user sees: two colleagues edit one contact at once (one fixes the first name, the other
  // the company); both get 200 and GET shows both changes, but searching the list by the new name
  // or the new company (GET /api/contacts/list?q=…) no longer finds the contact, for good.
  // Why: the stored lower-cased `search` text is recomputed from the contact as read *before*
  // the write ({...before, ...changes}) and SET unconditionally with the changed field, so the
  // last writer overwrites `search` with the other field's stale value (lost update on a derived
  // attribute). shared/adapters/dynamo-contacts.ts:122-123 (`after`/`searchText(after)`), the
  // UpdateCommand at :150 is conditioned only on deletedAt/email, not on the version read.
  // Fixed: a write of `search` is conditional on the stored name/email/company it was computed
  // from; the loser re-reads and retries (dynamo-contacts.ts `tryUpdate`/`update`).
  it('two concurrent PATCHes of different fields leave the q search finding the contact by both', async () => {
    const user = await newUser(runtime, 'r8-search');
    const misses: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      const id = await newContact(user, { firstName: 'Old', company: 'Oldco' });
      const first = `zfirst${unique()}`;
      const company = `zcomp${unique()}`;
      const [a, b] = await Promise.all([
        call(user, 'PATCH', `/api/contacts/${id}`, { firstName: first }),
        call(user, 'PATCH', `/api/contacts/${id}`, { company }),
      ]);
      expect([a.status, b.status]).toEqual([200, 200]);
      const stored = (await call(user, 'GET', `/api/contacts/${id}`)).body.contact;
      expect([stored.firstName, stored.company]).toEqual([first, company]);
      for (const q of [first, company]) {
        const found = await call(user, 'GET', `/api/contacts/list?q=${q}`);
        if (!found.body.contacts.some((c: { contactId: string }) => c.contactId === id)) misses.push(q);
      }
    }
    expect(misses, 'contacts whose stored name/company the q filter no longer finds').toEqual([]);
  });

  // What a user sees: two concurrent PATCHes changing a live contact's email: one 200, the other
  // 404 CONTACT_NOT_FOUND, for a contact that exists (GET answers 200). A client that trusts the
  // 404 drops the contact from its sync. Why: any failed condition of the email-move transaction
  // other than the new claim (item 2) is mapped to ContactNotFoundError, including the
  // `#email = :oldEmail` condition that fails because another write changed the email meanwhile
  // (a conflict: 409, or a re-read and retry). shared/adapters/dynamo-contacts.ts:153-156.
  // Fixed: the cancellation reasons are read per item; a changed contact or old claim re-reads and
  // retries (404 only when the re-read finds it gone or deleted, 409 CONTACT_CHANGED when retries run out).
  it('a PATCH of the email racing another email PATCH is never 404 for a live contact', async () => {
    const user = await newUser(runtime, 'r8-email');
    const answers: Array<[number, string | undefined]> = [];
    for (let i = 0; i < 3; i += 1) {
      const id = await newContact(user);
      const rs = await Promise.all(
        [1, 2].map((n) => call(user, 'PATCH', `/api/contacts/${id}`, { email: `r8-move${n}-${unique()}@example.com` })),
      );
      expect((await call(user, 'GET', `/api/contacts/${id}`)).status).toBe(200);
      for (const r of rs) answers.push([r.status, r.body?.code]);
    }
    expect(
      answers.filter(([s]) => s === 404),
      JSON.stringify(answers),
    ).toEqual([]);
  });

  // What a user sees: POST /api/contacts with customFields {" plan": "gold", "plan ": "silver",
  // "plan": "bronze"} answers 201 with customFields {"plan": "bronze"}: two of the three values the
  // caller sent are silently dropped instead of a 400 naming the colliding keys.
  // Why: the record key schema trims keys (z.trim in customFieldsField) so distinct input keys
  // collapse onto one output key, last wins, and nothing checks for collisions.
  // shared/crm/contacts/contact-fields.ts:52-57.
  // Fixed: keys that trim to the same name are a 400 VALIDATION_FAILED naming both.
  it('custom field keys that collide after trimming are a 400, not silently dropped values', async () => {
    const user = await newUser(runtime, 'r8-cf');
    const created = await call(user, 'POST', '/api/contacts', {
      email: `r8-cf-${unique()}@example.com`,
      customFields: { ' plan': 'gold', 'plan ': 'silver', plan: 'bronze' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(400);
    expect(JSON.stringify(created.body.details)).toContain('same field once trimmed');
  });

  // What a user sees: a contact can be created (and PATCHed) with ownerUserId naming a user who
  // is not a member of the workspace, here a user of another workspace: 201, and the contact now
  // shows an "owner" nobody in the workspace is, leaking into owner-based views and assignments.
  // Why: ownerField is any 1-64 char string; neither createContact nor updateContact checks the
  // id against the workspace's members (campaign notify-user nodes do check members).
  // shared/crm/contacts/contact-fields.ts:39, shared/crm/contacts/use-cases.ts:50-55,68-83.
  // Fixed: create, PATCH and import read the membership when an owner is set: 400 UNKNOWN_OWNER.
  it('ownerUserId must name a member of the workspace', async () => {
    const user = await newUser(runtime, 'r8-owner');
    const stranger = await newUser(runtime, 'r8-stranger');
    const created = await call(user, 'POST', '/api/contacts', {
      email: `r8-own-${unique()}@example.com`,
      ownerUserId: stranger.userId,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(400);
    expect(created.body.code).toBe('UNKNOWN_OWNER');
    expect(created.body.details).toEqual([{ field: 'ownerUserId', message: 'Not a member of this workspace' }]);
    const id = await newContact(user);
    const patched = await call(user, 'PATCH', `/api/contacts/${id}`, { ownerUserId: stranger.userId });
    expect([patched.status, patched.body.code]).toEqual([400, 'UNKNOWN_OWNER']);
    const own = await call(user, 'PATCH', `/api/contacts/${id}`, { ownerUserId: user.userId });
    expect([own.status, own.body.contact?.ownerUserId]).toEqual([200, user.userId]);
  });
});
