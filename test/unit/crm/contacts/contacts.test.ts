/** Contacts use cases over in-memory ports: validation, uniqueness, soft delete, filters. */
import { beforeEach, describe, expect, it } from 'vitest';
import { contactCreateSchema, contactPatchSchema } from '../../../../shared/crm/contacts/contact-fields';
import { ContactEmailTakenError, ContactNotFoundError } from '../../../../shared/crm/contacts/errors';
import {
  createContact,
  deleteContact,
  getContact,
  listContacts,
  restoreContact,
  updateContact,
} from '../../../../shared/crm/contacts/use-cases';
import { fakeClock, memoryContacts, memoryEvents, sequentialIds } from './memory-stores';

const WS = 'ws-a';
let deps: ReturnType<typeof setup>;
const setup = () => {
  const clock = fakeClock();
  return { contacts: memoryContacts(), now: clock.now, newId: sequentialIds(), events: memoryEvents(), clock };
};
beforeEach(() => {
  deps = setup();
});
const create = (body: Record<string, unknown>, ws = WS) => createContact(ws, contactCreateSchema.parse(body), deps);
const issues = (body: unknown, schema = contactCreateSchema) => {
  const out = schema.safeParse(body);
  return out.success ? [] : out.error.issues.map((i) => i.path.join('.'));
};

describe('contact fields', () => {
  it('normalises email, phone and tags; starts at score 0, cold, lead', async () => {
    const c = await create({
      email: '  Ada@Example.COM ',
      phone: '0412 345 678',
      tags: [' VIP ', 'vip', 'Beta'],
      firstName: ' Ada ',
      customFields: { plan: 'pro', seats: 5, trial: false },
    });
    expect(c).toMatchObject({
      email: 'ada@example.com',
      phone: '+61412345678',
      tags: ['vip', 'beta'],
      firstName: 'Ada',
      status: 'lead',
      score: 0,
      tier: 'cold',
      customFields: { plan: 'pro', seats: 5, trial: false },
    });
  });

  it('refuses a missing or bad email, a bad phone, too many tags or custom fields, nested values', () => {
    expect(issues({})).toEqual(['email']);
    expect(issues({ email: 'not-an-email' })).toEqual(['email']);
    expect(issues({ email: 'a@b.co', phone: 'call me' })).toEqual(['phone']);
    expect(issues({ email: 'a@b.co', tags: Array.from({ length: 51 }, (_, i) => `t${i}`) })).toEqual(['tags']);
    expect(issues({ email: 'a@b.co', tags: Array.from({ length: 60 }, () => 'same') })).toEqual([]);
    const fields = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i]));
    expect(issues({ email: 'a@b.co', customFields: fields })).toEqual(['customFields']);
    expect(issues({ email: 'a@b.co', customFields: { nested: { a: 1 } } })).toEqual(['customFields.nested']);
    expect(issues({ email: 'a@b.co', status: 'vip' })).toEqual(['status']);
    expect(issues({ email: 'a@b.co', extra: 1 })).toHaveLength(1);
  });
});

