/**
 * Review round 11: this test failed at eab1d13 (exporting then importing split a tag holding `;`
 * or `|` into several tags, and trimmed custom-field values with spaces at either end; a text
 * value such as "42", "true" or "" also came back as a number, a boolean or nothing).
 *
 * Export → import is lossless for every tag and every text custom value the API accepts, while
 * a hand-written file keeps reading as before (`a;b` and `a|b` are two tags, cells are trimmed).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contactCreateSchema } from '../../../shared/crm/contacts/contact-fields';
import { contactsToCsv, mapHeaders, rowToInput } from '../../../shared/crm/contacts/csv-columns';
import { exportContacts } from '../../../shared/crm/contacts/export-contacts';
import { importContacts } from '../../../shared/crm/contacts/import-contacts';
import { listContacts, newContact } from '../../../shared/crm/contacts/use-cases';
import { readCsv } from '../../../shared/crm/csv/parse';
import type { Contact } from '../../../shared/crm/model';
import { fakeClock, memoryContacts, sequentialIds } from '../crm/contacts/memory-stores';

const at = '2026-03-01T10:00:00.000Z';

/** Text made of what CSV, the tag list and the import's reading rules treat specially. */
const tricky = fc.string({
  unit: fc.constantFrom(
    ';',
    '|',
    ',',
    '"',
    "'",
    ' ',
    '\t',
    '\n',
    '\r',
    '\r\n',
    '\\',
    '=',
    '-',
    '+',
    '@',
    'a',
    'Z',
    '0',
    '1',
    '.',
    'é',
    'true',
  ),
  maxLength: 14,
});
const text = fc.oneof(
  tricky,
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    '  x  ',
    '42',
    '-5',
    '1.5',
    'true',
    'false',
    "'",
    "'42",
    "''-5",
    "'=1+1",
    ' =1+1',
    'a;b',
    'a|b',
  ),
);
/** Any tag list the API accepts (normalised as it stores them). */
const tags = fc
  .array(text, { maxLength: 8 })
  .map((raw) => raw.filter((t) => t.trim() !== '' && t.trim().length <= 50))
  .map((raw) => contactCreateSchema.parse({ email: 'x@example.com', tags: raw }).tags ?? []);
/** Any custom fields the API accepts: text of every kind, and canonical numbers and booleans. */
const customFields = fc.dictionary(
  fc.constantFrom('note', 'plan', 'x y', 'a;b', 'quote"d'),
  fc.oneof(
    { weight: 6, arbitrary: text },
    { weight: 1, arbitrary: fc.integer({ min: -1e9, max: 1e9 }) },
    { weight: 1, arbitrary: fc.integer({ min: -1e6, max: 1e6 }).map((n) => n / 100) },
    { weight: 1, arbitrary: fc.boolean() },
  ),
  { maxKeys: 5 },
);

const contactWith = (t: string[], c: Record<string, string | number | boolean>, i = 0): Contact =>
  newContact('ws', contactCreateSchema.parse({ email: `c${i}@example.com`, tags: t, customFields: c }), `id-${i}`, at);

/** The export of `contacts`, read back as the import reads it: the validated input of each row. */
const roundTrip = (contacts: readonly Contact[]) => {
  const [header, ...rows] = [...readCsv(contactsToCsv(contacts))];
  const targets = mapHeaders(header?.fields ?? []);
  return rows.map((r) => contactCreateSchema.parse(rowToInput(targets, r.fields)));
};

describe('CSV export → import', () => {
  it('gives back every tag and custom value exactly', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(tags, customFields), { minLength: 1, maxLength: 4 }), (rows) => {
        const contacts = rows.map(([t, c], i) => contactWith(t, c, i));
        const back = roundTrip(contacts);
        expect(back.map((b) => b.tags ?? [])).toEqual(contacts.map((c) => c.tags));
        expect(back.map((b) => b.customFields ?? {})).toEqual(contacts.map((c) => c.customFields));
      }),
      { numRuns: 500 },
    );
  });

  it('cases the review named: `;` and `|` inside a tag, spaces around a custom value', () => {
    const contact = contactWith(['a;b', 'c|d', 'back\\slash;', 'plain'], {
      note: '  padded  ',
      lines: 'one\r\ntwo\n',
      code: '42',
      flag: 'true',
      empty: '',
      blank: '   ',
      quote: '"quoted", yes',
    });
    const [back] = roundTrip([contact]);
    expect(back?.tags).toEqual(['a;b', 'c|d', 'back\\slash;', 'plain']);
    expect(back?.customFields).toEqual(contact.customFields);
  });

  it('through the use cases: an exported workspace imports into another one unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(tags, customFields), { minLength: 1, maxLength: 3 }), async (rows) => {
        const clock = fakeClock();
        const source = { contacts: memoryContacts(), now: clock.now, newId: sequentialIds('s') };
        const target = { contacts: memoryContacts(), now: clock.now, newId: sequentialIds('t') };
        for (const [i, [t, c]] of rows.entries()) {
          await source.contacts.create(
            newContact(
              'ws-a',
              contactCreateSchema.parse({ email: `p${i}@example.com`, tags: t, customFields: c }),
              `s${i}`,
              at,
            ),
          );
        }
        const { csv } = await exportContacts('ws-a', {}, source);
        expect(await importContacts('ws-b', csv, target)).toMatchObject({ created: rows.length, failed: 0 });
        // And the same file again changes nothing.
        expect(await importContacts('ws-b', csv, target)).toMatchObject({ unchanged: rows.length });
        const shape = (c: Contact) => ({ email: c.email, tags: c.tags, customFields: c.customFields });
        const a = (await listContacts('ws-a', {}, { limit: 100 }, source)).contacts.map(shape);
        const b = (await listContacts('ws-b', {}, { limit: 100 }, target)).contacts.map(shape);
        expect(b.sort((x, y) => x.email.localeCompare(y.email))).toEqual(
          a.sort((x, y) => x.email.localeCompare(y.email)),
        );
      }),
      { numRuns: 100 },
    );
  });
});

describe('a hand-written file', () => {
  const read = (csv: string) => {
    const [header, ...rows] = [...readCsv(csv)];
    const targets = mapHeaders(header?.fields ?? []);
    return rows.map((r) => rowToInput(targets, r.fields));
  };

  it('still splits tags on `;` and `|`, and keeps a backslash that escapes nothing', () => {
    expect(read('email,tags\nx@example.com,"vip; beta|Lead"\n')[0]?.tags).toEqual(['vip', ' beta', 'Lead']);
    expect(read('email,tags\nx@example.com,c:\\path;d\n')[0]?.tags).toEqual(['c:\\path', 'd']);
  });

  it('still has its custom cells trimmed and typed, and an empty or blank cell still sets nothing', () => {
    expect(read('email,custom.plan,custom.seats,custom.on,custom.x\nx@example.com, gold , 5 ,true,  \n')[0]).toEqual({
      email: 'x@example.com',
      customFields: { plan: 'gold', seats: 5, on: true },
    });
  });

  it("reads a leading ' before a number or true/false as a spreadsheet does (text), and keeps it elsewhere", () => {
    expect(read("email,custom.code,custom.on,custom.name\nx@example.com,'42,'true,'Brien\n")[0]?.customFields).toEqual({
      code: '42',
      on: 'true',
      name: "'Brien",
    });
  });
});
