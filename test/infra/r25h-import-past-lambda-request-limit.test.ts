/**
 * Finding (review round 25, h): docs/CRM.md promises `POST /api/contacts/import` takes CSV up to
 * 5 MiB (`IMPORT_MAX_BYTES`, the route's `maxBodyBytes`), and the local host takes request bodies up
 * to 10 MB. In the cloud, API Gateway hands the request to Lambda as one JSON event, and a synchronous
 * invocation takes at most 6 MiB (6,291,456 bytes) of event JSON. The body goes into that JSON as a
 * string: every `"`, `\`, CR, LF and tab takes two bytes there. A CSV under 5 MiB with a JSON column
 * (a very common export shape: `"{""source"":""webinar""}"`) and CRLF line ends goes past 6 MiB, so
 * Lambda refuses the invocation. The caller gets API Gateway's own error, never the import's answer
 * nor one of its JSON 4xx. The local runtime answers the same request. Nothing checks that a body the
 * route accepts still fits in one invocation.
 *
 * Severity: MEDIUM (a documented limit that only the cloud refuses; the caller gets an opaque error
 * for a well-formed file). Fails at 679faf6.
 * How a user reaches it: import a CSV of 10,000 rows (the row limit) of about 520 bytes each, with
 * a quoted JSON attributes column, as exported by another CRM.
 */
import { describe, expect, it } from 'vitest';
import { routes } from '../../lib/definition';
import { IMPORT_MAX_BYTES } from '../../lib/definition/crm-routes';
import { buildEvent } from '../../lib/local/api-event';
import { IMPORT_MAX_ROWS } from '../../shared/crm/contacts/import-contacts';
import { parseRequestHead } from '../../shared/http/parse-request';

/** Lambda's limit on a synchronous invocation's request payload (the event JSON), in bytes. */
const LAMBDA_SYNC_REQUEST_BYTES = 6 * 1024 * 1024;

/** A row: an address, two names and a JSON attributes column, quoted as RFC 4180 asks, CRLF-terminated. */
function row(i: number): string {
  const attributes: Record<string, string> = {};
  for (let k = 0; k < 24; k += 1)
    attributes[`k${String(k).padStart(2, '0')}`] = `v${String(i % 1000).padStart(3, '0')}`;
  const cell = `"${JSON.stringify(attributes).replaceAll('"', '""')}"`;
  return `contact.${String(i).padStart(5, '0')}@example.com,Ann,Lee,${cell}\r\n`;
}

describe('a CSV import the route accepts', () => {
  it('fits in one synchronous Lambda invocation, as API Gateway hands it over', () => {
    // Arrange: up to 10,000 rows (the import's own row limit), as many as fit the route's limit.
    const route = routes.find((r) => r.id === 'contacts.import');
    if (!route) throw new Error('contacts.import is not declared');
    let csv = 'email,firstName,lastName,custom.attributes\r\n';
    for (let i = 0; i < IMPORT_MAX_ROWS && csv.length + row(i).length <= IMPORT_MAX_BYTES; i += 1) csv += row(i);
    const body = Buffer.from(csv, 'utf8');
    expect(body.length).toBeLessThanOrEqual(IMPORT_MAX_BYTES);
    expect(route.maxBodyBytes).toBe(IMPORT_MAX_BYTES);

    // Act: the event as API Gateway (and the local host, lib/local/api-event.ts) builds it: text/csv is text.
    const event = buildEvent(
      {
        method: 'POST',
        url: '/api/contacts/import?workspaceId=ws-1',
        headers: { 'content-type': 'text/csv; charset=utf-8', host: 'example.cloudfront.net', 'user-agent': 'curl/8' },
        body,
        sourceIp: '203.0.113.9',
      },
      { routeKey: 'POST /api/contacts/import' },
    );
    // The function edge takes it: within the route's limit, so no 413 of ours.
    expect(() =>
      parseRequestHead(event, route, { clientAddress: '203.0.113.9', publicHost: 'example.cloudfront.net' }),
    ).not.toThrow();
    const invocationBytes = Buffer.byteLength(JSON.stringify(event), 'utf8');

    // Assess: what the route accepts must reach the function in the cloud too.
    expect(invocationBytes).toBeLessThanOrEqual(LAMBDA_SYNC_REQUEST_BYTES);
  });
});
