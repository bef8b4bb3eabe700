/** Maps a plain {@link HttpResult} onto an API Gateway HTTP API (payload v2) result. */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { SECURITY_HEADERS } from './security-headers';
import type { HttpResult } from './types';

export function toApiResult(result: HttpResult, requestId: string): APIGatewayProxyStructuredResultV2 {
  const headers: Record<string, string> = { ...SECURITY_HEADERS, 'x-request-id': requestId };
  let body: string | undefined;
  if (typeof result.body === 'string') {
    body = result.body;
  } else if (result.body !== undefined) {
    body = JSON.stringify(result.body);
    headers['content-type'] = 'application/json; charset=utf-8';
    headers['cache-control'] = 'no-store';
  }
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name.toLowerCase()] = value;
  const out: APIGatewayProxyStructuredResultV2 = { statusCode: result.status, headers };
  if (body !== undefined) out.body = body;
  if (result.cookies && result.cookies.length > 0) out.cookies = [...result.cookies];
  return out;
}
