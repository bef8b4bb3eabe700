// Review round 20: this test failed at 16f866a.
// The export's size guard measured the CSV's bytes, not the response the Lambda runtime serialises (the CSV as a
// JSON string: `"` -> `\"`, CRLF -> `\r\n`, a control character -> `\u00XX`, six bytes): a 200 over Lambda's 6 MB.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ContactsCsv, contactsToCsv } from '../../../../shared/crm/contacts/csv-columns';
import { EXPORT_MAX_BYTES, exportContacts, responseTextBytes } from '../../../../shared/crm/contacts/export-contacts';
import type { ContactStore } from '../../../../shared/crm/contacts/ports';
import type { Contact } from '../../../../shared/crm/model';
import { SECURITY_HEADERS } from '../../../../shared/http/security-headers';
import { toApiResult } from '../../../../shared/http/to-api-result';

/** Lambda's limit on a synchronous invocation's response payload (the serialised result). */
const LAMBDA_RESPONSE_MAX_BYTES = 6 * 1024 * 1024;

function contact(i: number, customFields: Contact['customFields']): Contact {
  const id = String(i).padStart(6, '0');
  return {
    contactId: `c-${id}`,
    workspaceId: 'ws-export',
    email: `p${id}@example.com`,
    firstName: 'Ada',
    status: 'lead',
    tags: ['newsletter'],
    customFields,
    score: 0,
    tier: 'cold',
    createdAt: '2024-01-01T00:00:00.000Z',
    updatedAt: '2024-01-01T00:00:00.000Z',
  };
}

function listing(total: number, fields: (i: number) => Contact['customFields']): { contacts: ContactStore } {
  const contacts: Pick<ContactStore, 'list'> = {
    list: async (_ws, _filter, page) => {
      const start = Number(page.cursor ?? 0);
      const end = Math.min(start + page.limit, total);
      const items = Array.from({ length: end - start }, (_, k) => contact(start + k, fields(start + k)));
      return { contacts: items, ...(end < total ? { nextCursor: String(end) } : {}) };
    },
  };
  return { contacts: contacts as ContactStore };
}

/** What functions/contacts.ts answers for an export, with the edge's headers, as the Lambda runtime serialises it. */
const sentBytes = (csv: string, count: number) =>
  Buffer.byteLength(
    JSON.stringify(
      toApiResult(
        {
          status: 200,
          headers: {
            ...SECURITY_HEADERS,
            'content-type': 'text/csv; charset=utf-8',
            'content-disposition': 'attachment; filename="contacts-2024-01-01.csv"',
            'cache-control': 'no-store',
            'x-total-count': String(count),
          },
          body: csv,
        },
        '3f0f4c4e-0b7a-4a57-9d0c-5d2f1c0f9a11',
      ),
    ),
  );

const codeOf = async (run: Promise<unknown>) =>
  run.then(
    () => undefined,
    (error: { code?: string }) => error.code,
  );

describe('review 20a: the export is bounded by the response the function sends', () => {
  it('control characters (6 bytes each once serialised): 1 MB of CSV, 6.5 MB sent, refused', async () => {
    // Values a sync tool wrote with raw control characters inside (not at the start, which is marked).
    const value = `x${'\u0001'.repeat(900)}`;
    const deps = listing(1_200, () => ({ raw: value }));
    await expect(codeOf(exportContacts('ws-export', {}, deps))).resolves.toBe('EXPORT_TOO_LARGE');
  });

  it('quote-heavy values: the largest export that fits is served and fits in a Lambda response, one row more is refused', async () => {
    const json = '{"a":"b","c":["d","e"],"f":"g"}'.repeat(12);
    const fields = () => ({ preferences: json });
    const one = (await exportContacts('ws-export', {}, listing(1, fields))).csv;
    const two = (await exportContacts('ws-export', {}, listing(2, fields))).csv;
    const row = responseTextBytes(two) - responseTextBytes(one);
    const header = responseTextBytes(one) - row;
    const fit = Math.floor((EXPORT_MAX_BYTES - header) / row);

    const served = await exportContacts('ws-export', {}, listing(fit, fields));
    expect(served.count).toBe(fit);
    expect(responseTextBytes(served.csv)).toBeLessThanOrEqual(EXPORT_MAX_BYTES);
    expect(sentBytes(served.csv, served.count)).toBeLessThanOrEqual(LAMBDA_RESPONSE_MAX_BYTES);
    await expect(codeOf(exportContacts('ws-export', {}, listing(fit + 1, fields)))).resolves.toBe('EXPORT_TOO_LARGE');
  });

  it('the size counted while building is exactly what the CSV weighs, as sent and as UTF-8', () => {
    const text = fc.string({
      unit: fc.constantFrom(
        'a',
        '"',
        '\\',
        ',',
        ';',
        '\r',
        '\n',
        '\u0001',
        '\u007f',
        '=',
        "'",
        ' ',
        'é',
        '\u2028',
        '😀',
        '\ud800',
        '\udc00',
      ),
      maxLength: 12,
    });
    const value = fc.oneof(text, fc.integer(), fc.boolean());
    const generated = fc.array(
      fc.record({
        first: text,
        tags: fc.array(text, { maxLength: 3 }),
        fields: fc.dictionary(fc.constantFrom('a', 'b"', 'c\r', '=d', 'e😀'), value),
      }),
      { maxLength: 6 },
    );
    fc.assert(
      fc.property(generated, (rows) => {
        const contacts = rows.map((r, i) => ({ ...contact(i, r.fields), firstName: r.first, tags: r.tags }));
        const sent = new ContactsCsv(responseTextBytes);
        const utf8 = new ContactsCsv((t) => Buffer.byteLength(t));
        for (const c of contacts) {
          sent.add(c);
          utf8.add(c);
        }
        const csv = contactsToCsv(contacts);
        expect(sent.toString()).toBe(csv);
        expect(sent.size).toBe(responseTextBytes(csv));
        expect(utf8.size).toBe(Buffer.byteLength(csv));
        expect(sent.rows).toBe(contacts.length);
      }),
      { numRuns: 300 },
    );
  });
});