describe('email uniqueness', () => {
  it('answers CONTACT_EMAIL_TAKEN for the same email in any case, in the same workspace only', async () => {
    await create({ email: 'dup@example.com' });
    const error = await create({ email: 'DUP@example.com' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContactEmailTakenError);
    expect(error).toMatchObject({ status: 409, code: 'CONTACT_EMAIL_TAKEN' });
    await expect(create({ email: 'dup@example.com' }, 'ws-b')).resolves.toMatchObject({ workspaceId: 'ws-b' });
  });

  it('keeps a deleted contact’s email, and names the deleted contact (the edge adds how to restore it)', async () => {
    const c = await create({ email: 'gone@example.com' });
    await deleteContact(WS, c.contactId, deps);
    const error = (await create({ email: 'gone@example.com' }).catch((e: unknown) => e)) as ContactEmailTakenError;
    expect(error.details).toEqual({ contactId: c.contactId, deleted: true });
  });

  it('moves the claim when the email changes, and refuses another contact’s email', async () => {
    const a = await create({ email: 'a@example.com' });
    await create({ email: 'b@example.com' });
    await expect(updateContact(WS, a.contactId, { email: 'b@example.com' }, deps)).rejects.toBeInstanceOf(
      ContactEmailTakenError,
    );
    await updateContact(WS, a.contactId, contactPatchSchema.parse({ email: 'A2@example.com' }), deps);
    await expect(create({ email: 'a@example.com' })).resolves.toBeDefined();
    await expect(create({ email: 'a2@example.com' })).rejects.toBeInstanceOf(ContactEmailTakenError);
  });
});

describe('read, change, delete, restore', () => {
  it('hides another workspace’s contact from get, update and delete', async () => {
    const c = await create({ email: 'mine@example.com' });
    await expect(getContact('ws-b', c.contactId, deps)).rejects.toBeInstanceOf(ContactNotFoundError);
    await expect(updateContact('ws-b', c.contactId, { firstName: 'X' }, deps)).rejects.toBeInstanceOf(
      ContactNotFoundError,
    );
    await expect(deleteContact('ws-b', c.contactId, deps)).rejects.toBeInstanceOf(ContactNotFoundError);
    expect((await getContact(WS, c.contactId, deps)).firstName).toBeUndefined();
  });

  it('writes only what differs; null clears a field', async () => {
    const c = await create({ email: 'p@example.com', company: 'Acme', jobTitle: 'CTO' });
    deps.clock.advance(1000);
    const same = await updateContact(WS, c.contactId, { company: 'Acme' }, deps);
    expect(same.updatedAt).toBe(c.updatedAt);
    const changed = await updateContact(
      WS,
      c.contactId,
      contactPatchSchema.parse({ company: 'Beta', jobTitle: null }),
      deps,
    );
    expect(changed).toMatchObject({ company: 'Beta', updatedAt: '2026-03-01T10:00:01.000Z' });
    expect(changed.jobTitle).toBeUndefined();
  });

  it('soft-deletes: gone from get and list until restored', async () => {
    const c = await create({ email: 'soft@example.com' });
    await deleteContact(WS, c.contactId, deps);
    await expect(getContact(WS, c.contactId, deps)).rejects.toMatchObject({ status: 404 });
    expect((await listContacts(WS, {}, { limit: 25 }, deps)).contacts).toEqual([]);
    await expect(deleteContact(WS, c.contactId, deps)).rejects.toBeInstanceOf(ContactNotFoundError);
    const back = await restoreContact(WS, c.contactId, deps);
    expect(back.deletedAt).toBeUndefined();
    expect((await listContacts(WS, {}, { limit: 25 }, deps)).contacts).toHaveLength(1);
    await expect(restoreContact('ws-b', c.contactId, deps)).rejects.toBeInstanceOf(ContactNotFoundError);
  });
});

describe('list filters', () => {
  beforeEach(async () => {
    await create({ email: 'ann@acme.io', firstName: 'Ann', company: 'Acme', status: 'customer', tags: ['vip'] });
    await create({ email: 'bob@beta.io', firstName: 'Bob', company: 'Beta', tags: ['trial'] });
    await create({ email: 'cy@gamma.io', lastName: 'ACMEson' });
    const rows = deps.contacts.rows;
    for (const [k, c] of rows) if (c.email === 'bob@beta.io') rows.set(k, { ...c, score: 80, tier: 'hot' });
  });
  const emails = async (filter: Parameters<typeof listContacts>[1]) =>
    (await listContacts(WS, filter, { limit: 25 }, deps)).contacts.map((c) => c.email).sort();

  it('filters by status, tag, tier, score range and text (case-insensitive, name/email/company)', async () => {
    expect(await emails({ status: 'customer' })).toEqual(['ann@acme.io']);
    expect(await emails({ tag: 'trial' })).toEqual(['bob@beta.io']);
    expect(await emails({ tier: 'hot' })).toEqual(['bob@beta.io']);
    expect(await emails({ minScore: 50 })).toEqual(['bob@beta.io']);
    expect(await emails({ maxScore: 50 })).toEqual(['ann@acme.io', 'cy@gamma.io']);
    expect(await emails({ q: '  ACME ' })).toEqual(['ann@acme.io', 'cy@gamma.io']);
    expect(await emails({ q: 'BOB@' })).toEqual(['bob@beta.io']);
  });

  it('pages with a cursor', async () => {
    const first = await listContacts(WS, {}, { limit: 2 }, deps);
    expect(first.contacts).toHaveLength(2);
    const second = await listContacts(WS, {}, { limit: 2, cursor: first.nextCursor }, deps);
    expect(second.contacts).toHaveLength(1);
    expect(second.nextCursor).toBeUndefined();
  });
});
