/** Contacts as a new user meets them on `npm start`: CRUD, import/export, tenancy, over HTTP. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../lib/local/runtime';
import { apiClient, expectData } from '../support/api-client';
import { as, newUser, type TestUser } from '../support/identity';
import { json, startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
let owner: TestUser;
let stranger: TestUser;
beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off' });
  owner = await newUser(runtime, 'crm');
  stranger = await newUser(runtime, 'other');
});
afterAll(async () => {
  await runtime?.stop();
});

const api = (path: string, init: RequestInit = {}) => fetch(`${runtime.url}${path}`, init);
const send = (user: TestUser, method: string, path: string, body?: unknown) =>
  api(path, { method, headers: as(user), ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
const csvPost = (user: TestUser, csv: string) =>
  api('/api/contacts/import', { method: 'POST', headers: as(user, { 'content-type': 'text/csv' }), body: csv });

describe('contacts CRUD', () => {
  // Through the typed client (test/support/api-client.ts): every answer is checked against docs/openapi.json.
  const client = (user: TestUser) => apiClient(runtime.url, () => as(user));

  it('creates, lists, reads, changes, deletes and restores a contact', async () => {
    const api = client(owner);
    const created = await api.POST('/api/contacts', {
      body: {
        email: 'Grace@Example.com',
        firstName: 'Grace',
        company: 'Navy',
        phone: '+1 (415) 555-2671',
        tags: ['VIP', 'vip'],
        customFields: { rank: 'Admiral' },
      },
    });
    const { contact } = expectData(created, 201);
    expect(contact).toMatchObject({
      email: 'grace@example.com',
      phone: '+14155552671',
      tags: ['vip'],
      score: 0,
      tier: 'cold',
    });
    const id = contact.contactId;
    const path = { id };

    const dup = await api.POST('/api/contacts', { body: { email: 'GRACE@example.com' } });
    expect(dup.status).toBe(409);
    expect(dup.error?.code).toBe('CONTACT_EMAIL_TAKEN');
    expect((await api.POST('/api/contacts', { body: { email: 'x@example.com', phone: 'nope' } })).status).toBe(400);

    const listed = expectData(await api.GET('/api/contacts/list', { params: { query: { q: 'navy' } } }), 200);
    expect(listed.contacts.map((c) => c.contactId)).toEqual([id]);

    const patched = await api.PATCH('/api/contacts/{id}', {
      params: { path },
      body: { jobTitle: 'Rear Admiral', company: null },
    });
    expect(expectData(patched, 200).contact).toMatchObject({ jobTitle: 'Rear Admiral' });
    expect(expectData(await api.GET('/api/contacts/{id}', { params: { path } }), 200).contact.company).toBeUndefined();

    expect((await api.DELETE('/api/contacts/{id}', { params: { path } })).status).toBe(204);
    expect((await api.GET('/api/contacts/{id}', { params: { path } })).status).toBe(404);
    const again = await api.POST('/api/contacts', { body: { email: 'grace@example.com' } });
    expect(again.status).toBe(409);
    expect(again.error?.details).toEqual({
      contactId: id,
      deleted: true,
      restore: `POST /api/contacts/${id}/restore`,
    });
    expect((await api.POST('/api/contacts/{id}/restore', { params: { path } })).status).toBe(200);
    expect((await api.GET('/api/contacts/{id}', { params: { path } })).status).toBe(200);
    expect(expectData(await api.GET('/api/contacts/{id}/consent', { params: { path } }), 200).consent).toEqual([]);
  });

  it('records interactions and shows them newest first on the timeline', async () => {
    const api = client(owner);
    const { contact } = expectData(await api.POST('/api/contacts', { body: { email: 'timeline@example.com' } }), 201);
    const path = { id: contact.contactId };
    const opened = await api.POST('/api/contacts/{id}/interactions', {
      params: { path },
      body: { type: 'email_opened' },
    });
    expect(expectData(opened, 201)).toMatchObject({ interaction: { type: 'email_opened' }, score: expect.any(Object) });
    await api.POST('/api/contacts/{id}/interactions', {
      params: { path },
      body: { type: 'email_clicked', metadata: { url: 'https://x.io' } },
    });
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const refused = await api.POST('/api/contacts/{id}/interactions', {
      params: { path },
      body: { type: 'call', occurredAt: future },
    });
    expect(refused.status).toBe(400);
    const tl = expectData(await api.GET('/api/contacts/{id}/timeline', { params: { path, query: { limit: 1 } } }), 200);
    expect(tl.interactions.map((i) => i.type)).toEqual(['email_clicked']);
    const rest = expectData(
      await api.GET('/api/contacts/{id}/timeline', { params: { path, query: { limit: 5, cursor: tl.nextCursor } } }),
      200,
    );
    expect(rest.interactions.map((i) => i.type)).toEqual(['email_opened']);
    expect(
      expectData(await api.GET('/api/contacts/{id}', { params: { path } }), 200).contact.lastInteractionAt,
    ).toEqual(expect.any(String));
  });
});

describe('idempotent interactions', () => {
  const create = async (user: TestUser, email: string) =>
    `/api/contacts/${(await json(await send(user, 'POST', '/api/contacts', { email }))).contact.contactId}`;
  const post = (user: TestUser, path: string, body: unknown, key?: string) =>
    api(`${path}/interactions`, {
      method: 'POST',
      headers: as(user, key === undefined ? {} : { 'idempotency-key': key }),
      body: JSON.stringify(body),
    });

  it('three identical POSTs with one Idempotency-Key: the same 201, one interaction, one score change', async () => {
    const path = await create(owner, `retry-${randomUUID()}@example.com`);
    const body = { type: 'email_opened', metadata: { campaign: 'spring' } };
    const key = randomUUID();

    const first = await post(owner, path, body, key);
    const firstBody = await first.text();
    const scored = await json(await send(owner, 'GET', `${path}/score`));
    const retries = [await post(owner, path, body, key), await post(owner, path, body, key)];

    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    for (const retry of retries) {
      expect(retry.status).toBe(201);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      expect(await retry.text()).toBe(firstBody);
    }
    const { interaction, score } = JSON.parse(firstBody);
    const tl = await json(await send(owner, 'GET', `${path}/timeline`));
    expect(tl.interactions.map((i: { interactionId: string }) => i.interactionId)).toEqual([interaction.interactionId]);
    expect(score.score).toBeGreaterThan(score.previousScore);
    const after = await json(await send(owner, 'GET', `${path}/score`));
    expect(after.score).toBe(scored.score);
    expect(after.ledger).toEqual(scored.ledger);
    expect(new Set(after.ledger.map((e: { interactionId?: string }) => e.interactionId))).toEqual(
      new Set([interaction.interactionId]),
    );
    // The first attempt's audit entry was written in the interaction's own transaction; each replay
    // (which writes nothing) is audited by the edge as a replay.
    const log = await json(await send(owner, 'GET', '/api/security/audit-log?eventType=interactions.create&limit=100'));
    const mine = log.entries.filter((e: { resourceId?: string }) => path.endsWith(`/${e.resourceId}`));
    expect(
      mine.map((e: { metadata: Record<string, unknown> }) => [e.metadata.interactionId, e.metadata.replayed ?? false]),
    ).toEqual([
      [interaction.interactionId, true],
      [interaction.interactionId, true],
      [interaction.interactionId, false],
    ]);
    expect(mine[2]).toMatchObject({ eventAction: 'POST', actorId: owner.userId, resourceType: 'contact' });
  });

  it('refuses the key with another body (422) or a malformed key (400), and keeps keys per workspace', async () => {
    const path = await create(owner, `reuse-${randomUUID()}@example.com`);
    const key = randomUUID();
    expect((await post(owner, path, { type: 'call' }, key)).status).toBe(201);

    const reused = await post(owner, path, { type: 'meeting' }, key);
    expect(reused.status).toBe(422);
    expect(await json(reused)).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', requestId: expect.any(String) });
    for (const bad of ['', 'x'.repeat(129), 'two words']) {
      const res = await post(owner, path, { type: 'call' }, bad);
      expect(res.status).toBe(400);
      expect((await json(res)).code).toBe('INVALID_IDEMPOTENCY_KEY');
    }
    const theirs = await create(stranger, `theirs-${randomUUID()}@example.com`);
    expect((await post(stranger, theirs, { type: 'meeting' }, key)).status).toBe(201);
    const tl = await json(await send(owner, 'GET', `${path}/timeline`));
    expect(tl.interactions.map((i: { type: string }) => i.type)).toEqual(['call']);
  });

  it('takes the body’s interactionId as the key when no header is sent', async () => {
    const path = await create(owner, `own-id-${randomUUID()}@example.com`);
    const body = { type: 'form_submit', interactionId: `form-${randomUUID()}` };
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await post(owner, path, body)).status);

    expect(statuses).toEqual([201, 201, 201]);
    const tl = await json(await send(owner, 'GET', `${path}/timeline`));
    expect(tl.interactions.map((i: { interactionId: string }) => i.interactionId)).toEqual([body.interactionId]);
  });
});

describe('tenancy and authentication', () => {
  it('answers 404 for another workspace’s contact on read, update, delete and interactions', async () => {
    const { contact } = await json(await send(owner, 'POST', '/api/contacts', { email: 'private@example.com' }));
    const path = `/api/contacts/${contact.contactId}`;
    expect((await send(stranger, 'GET', path)).status).toBe(404);
    expect((await send(stranger, 'PATCH', path, { firstName: 'Mallory' })).status).toBe(404);
    expect((await send(stranger, 'DELETE', path)).status).toBe(404);
    expect((await send(stranger, 'POST', `${path}/interactions`, { type: 'note' })).status).toBe(404);
    expect((await send(stranger, 'GET', `${path}/timeline`)).status).toBe(404);
    const mine = await json(await send(owner, 'GET', path));
    expect(mine.contact.firstName).toBeUndefined();
  });

  it('answers 401 to a list without a session', async () => {
    expect((await api('/api/contacts/list')).status).toBe(401);
  });
});

describe('CSV import and export', () => {
  const rows = (n: number, bad: ReadonlySet<number>) => {
    const lines = ['first_name,last_name,email,company,job_title,tags,custom.plan'];
    for (let i = 0; i < n; i++) {
      const email = bad.has(i) ? `broken-${i}` : `person${i}@import.example`;
      lines.push(`First${i},"Last, ${i}",${email},Company ${i % 7},Title,a;b,${i % 2 ? 'pro' : 'free'}`);
    }
    return `${lines.join('\r\n')}\r\n`;
  };

  it('imports 1,000 rows with 3 bad ones, then changes nothing on a re-run, and exports them back', async () => {
    const importer = await newUser(runtime, 'importer');
    const csv = rows(1000, new Set([10, 500, 999]));
    const first = await csvPost(importer, csv);
    expect(first.status).toBe(200);
    const report = await json(first);
    expect(report).toMatchObject({ rows: 1000, created: 997, updated: 0, unchanged: 0, failed: 3 });
    // Line 1 is the header: data row i is on line i + 2.
    expect(report.errors.map((e: { line: number }) => e.line)).toEqual([12, 502, 1001]);
    expect(report.errors[0].errors[0]).toMatchObject({ field: 'email' });
    expect(report.durationMs).toEqual(expect.any(Number));

    const second = await json(await csvPost(importer, csv));
    expect(second).toMatchObject({ created: 0, updated: 0, unchanged: 997, failed: 3 });

    const exported = await api('/api/contacts/export?tag=a', { headers: as(importer) });
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(exported.headers.get('content-disposition')).toMatch(/^attachment; filename="contacts-/);
    const text = await exported.text();
    expect(text.split('\r\n').filter(Boolean)).toHaveLength(998);
    expect(text).toContain('"Last, 10"'.replace('10', '11'));
    const roundTrip = await json(await csvPost(importer, text));
    expect(roundTrip).toMatchObject({ created: 0, updated: 0, unchanged: 997, failed: 0 });

    const page = await json(await send(importer, 'GET', '/api/contacts/list?limit=100'));
    expect(page.contacts).toHaveLength(100);
    expect(page.nextCursor).toEqual(expect.any(String));
  });

  it('refuses a body that is not CSV with a 415 naming text/csv, and more than 10,000 rows', async () => {
    const res = await send(owner, 'POST', '/api/contacts/import', { email: 'a@b.co' });
    expect(res.status).toBe(415);
    // curl --data-binary without -H sends application/x-www-form-urlencoded.
    const form = await api('/api/contacts/import', {
      method: 'POST',
      headers: as(owner, { 'content-type': 'application/x-www-form-urlencoded' }),
      body: 'email\r\na@b.co',
    });
    expect(await json(form)).toMatchObject({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: expect.stringMatching(/; send text\/csv or text\/plain$/),
    });
    const big = `email\r\n${Array.from({ length: 10_001 }, (_, i) => `big${i}@x.io`).join('\r\n')}`;
    const tooBig = await csvPost(owner, big);
    expect(tooBig.status).toBe(400);
    expect((await json(tooBig)).code).toBe('IMPORT_TOO_LARGE');
  });
});
