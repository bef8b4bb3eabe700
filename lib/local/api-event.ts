/**
 * Builds API Gateway HTTP API (payload format 2.0) events from Node requests and reads
 * the functions' results back, following the documented v2 rules: lower-cased headers
 * with repeats comma-joined, cookies in their own array, query repeats comma-joined,
 * binary bodies base64-encoded, and a non-structured result meaning 200 JSON.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { LOCAL_ACCOUNT } from './lambda-context';

export interface RawRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  sourceIp: string;
}

const TEXT_TYPES = /^(text\/|application\/(json|[\w.+-]+\+json|x-www-form-urlencoded|xml|javascript))/i;

/** Random bytes drawn in blocks: one call into the CSPRNG per 409 requests rather than per request. */
const POOL_BYTES = 4096;
const ID_BYTES = 10;
let pool = Buffer.alloc(0);
let used = 0;

/** API Gateway's request ids look like `JNaPHhV0oAMEPOg=`. */
export function newRequestId(): string {
  if (used + ID_BYTES > pool.length) {
    pool = randomBytes(POOL_BYTES);
    used = 0;
  }
  used += ID_BYTES;
  return pool.toString('base64', used - ID_BYTES, used);
}

export function buildEvent(
  raw: RawRequest,
  match: { routeKey: string; pathParameters?: Record<string, string> },
  requestId = newRequestId(),
): APIGatewayProxyEventV2 {
  const url = new URL(raw.url, 'http://local');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw.headers)) {
    if (value === undefined || name === 'cookie') continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const cookieHeader = raw.headers.cookie;
  const cookies = cookieHeader
    ? cookieHeader
        .split(';')
        .map((c) => c.trim())
        .filter(Boolean)
    : undefined;
  const query: Record<string, string> = {};
  // Own keys only: `?constructor=x` is a key like any other (API Gateway joins repeats with commas).
  for (const [key, value] of url.searchParams)
    query[key] = Object.hasOwn(query, key) ? `${query[key]},${value}` : value;
  const now = new Date();
  const host = headers.host ?? 'localhost';
  const binary = raw.body.length > 0 && !TEXT_TYPES.test(headers['content-type'] ?? 'application/json');

  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: match.routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.startsWith('?') ? url.search.slice(1) : '',
    headers,
    requestContext: {
      accountId: LOCAL_ACCOUNT,
      apiId: 'local',
      domainName: host,
      domainPrefix: host.split('.')[0] ?? host,
      http: {
        method: raw.method,
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: raw.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: match.routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: binary,
  };
  if (cookies && cookies.length > 0) event.cookies = cookies;
  if (Object.keys(query).length > 0) event.queryStringParameters = query;
  if (match.pathParameters && Object.keys(match.pathParameters).length > 0) event.pathParameters = match.pathParameters;
  if (raw.body.length > 0) event.body = binary ? raw.body.toString('base64') : raw.body.toString('utf8');
  return event;
}

export interface HttpResponseParts {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/** Reads a handler's return value the way API Gateway does for payload format 2.0. */
export function readResult(result: unknown): HttpResponseParts {
  if (!isStructured(result)) {
    const body = typeof result === 'string' ? result : JSON.stringify(result ?? null);
    return { status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(body) };
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name.toLowerCase()] = String(value);
  if (result.cookies && result.cookies.length > 0) headers['set-cookie'] = result.cookies;
  const body =
    result.body === undefined ? Buffer.alloc(0) : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  return { status: result.statusCode ?? 200, headers, body };
}

function isStructured(result: unknown): result is APIGatewayProxyStructuredResultV2 {
  return typeof result === 'object' && result !== null && 'statusCode' in result;
}
