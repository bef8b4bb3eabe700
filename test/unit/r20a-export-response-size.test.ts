/**
 * Review round 20 (r20a): `GET /api/contacts/export` answers 200 with a CSV that the Lambda cannot
 * return: the size guard measures the CSV's bytes, but the function returns the CSV as a string
 * inside the JSON of its API Gateway result, where every `"` (already doubled by the CSV quoting)
 * becomes `\"` and every CRLF `\r\n`. An export that passes the 5.5 MB guard serialises to more than
 * Lambda's 6 MB synchronous response limit, so in the cloud the call fails with a 5xx ("Response
 * payload size exceeded") instead of the documented 400 `EXPORT_TOO_LARGE` ("narrow it with filters").
 * Contacts whose custom fields hold JSON text (a common shape for values synced from other tools)
 * reach it at 18,000 rows, under the 20,000-row cap.
 * Severity: MEDIUM (a 5xx on a supported request; the operator gets no hint to filter; the local
 * runtime, which has no 6 MB check, serves it, so it is only seen in production).
 * Root cause: shared/crm/contacts/export-contacts.ts:exportContacts (EXPORT_MAX_BYTES compares
 * `Buffer.byteLength(csv)`, not the size of the response the handler, functions/contacts.ts
 * `contacts.export`, builds through shared/http/to-api-result.ts:toApiResult).
 * Correct: the guard bounds what is returned (the JSON-escaped body plus headers, e.g.
 * `Buffer.byteLength(JSON.stringify(csv))` with a margin), answering 400 `EXPORT_TOO_LARGE` when it
 * would not fit (or the export is returned another way: gzip/base64 within the limit, S3 link).
 */
import { describe, expect, it } from 'vitest';
import { exportContacts } from '../../shared/crm/contacts/export-contacts';
import type { ContactStore } from '../../shared/crm/contacts/ports';
import type { Contact } from '../../shared/crm/model';
import { toApiResult } from '../../shared/http/to-api-result';

/** Lambda's limit on a synchronous invocation's response payload (the serialised result). */
const LAMBDA_RESPONSE_MAX_BYTES = 6 * 1024 * 1024;

const PREFERENCES =
  '{"newsletter":true,"channel":"email","topics":["pricing","product","events"],"language":"en-AU","source":"hubspot","consent":"double-opt-in"}';

function contactsOf(n: number): Contact[] {
  return Array.from({ length: n }, (_, i) => ({
    contactId: `c-${String(i).padStart(6, '0')}`,
    workspaceId: 'ws-export',
    email: `person${i}@example.com`,
    firstName: 'Ada',
    lastName: 'Lovelace',
    company: 'Acme, Inc.',
    status: 'lead' as const,
    tags: ['newsletter'],
    customFields: { preferences: PREFERENCES },
    score: 0,
    tier: 'cold' as const,
    createdAt: '2024-01-01T00:00:00.000Z',
    updatedAt: '2024-01-01T00:00:00.000Z',
  }));
}

/** The store's `list` over an array, in pages as the DynamoDB adapter answers them. */
function listing(all: Contact[]): Pick<ContactStore, 'list'> {
  return {
    list: async (_ws, _filter, page) => {
      const start = Number(page.cursor ?? 0);
      const end = start + page.limit;
      return { contacts: all.slice(start, end), ...(end < all.length ? { nextCursor: String(end) } : {}) };
    },
  };
}

describe('review 20a: the contacts export and the Lambda response limit', () => {
  it('never answers 200 with a response larger than Lambda can return (EXPORT_TOO_LARGE instead)', async () => {
    const contacts = listing(contactsOf(18_000)) as ContactStore;
    let response: string | undefined;
    let refused: string | undefined;
    try {
      const { csv, count } = await exportContacts('ws-export', {}, { contacts });
      // What functions/contacts.ts `contacts.export` answers, as the Lambda runtime serialises it.
      const result = toApiResult(
        {
          status: 200,
          headers: {
            'content-type': 'text/csv; charset=utf-8',
            'content-disposition': 'attachment; filename="contacts-2024-01-01.csv"',
            'cache-control': 'no-store',
            'x-total-count': String(count),
          },
          body: csv,
        },
        'req-1',
      );
      response = JSON.stringify(result);
    } catch (error) {
      refused = (error as { code?: string }).code;
    }
    if (refused !== undefined) {
      expect(refused).toBe('EXPORT_TOO_LARGE');
      return;
    }
    expect(
      Buffer.byteLength(response ?? ''),
      'the 200 answer fits in a Lambda response (else: 400 EXPORT_TOO_LARGE)',
    ).toBeLessThanOrEqual(LAMBDA_RESPONSE_MAX_BYTES);
  });
});
