// Review round 20: this test failed at 16f866a.
// The export made one `custom.<name>` column per distinct custom-field name and padded every row to all of
// them, building the whole string before any size check: rows x columns of commas (gigabytes, out of memory).
import { describe, expect, it } from 'vitest';
import { EXPORT_MAX_COLUMNS, exportContacts } from '../../../../shared/crm/contacts/export-contacts';
import type { ContactStore } from '../../../../shared/crm/contacts/ports';
import type { Contact } from '../../../../shared/crm/model';

/** Contact `i`, with `fields` custom fields named after it alone (`f<i>_<k>`): each adds columns. */
function contact(i: number, fields: number): Contact {
  const id = String(i).padStart(6, '0');
  return {
    contactId: `c-${id}`,
    workspaceId: 'ws-export',
    email: `p${id}@example.com`,
    status: 'lead',
    tags: [],
    customFields: Object.fromEntries(Array.from({ length: fields }, (_, k) => [`f${i}_${k}`, 1])),
    score: 0,
    tier: 'cold',
    createdAt: '2024-01-01T00:00:00.000Z',
    updatedAt: '2024-01-01T00:00:00.000Z',
  };
}

/**
 * `total` contacts made page by page (never all held by the test); counts the pages read and fails a
 * read past `maxPages`: an export that reads on is building toward its size check instead of stopping.
 */
function store(total: number, fields: number, maxPages: number) {
  const read = { pages: 0 };
  const contacts: Pick<ContactStore, 'list'> = {
    list: async (_ws, _filter, page) => {
      read.pages += 1;
      if (read.pages > maxPages) throw new Error(`read page ${read.pages}: past the point the export was too large`);
      const start = Number(page.cursor ?? 0);
      const end = Math.min(start + page.limit, total);
      const items = Array.from({ length: end - start }, (_, k) => contact(start + k, fields));
      return { contacts: items, ...(end < total ? { nextCursor: String(end) } : {}) };
    },
  };
  return { deps: { contacts: contacts as ContactStore }, read };
}

const refusal = async (run: Promise<unknown>) => {
  try {
    await run;
  } catch (error) {
    return error as { code?: string; status?: number; message: string };
  }
  throw new Error('the export was answered');
};

describe('review 20a: the export bounds its columns and its projected size before building', () => {
  it('20,000 contacts with 50 distinct field names each: refused within a few pages, not built (1M columns)', async () => {
    const { deps, read } = store(20_000, 50, 5);
    const error = await refusal(exportContacts('ws-export', {}, deps));
    expect(error).toMatchObject({ code: 'EXPORT_TOO_LARGE', status: 400 });
    expect(read.pages).toBeLessThanOrEqual(4);
  });

  it('few columns per contact but rows x columns past one response: refused as soon as the projection passes', async () => {
    // 4,000 contacts x 2 names: 8,015 columns (under the column cap), 32 MB of padding in all. The projection
    // (rows x columns) passes the response's ~6 MB near row 1,750: page 18 of 40.
    const { deps, read } = store(4_000, 2, 40);
    const error = await refusal(exportContacts('ws-export', {}, deps));
    expect(error).toMatchObject({ code: 'EXPORT_TOO_LARGE', status: 400 });
    expect(read.pages).toBeLessThanOrEqual(19);
  });

  it('more columns than a spreadsheet holds (16,384): a 400 naming the column limit', async () => {
    // 330 contacts x 50 names: 16,515 columns, ~5.8 MB (it would fit in a response, not in Excel or Calc).
    const { deps } = store(330, 50, 4);
    const error = await refusal(exportContacts('ws-export', {}, deps));
    expect(error).toMatchObject({ code: 'EXPORT_TOO_LARGE', status: 400 });
    expect(error.message).toContain(`${EXPORT_MAX_COLUMNS.toLocaleString('en-US')} columns`);
  });

  it('many columns within the caps: exported, every row padded to the header', async () => {
    const { deps } = store(200, 50, 2);
    const { csv, count } = await exportContacts('ws-export', {}, deps);
    expect(count).toBe(200);
    const lines = csv.split('\r\n').slice(0, -1);
    expect(lines).toHaveLength(201);
    const widths = new Set(lines.map((l) => l.split(',').length));
    expect([...widths]).toEqual([15 + 200 * 50]);
  });
});
