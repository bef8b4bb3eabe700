/** The consent record: given on create/import when the caller says so, listed per live contact. */
import { describe, expect, it } from 'vitest';
import {
  type ConsentRecord,
  consentGiven,
  consentInputSchema,
  consentTime,
  importConsent,
  listConsent,
} from '../../../../shared/crm/contacts/consent';
import { IMPORT_WRITE_SLICE, importContacts } from '../../../../shared/crm/contacts/import-contacts';
import { createContact, deleteContact } from '../../../../shared/crm/contacts/use-cases';
import { fakeClock, memoryContacts, memoryEvents, sequentialIds } from './memory-stores';

const WS = 'ws-consent';

function memoryConsent() {
  const records: ConsentRecord[] = [];
  const of = (ws: string, id: string) =>
    records
      .filter((r) => r.workspaceId === ws && r.contactId === id)
      .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  return {
    records,
    append: async (r: readonly ConsentRecord[]) => void records.push(...r),
    list: async (ws: string, id: string, page: { limit: number }) => ({ consent: of(ws, id).slice(0, page.limit) }),
    latest: async (ws: string, id: string) => of(ws, id).at(-1),
  };
}

describe('consent', () => {
  const clock = fakeClock();

  it('accepts a known source and an optional time; nothing else', () => {
    expect(consentInputSchema.safeParse({ source: 'form' }).success).toBe(true);
    expect(consentInputSchema.safeParse({ source: 'form', at: '2026-01-01T00:00:00Z' }).success).toBe(true);
    expect(consentInputSchema.safeParse({ source: 'guess' }).success).toBe(false);
    expect(consentInputSchema.safeParse({ source: 'api', extra: 1 }).success).toBe(false);
  });

  it('records source, time and the caller address, refusing a time in the future', () => {
    const [record] = consentGiven(
      WS,
      ['c1'],
      { source: 'api', at: '2026-02-01T09:00:00Z' },
      {
        ip: '203.0.113.7',
        now: clock.now(),
        newId: () => 'k1',
      },
    );
    expect(record).toEqual({
      consentId: 'k1',
      workspaceId: WS,
      contactId: 'c1',
      action: 'given',
      source: 'api',
      at: '2026-02-01T09:00:00.000Z',
      recordedAt: clock.now().toISOString(),
      ip: '203.0.113.7',
    });
    expect(consentTime({ source: 'api' }, clock.now())).toEqual(clock.now());
    expect(() => consentTime({ source: 'api', at: '2027-01-01T00:00:00Z' }, clock.now())).toThrow(/future/);
  });

  it('lists a live contact’s records and is not found for a deleted one', async () => {
    const contacts = memoryContacts();
    const consent = memoryConsent();
    const deps = { contacts, now: clock.now, newId: sequentialIds(), events: memoryEvents() };
    const contact = await createContact(WS, { email: 'a@example.com' }, deps);
    await consent.append(
      consentGiven(WS, [contact.contactId], { source: 'form' }, { now: clock.now(), newId: () => 'x' }),
    );
    expect((await listConsent({ contacts, consent }, WS, contact.contactId, { limit: 25 })).consent).toHaveLength(1);
    expect(
      await listConsent({ contacts, consent }, 'other-ws', contact.contactId, { limit: 25 }).catch((e) => e.name),
    ).toBe('ContactNotFoundError');
    await deleteContact(WS, contact.contactId, deps);
    await expect(listConsent({ contacts, consent }, WS, contact.contactId, { limit: 25 })).rejects.toThrow();
  });

  it('hands an import’s created and changed contacts to onWritten, not the unchanged ones', async () => {
    const contacts = memoryContacts();
    const deps = { contacts, now: clock.now, newId: sequentialIds() };
    await importContacts(WS, 'email,firstName\nsame@example.com,Sam\nold@example.com,Old\n', deps);
    const written: string[][] = [];
    const report = await importContacts(
      WS,
      'email,firstName\nsame@example.com,Sam\nold@example.com,Olga\nnew@example.com,New\n',
      { ...deps, onWritten: async (ids) => void written.push(ids) },
    );
    expect(report).toMatchObject({ created: 1, updated: 1, unchanged: 1 });
    expect(written).toHaveLength(1);
    expect(written[0]).toHaveLength(2);
  });

  it('hands the written ids over slice by slice as they land, and the unchanged ones to onUnchanged', async () => {
    const contacts = memoryContacts();
    const deps = { contacts, now: clock.now, newId: sequentialIds() };
    const rows = (n: number, from = 0) =>
      Array.from({ length: n }, (_, i) => `p${i + from}@example.com,P${i + from}`).join('\n');
    await importContacts(WS, `email,firstName\n${rows(5)}\n`, deps);
    const calls: Array<['written' | 'unchanged', number]> = [];
    const report = await importContacts(WS, `email,firstName\n${rows(IMPORT_WRITE_SLICE * 2 + 5)}\n`, {
      ...deps,
      onWritten: async (ids) => void calls.push(['written', ids.length]),
      onUnchanged: async (ids) => void calls.push(['unchanged', ids.length]),
    });
    expect(report).toMatchObject({ created: IMPORT_WRITE_SLICE * 2, unchanged: 5 });
    expect(calls).toEqual([
      ['unchanged', 5],
      ['written', IMPORT_WRITE_SLICE],
      ['written', IMPORT_WRITE_SLICE],
    ]);
  });

  it('completes an import’s consent for unchanged rows only where the contact has no record at all', async () => {
    const consent = memoryConsent();
    const origin = () => ({ now: clock.now(), newId: sequentialIds() });
    await consent.append(consentGiven(WS, ['c1'], { source: 'import' }, origin()));
    await consent.append(consentGiven(WS, ['c2'], { source: 'form' }, origin()));
    const hooks = importConsent(consent, WS, { source: 'import' }, origin);
    await hooks.onUnchanged(['c1', 'c2', 'c3']);
    await hooks.onUnchanged(['c1', 'c2', 'c3']);
    const count = (id: string) => consent.records.filter((r) => r.contactId === id).length;
    expect([count('c1'), count('c2'), count('c3')]).toEqual([1, 1, 1]);
  });
});
