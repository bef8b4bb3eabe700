/**
 * Maps a plain {@link HttpResult} onto an API Gateway HTTP API (payload v2) result. The
 * security headers are added around it by the edge's security-headers middleware.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { HttpResult } from './types';

export function toApiResult(result: HttpResult, requestId: string): APIGatewayProxyStructuredResultV2 {
  const headers: Record<string, string> = { 'x-request-id': requestId };
  let body: string | undefined;
  if (typeof result.body === 'string') {
    body = result.body;
  } else if (result.body !== undefined) {
    body = safeJson(result.body);
    headers['content-type'] = 'application/json; charset=utf-8';
    headers['cache-control'] = 'no-store';
  }
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name.toLowerCase()] = value;
  const out: APIGatewayProxyStructuredResultV2 = { statusCode: result.status, headers };
  if (body !== undefined) out.body = body;
  if (result.isBase64Encoded && typeof result.body === 'string') out.isBase64Encoded = true;
  if (result.cookies && result.cookies.length > 0) out.cookies = [...result.cookies];
  return out;
}

const UNSAFE_IN_JSON = /[<>&\u2028\u2029]/g;

/**
 * JSON with `<`, `>`, `&`, U+2028 and U+2029 written as `\u` escapes: the same value for every
 * JSON parser, yet text a caller sent (a name, an unknown role) can never come back as live
 * markup if a page or a sniffing client renders an answer.
 */
export function safeJson(value: unknown): string {
  return JSON.stringify(value).replace(UNSAFE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
