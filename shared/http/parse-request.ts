/**
 * Turns an API Gateway HTTP API (payload v2) event into a plain {@link HttpRequest}.
 * Bad input stops here with a 4xx: oversized bodies, media types the route does not declare
 * (a 415 naming those it does), bodies that are not JSON, JSON that nests deeper than any
 * legitimate payload. A route declaring `*\/*` (one-click unsubscribe) is refused nothing for
 * its body's type: what it cannot read reaches it as no body.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { BodyMediaType, RouteDeclaration } from '../../lib/definition';
import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '../errors';
import { parseJsonLimited } from '../security/sanitize-json';
import { findUnstorableValue } from '../security/storable-number';
import type { CallerOrigin } from '../security/trusted-edge';
import { multipartFields } from './multipart-form';
import type { HttpRequest } from './types';

/** API Gateway's own payload cap is 10 MB; no route of ours needs more than 1 MiB. */
export const MAX_BODY_BYTES = 1024 * 1024;
export const MAX_JSON_DEPTH = 32;

export function parseRequest(
  event: APIGatewayProxyEventV2,
  route: RouteDeclaration,
  caller: CallerOrigin,
): HttpRequest {
  return withParsedBody(parseRequestHead(event, route, caller));
}

/**
 * The request without its body parsed (`body` undefined; `rawBody` read, its size checked: 413).
 * The edge authenticates on this, then parses the body ({@link withParsedBody}): a caller who is
 * not signed in is told so (401) whatever the body's media type or JSON is.
 */
export function parseRequestHead(
  event: APIGatewayProxyEventV2,
  route: RouteDeclaration,
  caller: CallerOrigin,
): HttpRequest {
  const headers = lowerCaseHeaders(event.headers);
  const rawBody = decodeBody(event, route.maxBodyBytes ?? MAX_BODY_BYTES);
  return {
    route,
    method: event.requestContext.http.method,
    path: event.rawPath,
    pathParams: { ...(event.pathParameters ?? {}) } as Record<string, string>,
    query: { ...(event.queryStringParameters ?? {}) } as Record<string, string>,
    headers,
    cookies: parseCookies(event.cookies ?? []),
    body: undefined,
    rawBody,
    requestId: event.requestContext.requestId,
    clientAddress: caller.clientAddress,
    userAgent: event.requestContext.http.userAgent ?? '',
    host: caller.publicHost,
  };
}

/** `request` with its body parsed per its route: 415 for an undeclared media type, 400 for bad JSON. */
export function withParsedBody(request: HttpRequest): HttpRequest {
  if (request.rawBody === undefined) return request;
  return { ...request, body: parseBody(request.rawBody, request.headers['content-type'], request.route) };
}

/** API Gateway already lower-cases v2 header names; the local host and tests may not. */
export function lowerCaseHeaders(raw: APIGatewayProxyEventV2['headers'] | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  return headers;
}

function decodeBody(event: APIGatewayProxyEventV2, maxBytes: number): string | undefined {
  if (event.body === undefined || event.body === null || event.body === '') return undefined;
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(raw, 'utf8') > maxBytes) {
    throw new PayloadTooLargeError(`The request body exceeds ${maxBytes} bytes`);
  }
  return raw;
}

/** What a route takes when it declares nothing: JSON. */
const JSON_ONLY: readonly BodyMediaType[] = ['application/json'];

function parseBody(raw: string, contentType: string | undefined, route: RouteDeclaration): unknown {
  const accepted = route.bodyTypes ?? JSON_ONLY;
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const json = type === '' || type === 'application/json' || type.endsWith('+json');
  // The operation reads one shape, a urlencoded form, whichever encoding the form came in.
  if (type === 'multipart/form-data' && accepted.includes(type)) {
    return new URLSearchParams(multipartFields(raw, contentType ?? '')).toString();
  }
  if (!json && type !== '*/*' && accepted.includes(type as BodyMediaType)) return raw;
  // A route that takes any type (RFC 8058 one-click unsubscribe: a POST to the link is the
  // request, whatever its body) gets no body for a type it does not read, or for a body without
  // a Content-Type that is not JSON.
  const anyType = accepted.includes('*/*');
  if (!json || !accepted.includes('application/json')) {
    if (anyType) return undefined;
    const given = type === '' ? 'A body without a Content-Type' : `Content-Type ${type}`;
    throw new UnsupportedMediaTypeError(
      `${given} is not accepted by ${route.method} ${route.path}; send ${accepted.join(' or ')}`,
      { details: { accepted } },
    );
  }
  // Size was checked above (413); this adds the depth limit and refuses prototype-polluting keys.
  let value: unknown;
  try {
    value = parseJsonLimited(raw, { maxBytes: MAX_BODY_BYTES, maxDepth: MAX_JSON_DEPTH });
  } catch (error) {
    if (anyType && type === '') return undefined;
    throw error;
  }
  // Whatever a route does with the body, nothing reaches a store that cannot keep it: a number out
  // of DynamoDB's range, a string with a lone surrogate (no UTF-8 form). One walk finds either.
  // Noncharacters (U+FFFE, U+FFFF, ...) are accepted: valid Unicode, stored as given; the queues
  // refuse U+FFFE/U+FFFF raw, so every message, schedule and event carries them as JSON escapes
  // (shared/aws/sqs-message-text.ts), which also covers what was stored before any rule.
  const unstorable = findUnstorableValue(value);
  if (unstorable !== undefined) {
    throw new ValidationError('The request does not match what this route accepts', 'VALIDATION_FAILED', {
      details: [{ in: 'body', path: unstorable.path, message: unstorable.message }],
    });
  }
  return value;
}

/** `a=1; b=2` pairs; the first occurrence of a name wins, as browsers send the most specific first. */
export function parseCookies(cookies: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of cookies) {
    for (const part of line.split(';')) {
      const eq = part.indexOf('=');
      if (eq <= 0) continue;
      const name = part.slice(0, eq).trim();
      if (name in out) continue;
      out[name] = part.slice(eq + 1).trim();
    }
  }
  return out;
}
