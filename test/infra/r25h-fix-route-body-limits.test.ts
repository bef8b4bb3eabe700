/**
 * Fix of review round 25 (h), the class: a route's body limit is a promise only if a body at that
 * limit still reaches the function. API Gateway hands the body to Lambda inside the event JSON, where
 * a byte can take up to 6 (a control character as `\u00XX`), and Lambda refuses an event over 6 MiB
 * with API Gateway's own error. Every declared route, at its limit (its own or the edge's default),
 * with the worst body and the largest request line and headers API Gateway takes, builds an event
 * that fits, and one byte more is our 413.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { type RouteDeclaration, routeKey, routes } from '../../lib/definition';
import { IMPORT_MAX_BYTES } from '../../lib/definition/crm-routes';
import { buildEvent } from '../../lib/local/api-event';
import { PayloadTooLargeError } from '../../shared/errors';
import { LAMBDA_SYNC_REQUEST_BYTES, MAX_INVOCABLE_BODY_BYTES } from '../../shared/http/lambda-event-size';
import { MAX_BODY_BYTES, parseRequestHead } from '../../shared/http/parse-request';

/** API Gateway HTTP API: request line and header values together, in bytes. */
const REQUEST_LINE_AND_HEADERS_BYTES = 10_240;
const caller = { clientAddress: '203.0.113.9', publicHost: 'example.cloudfront.net' };
const limitOf = (route: RouteDeclaration) => route.maxBodyBytes ?? MAX_BODY_BYTES;

/**
 * The heaviest event of `route` with `body`: path parameters of control characters (sent as `%01`,
 * each repeated in rawPath, the context's path and pathParameters), a query of `"` (rawQueryString and
 * queryStringParameters) and a user agent of `"` (a header and the context's userAgent), filling the
 * 10,240 bytes of request line and headers.
 */
function heaviestEvent(route: RouteDeclaration, body: Buffer, contentType: string): APIGatewayProxyEventV2 {
  const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
  const segment = '\u0001'.repeat(300);
  const pathParameters = Object.fromEntries(params.map((p) => [p, segment]));
  const path = route.path.replace(/\{(\w+)\}/g, () => encodeURIComponent(segment));
  const lineSoFar = `${route.method} ${path}? HTTP/1.1\r\n`.length;
  const queryLength = Math.max(0, Math.floor((REQUEST_LINE_AND_HEADERS_BYTES - lineSoFar) / 2) - 200);
  const query = `q=${'"'.repeat(queryLength)}`;
  const userAgent = '"'.repeat(Math.max(0, REQUEST_LINE_AND_HEADERS_BYTES - lineSoFar - query.length - 200));
  return buildEvent(
    {
      method: route.method,
      url: `${path}?${query}`,
      headers: { 'content-type': contentType, host: caller.publicHost, 'user-agent': userAgent },
      body,
      sourceIp: caller.clientAddress,
    },
    { routeKey: routeKey(route), ...(params.length > 0 ? { pathParameters } : {}) },
  );
}

const eventBytes = (event: APIGatewayProxyEventV2) => Buffer.byteLength(JSON.stringify(event), 'utf8');

describe('every route’s body limit', () => {
  it('is within what one invocation can always carry, the CSV import’s too', () => {
    expect(MAX_BODY_BYTES).toBeLessThanOrEqual(MAX_INVOCABLE_BODY_BYTES);
    expect(IMPORT_MAX_BYTES).toBeLessThanOrEqual(MAX_INVOCABLE_BODY_BYTES);
    const over = routes.filter((r) => limitOf(r) > MAX_INVOCABLE_BODY_BYTES).map((r) => r.id);
    expect(over).toEqual([]);
  });

  // Distinct limits, each with the route that has the longest path among those holding it.
  const byLimit = new Map<number, RouteDeclaration>();
  for (const r of routes) {
    const seen = byLimit.get(limitOf(r));
    if (!seen || r.path.length > seen.path.length) byLimit.set(limitOf(r), r);
  }

  it.each([...byLimit.values()].map((r) => [r.id, limitOf(r), r] as const))(
    '%s: a body of %i bytes of control characters, as text or base64, fits in one invocation; one byte more is our 413',
    (_id, limit, route) => {
      for (const [contentType, fill] of [
        ['text/plain', 0x01],
        ['application/octet-stream', 0xff],
      ] as const) {
        // Arrange: the worst body at the limit.
        const atLimit = heaviestEvent(route, Buffer.alloc(limit, fill), contentType);
        const over = heaviestEvent(route, Buffer.alloc(limit + 1, fill), contentType);

        // Act + Assess: the edge takes the one, refuses the other with its own 413...
        expect(() => parseRequestHead(atLimit, route, caller)).not.toThrow();
        expect(() => parseRequestHead(over, route, caller)).toThrow(PayloadTooLargeError);
        // ...and both reach it: neither is past what Lambda takes.
        expect(eventBytes(atLimit)).toBeLessThanOrEqual(LAMBDA_SYNC_REQUEST_BYTES);
        expect(eventBytes(over)).toBeLessThanOrEqual(LAMBDA_SYNC_REQUEST_BYTES);
      }
    },
  );
});
