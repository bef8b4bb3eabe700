/**
 * Review round 13 (LOW), CSV: the export marked formula cells by `= + - @`, tab and CR only; a cell
 * starting with NUL (ASVS 1.2.10) or another control character, which a spreadsheet may drop before
 * reading a formula, went out bare. And an import column `__proto__` (or `custom.__proto__`) was
 * silently dropped (assigned as the prototype) where every other reserved key fails its row; a
 * `constructor` column (or `toString`...) was read as the header alias `Object.prototype.constructor`
 * and failed its row as `row: Invalid input`.
 *
 * The contact schema took an own `__proto__` key of `customFields` silently (zod's record skips that
 * key); the import now refuses it by name, so the row fails as a reserved key.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contactsToCsv, mapHeaders, rowToInput } from '../../../../shared/crm/contacts/csv-columns';
import { importContacts } from '../../../../shared/crm/contacts/import-contacts';
import { listContacts } from '../../../../shared/crm/contacts/use-cases';
import { readCsv } from '../../../../shared/crm/csv/parse';
import { markAfterBreaks } from '../../../../shared/crm/csv/write';
import type { Contact } from '../../../../shared/crm/model';
import { fakeClock, memoryContacts, sequentialIds } from './memory-stores';

const WS = 'ws-csv-r13';
const base: Contact = {
  contactId: 'c-1',
  workspaceId: WS,
  email: 'ada@example.com',
  customFields: {},
  status: 'lead',
  tags: [],
  score: 0,
  tier: 'cold',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
};

/** The export's one data row, read back as the cells and as the import's input. */
function roundTrip(contact: Contact) {
  const [header, row] = [...readCsv(contactsToCsv([contact]))];
  if (!header || !row) throw new Error('no row');
  const cell = (name: string) => row.fields[header.fields.indexOf(name)];
  return { cell, input: rowToInput(mapHeaders(header.fields), row.fields) };
}

describe('CSV export: cells starting with a control character', () => {
  it.each([
    ['NUL', '\0=HYPERLINK("http://evil")'],
    ['SOH', '\u0001=1+1'],
    ['LF', '\n=1+1'],
    ['VT', '\u000b=cmd'],
    ['ESC', '\u001b=cmd'],
    ['DEL', '\u007f=cmd'],
  ])('marks a value starting with %s with a leading quote, and imports it back unchanged', (_name, value) => {
    const { cell, input } = roundTrip({ ...base, company: value, tags: [value], customFields: { note: value } });
    // What follows a line break is marked too (csv-semicolon-locale.test.ts): `'\n'=1+1`.
    const marked = markAfterBreaks(value);
    expect(cell('company')).toBe(`'${marked}`);
    expect(cell('tags')).toBe(`'${marked}`);
    // A custom value starting with white space (LF, VT) carries the text mark first: `''\n...`.
    expect(cell('custom.note')).toBe(value.trimStart() === value ? `'${marked}` : `''${marked}`);
    expect(input).toMatchObject({ company: value, tags: [value], customFields: { note: value } });
  });

  it('leaves the marks of csvCell and the text mark as they were (one mark per cell)', () => {
    const { cell, input } = roundTrip({
      ...base,
      company: '=SUM(A1)',
      customFields: { a: "'\0x", b: ' padded ', c: '42', d: "'=x" },
    });
    expect(cell('company')).toBe("'=SUM(A1)");
    expect(cell('custom.a')).toBe("''\0x");
    expect(cell('custom.b')).toBe("' padded ");
    expect(cell('custom.c')).toBe("'42");
    expect(cell('custom.d')).toBe("''=x");
    expect(input).toMatchObject({ company: '=SUM(A1)', customFields: { a: "'\0x", b: ' padded ', c: '42', d: "'=x" } });
  });

  it('exports and imports back any text custom value, control characters included', () => {
    const controls = fc.constantFrom('\0', '\u0001', '\t', '\n', '\r', '\u000b', '\u001f', '\u007f', "'", '=', ' ');
    const text = fc.oneof(
      fc.string(),
      fc.tuple(fc.array(controls, { minLength: 1, maxLength: 4 }), fc.string()).map(([p, s]) => p.join('') + s),
    );
    fc.assert(
      fc.property(text, (value) => {
        const { input } = roundTrip({ ...base, customFields: { v: value } });
        expect((input.customFields as Record<string, unknown> | undefined)?.v).toBe(value);
      }),
      { numRuns: 500 },
    );
  });
});

describe('CSV import: a __proto__ column', () => {
  const deps = () => ({ contacts: memoryContacts(), now: fakeClock().now, newId: sequentialIds() });

  it.each([['__proto__'], ['custom.__proto__'], ['Custom.__proto__']])(
    'hands %s to validation as an own custom key, never as the prototype',
    (header) => {
      const input = rowToInput(mapHeaders(['email', header]), ['a@example.com', 'x']);
      const custom = input.customFields as Record<string, unknown>;
      expect(Object.getPrototypeOf(custom)).toBe(Object.prototype);
      expect(Object.getOwnPropertyDescriptor(custom, '__proto__')).toMatchObject({ value: 'x', enumerable: true });
    },
  );

  it.each([['__proto__'], ['custom.__proto__'], ['Custom.__proto__']])(
    'fails the rows that set %s as a reserved key, and imports the others',
    async (header) => {
      const d = deps();
      const csv = `email,${header},plan\r\na@example.com,x,gold\r\nb@example.com,,silver\r\n`;
      const report = await importContacts(WS, csv, d);
      expect(report).toMatchObject({ rows: 2, created: 1, failed: 1 });
      expect(report.errors).toEqual([
        { line: 2, errors: [{ field: 'custom.__proto__', message: expect.any(String) }] },
      ]);
      const [only] = (await listContacts(WS, {}, { limit: 10 }, d)).contacts;
      expect(only).toMatchObject({ email: 'b@example.com', customFields: { plan: 'silver' } });
      expect(Object.getPrototypeOf(only?.customFields)).toBe(Object.prototype);
    },
  );

  it('answers constructor and prototype columns as reserved keys; toString is a custom field', async () => {
    const d = deps();
    const csv =
      'email,constructor,custom.prototype,toString\r\na@example.com,x,,\r\nb@example.com,,y,\r\nc@example.com,,,z\r\n';
    const report = await importContacts(WS, csv, d);
    expect(report.errors).toEqual([
      { line: 2, errors: [{ field: 'custom.constructor', message: expect.any(String) }] },
      { line: 3, errors: [{ field: 'custom.prototype', message: expect.any(String) }] },
    ]);
    const [only] = (await listContacts(WS, {}, { limit: 10 }, d)).contacts;
    expect(only).toMatchObject({ email: 'c@example.com', customFields: { toString: 'z' } });
  });
});
