/** CSV import (validation, upsert by email, idempotence, limits) and export, over in-memory ports. */
import { beforeEach, describe, expect, it } from 'vitest';
import { exportContacts } from '../../../../shared/crm/contacts/export-contacts';
import { IMPORT_MAX_ROWS, importContacts } from '../../../../shared/crm/contacts/import-contacts';
import { listContacts } from '../../../../shared/crm/contacts/use-cases';
import { fakeClock, memoryContacts, sequentialIds } from './memory-stores';

const WS = 'ws-import';
let deps: ReturnType<typeof setup>;
const setup = () => {
  const clock = fakeClock();
  const progress: Array<{ stage: string; done: number }> = [];
  return {
    contacts: memoryContacts(),
    now: clock.now,
    newId: sequentialIds(),
    clock,
    progress,
    onProgress: (p: { stage: string; done: number }) => progress.push(p),
  };
};
beforeEach(() => {
  deps = setup();
});
const all = async () => (await listContacts(WS, {}, { limit: 100 }, deps)).contacts;

describe('CSV import', () => {
  it('accepts snake_case and camelCase headers; custom.<name> and unknown headers become custom fields', async () => {
    const csv =
      'first_name,lastName,Email,job_title,phone,tags,custom.plan,Region,score\r\n' +
      'Ada,Lovelace,ADA@example.com,Engineer,0412 345 678,vip;beta,pro,EU,99\r\n';
    const report = await importContacts(WS, csv, deps);
    expect(report).toMatchObject({ rows: 1, created: 1, updated: 0, unchanged: 0, failed: 0, errors: [] });
    expect(report.durationMs).toBeGreaterThanOrEqual(0);
    expect((await all())[0]).toMatchObject({
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@example.com',
      jobTitle: 'Engineer',
      phone: '+61412345678',
      tags: ['vip', 'beta'],
      customFields: { plan: 'pro', Region: 'EU' },
      score: 0,
    });
  });

  it('reports each bad row with its line and fields, and imports the rest', async () => {
    const csv = [
      'email,phone,status',
      'ok1@example.com,,lead',
      'not-an-email,,lead',
      '"ok2@example.com",,customer',
      'bad-phone@example.com,call me,lead',
      '"multi',
      'line@example.com",,vip',
      'ok1@example.com,,lead',
    ].join('\n');
    const report = await importContacts(WS, csv, deps);
    expect(report).toMatchObject({ rows: 6, created: 2, failed: 4 });
    expect(report.errors).toEqual([
      { line: 3, errors: [{ field: 'email', message: expect.any(String) }] },
      { line: 5, errors: [{ field: 'phone', message: expect.any(String) }] },
      { line: 6, errors: [expect.objectContaining({ field: 'email' }), expect.objectContaining({ field: 'status' })] },
      { line: 8, errors: [{ field: 'email', message: 'Same email as line 2' }] },
    ]);
  });

  it('upserts by email: only differing fields change, and the same file twice changes nothing', async () => {
    const csv = 'email,company,custom.seats\na@example.com,Acme,5\nb@example.com,Beta,\n';
    expect(await importContacts(WS, csv, deps)).toMatchObject({ created: 2, updated: 0, unchanged: 0 });
    expect(await importContacts(WS, csv, deps)).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
    deps.clock.advance(60_000);
    const changed = 'email,company,custom.seats\na@example.com,Acme,6\nb@example.com,,\n';
    expect(await importContacts(WS, changed, deps)).toMatchObject({ created: 0, updated: 1, unchanged: 1 });
    const a = (await all()).find((c) => c.email === 'a@example.com');
    expect(a).toMatchObject({ company: 'Acme', customFields: { seats: 6 }, updatedAt: '2026-03-01T10:01:00.000Z' });
    const b = (await all()).find((c) => c.email === 'b@example.com');
    expect(b?.company).toBe('Beta');
  });

  it('refuses more than 10,000 rows before writing anything', async () => {
    const rows = Array.from({ length: IMPORT_MAX_ROWS + 1 }, (_, i) => `u${i}@example.com`);
    await expect(importContacts(WS, `email\n${rows.join('\n')}`, deps)).rejects.toMatchObject({
      status: 400,
      code: 'IMPORT_TOO_LARGE',
    });
    expect(await all()).toEqual([]);
  });

  it('needs an email column and at least one row', async () => {
    await expect(importContacts(WS, 'name,company\nA,B\n', deps)).rejects.toMatchObject({ code: 'IMPORT_BAD_HEADER' });
    await expect(importContacts(WS, 'email\n', deps)).rejects.toMatchObject({ code: 'IMPORT_EMPTY' });
  });

  it('reports progress every 1,000 rows', async () => {
    const rows = Array.from({ length: 2500 }, (_, i) => `p${i}@example.com`);
    const report = await importContacts(WS, `email\n${rows.join('\n')}`, deps);
    expect(report.created).toBe(2500);
    const validate = deps.progress.filter((p) => p.stage === 'validate').map((p) => p.done);
    expect(validate).toEqual([1000, 2000, 2500]);
    expect(deps.progress.at(-1)).toEqual({ stage: 'write', done: 2500, total: 2500 });
  });
});

describe('CSV export', () => {
  it('exports the filtered list formula-safe, and imports back unchanged', async () => {
    await importContacts(
      WS,
      'email,firstName,phone,tags,status,custom.note,custom.n\n' +
        'x@example.com,"=HYPERLINK(""http://evil"")",+61412345678,a;b,customer,"-2+3",7\n' +
        'y@example.com,Yan,,,lead,plain,\n',
      deps,
    );
    const { csv, count } = await exportContacts(WS, { status: 'customer' }, deps);
    expect(count).toBe(1);
    const lines = csv.split('\r\n');
    expect(lines[0]).toMatch(/^email,firstName,lastName,phone,company,jobTitle,status,tags,ownerUserId,score,tier/);
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(lines[1]).toContain("'+61412345678");
    expect(lines[1]).toContain("'-2+3");
    expect(await importContacts(WS, csv, deps)).toMatchObject({ created: 0, updated: 0, unchanged: 1, failed: 0 });
    const x = (await all()).find((c) => c.email === 'x@example.com');
    expect(x?.firstName).toBe('=HYPERLINK("http://evil")');
  });
});
