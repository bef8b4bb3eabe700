/**
 * Review round 23 (fixer b, a known carried defect): this test failed at dfdd2c4. The export's
 * formula marks (shared/crm/csv/write.ts `csvCell`, `markAfterBreaks`) looked only at a cell's very
 * first character (and the one after each `;` or line break). A value starting with blanks
 * (spaces, a tab, NBSP) or invisible format characters (U+200B ZERO WIDTH SPACE, U+2060 WORD
 * JOINER, U+FEFF...) before `=`, `+`, `-` or `@` was written unmarked, and a spreadsheet that trims
 * leading blanks evaluates it (OWASP "CSV Injection": neutralise any cell that would begin a formula).
 * Now a cell (and the text after each `;` and line break) whose first character that is not blank,
 * a control or a format character is a formula start gets the leading `'`, and the import removes
 * exactly that mark, so an export still imports back unchanged.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contactsToCsv, mapHeaders, rowToInput } from '../../../../shared/crm/contacts/csv-columns';
import { readCsv } from '../../../../shared/crm/csv/parse';
import { csvCell, markAfterBreaks, unescapeFormula } from '../../../../shared/crm/csv/write';
import type { Contact } from '../../../../shared/crm/model';

const base: Contact = {
  contactId: 'c-1',
  workspaceId: 'ws-csv-r23b',
  email: 'ada@example.com',
  customFields: {},
  status: 'lead',
  tags: [],
  score: 0,
  tier: 'cold',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
};

const BLANKS = [' ', '\t', '\u00a0', '\u2003', '\u3000', '\u200b', '\u200c', '\u200e', '\u2060', '\ufeff', '\u00ad'];

/**
 * A cell a spreadsheet may evaluate: after what it may trim or drop (white space, control and
 * format characters), a formula start; a leading `'` is a text mark and makes it text.
 */
const live = (cell: string) => /^(?:\s|\p{Cc}|\p{Cf})*[=+\-@]/u.test(cell);

/** The cells read from an exported file, by a `,` or a `;`-separating spreadsheet (quotes taken off). */
function cellsOf(csv: string): string[] {
  const comma = [...readCsv(csv)].flatMap((r) => r.fields);
  const semicolon = csv.split(/[;\r\n]/).map((cell) => (cell.startsWith('"') ? cell.slice(1) : cell));
  return [...comma, ...semicolon];
}

function roundTrip(contact: Contact) {
  const csv = contactsToCsv([contact]);
  const [header, row] = [...readCsv(csv)];
  if (!header || !row) throw new Error('no row');
  return { csv, input: rowToInput(mapHeaders(header.fields), row.fields) };
}

describe('CSV cells that start a formula behind blanks or invisible characters', () => {
  it.each(BLANKS.map((b) => [JSON.stringify(b), b]))('are marked behind %s', (_name, blank) => {
    for (const start of ['=', '+', '-', '@']) {
      const value = `${blank}${start}HYPERLINK("http://evil.example","x")`;
      const cell = csvCell(value);
      const text = cell.startsWith('"') ? cell.slice(1, -1).replaceAll('""', '"') : cell;
      expect(text.startsWith("'"), `${JSON.stringify(value)} was written ${JSON.stringify(cell)}`).toBe(true);
      expect(unescapeFormula(text)).toBe(value);
      // And after a `;` or a line break, where a `;`-separating spreadsheet starts a cell.
      for (const br of [';', '\n', '\r\n']) {
        const after = `ok${br}${value}`;
        expect(markAfterBreaks(after)).toBe(`ok${br}'${value}`);
      }
    }
  });

  it('leaves a value that only starts with blanks alone', () => {
    expect(csvCell('\u200bAcme')).toBe('\u200bAcme');
    expect(csvCell(' Acme')).toBe('" Acme"');
    expect(markAfterBreaks('a; b')).toBe('a; b');
  });

  it('puts no live cell in an export, and imports it back unchanged', () => {
    const evil = '\u200b=HYPERLINK("http://evil","x")';
    const { csv, input } = roundTrip({
      ...base,
      company: `\u2060+cmd|' /C calc'!A0`,
      tags: [evil, `a;\u00a0@SUM(1)`],
      customFields: { note: 'line one\r\n\ufeff=1+1', 'x;\u200b=2+2': ' -3', v: '\t =4' },
    });
    expect(cellsOf(csv).filter(live)).toEqual([]);
    expect(input).toMatchObject({
      company: `\u2060+cmd|' /C calc'!A0`,
      tags: [evil, `a;\u00a0@SUM(1)`],
      customFields: { note: 'line one\r\n\ufeff=1+1', 'x;\u200b=2+2': ' -3', v: '\t =4' },
    });
  });

  it('exports and imports back any text, and leaves no live cell in either locale', () => {
    const piece = fc.constantFrom(';', '\r\n', '\n', "'", '=', '+', '-', '@', '\u0000', 'a', ...BLANKS);
    const text = fc.array(piece, { maxLength: 12 }).map((p) => `x${p.join('')}`);
    fc.assert(
      fc.property(text, text, (value, company) => {
        // The contact schema trims a company's name: a stored one never ends in white space.
        const { csv, input } = roundTrip({ ...base, company: company.trim(), customFields: { v: value } });
        expect(cellsOf(csv).filter(live)).toEqual([]);
        expect(input.company).toBe(company.trim());
        expect((input.customFields as Record<string, unknown> | undefined)?.v).toBe(value);
      }),
      { numRuns: 1000 },
    );
  });
});
