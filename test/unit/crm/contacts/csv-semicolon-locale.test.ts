/**
 * Review round 16 (LOW), CSV: this test failed at 5bc3520. A spreadsheet whose locale separates
 * lists with `;` (German or French Excel opening a `.csv`) splits every line at each `;`, quotes or
 * not, and ends a row at a line break even inside quotes. The export marked only a cell's first
 * character, so a tag cell `vip;=HYPERLINK(...)` (or a custom value, or a custom field's name with a
 * `;`) put a live formula in such a spreadsheet. Now the text after every `;` and line break is
 * marked like a cell's start, and the import removes exactly those marks.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contactsToCsv, mapHeaders, rowToInput } from '../../../../shared/crm/contacts/csv-columns';
import { readCsv } from '../../../../shared/crm/csv/parse';
import type { Contact } from '../../../../shared/crm/model';

const base: Contact = {
  contactId: 'c-1',
  workspaceId: 'ws-csv-r16',
  email: 'ada@example.com',
  customFields: {},
  status: 'lead',
  tags: [],
  score: 0,
  tier: 'cold',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
};

/**
 * The cells a `;`-separating spreadsheet reads from an exported file: split at every `;` and line
 * break, a quote only enclosing a cell when it is the cell's first character.
 */
function semicolonLocaleCells(csv: string): string[] {
  return csv.split(/[;\r\n]/).map((cell) => (cell.startsWith('"') ? cell.slice(1) : cell));
}

/** A cell a spreadsheet would evaluate (after the control characters it may drop). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what a spreadsheet drops.
const live = (cell: string) => /^[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*[=+\-@]/.test(cell);

function roundTrip(contact: Contact) {
  const csv = contactsToCsv([contact]);
  const [header, row] = [...readCsv(csv)];
  if (!header || !row) throw new Error('no row');
  return { csv, input: rowToInput(mapHeaders(header.fields), row.fields) };
}

describe('CSV export opened where lists are separated by `;`', () => {
  it('puts no formula at the start of any cell such a spreadsheet reads', () => {
    const evil = 'vip;=HYPERLINK("http://evil","x")';
    const { csv, input } = roundTrip({
      ...base,
      company: `Acme;+cmd|' /C calc'!A0`,
      tags: [evil, 'a;@SUM(1)'],
      customFields: { note: 'line one\r\n=1+1', 'x;=2+2': 'y', multi: ';;-3;\u0000=4' },
    });
    const bad = semicolonLocaleCells(csv).filter(live);
    expect(bad).toEqual([]);
    expect(input).toMatchObject({
      company: `Acme;+cmd|' /C calc'!A0`,
      tags: [evil, 'a;@SUM(1)'],
      customFields: { note: 'line one\r\n=1+1', 'x;=2+2': 'y', multi: ';;-3;\u0000=4' },
    });
  });

  it('exports and imports back any text, and leaves no live cell in either locale', () => {
    const piece = fc.constantFrom(';', '\r', '\n', '\r\n', "'", '=', '+', '-', '@', '\t', '\u0000', '\u007f', ' ', 'a');
    const text = fc.array(piece, { maxLength: 12 }).map((p) => `x${p.join('')}`);
    fc.assert(
      fc.property(text, text, (value, company) => {
        // The contact schema trims a company's name: a stored one never ends in white space.
        const { csv, input } = roundTrip({ ...base, company: company.trim(), customFields: { v: value } });
        expect(semicolonLocaleCells(csv).filter(live)).toEqual([]);
        expect(input.company).toBe(company.trim());
        expect((input.customFields as Record<string, unknown> | undefined)?.v).toBe(value);
      }),
      { numRuns: 1000 },
    );
  });
});
