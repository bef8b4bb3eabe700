import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { routes } from '../../../lib/definition';
import { buildEvent } from '../../../lib/local/api-event';
import { ValidationError } from '../../../shared/errors';
import { httpFunction } from '../../../shared/http/http-function';
import { type DefinedOperation, defineOperation } from '../../../shared/http/operation';
import { SECURITY_HEADERS } from '../../../shared/http/security-headers';
import { fakeEdge } from '../../support/edge-fakes';

const context = { awsRequestId: 'aws-1', functionName: 'system', getRemainingTimeInMillis: () => 1000 } as Context;
const event = (method: string, url: string, routeKey: string, body = '', headers: Record<string, string> = {}) =>
  buildEvent(
    { method, url, headers: { host: 'localhost', ...headers }, body: Buffer.from(body), sourceIp: '127.0.0.1' },
    { routeKey },
    'req-9',
  ) as APIGatewayProxyEventV2;

const echo = defineOperation({ query: z.record(z.string(), z.string()), body: z.unknown() }, ({ body, query }) => ({
  status: 200,
  body: { body: body ?? null, query },
}));
const ops: Record<string, DefinedOperation> = {
  'health.get': echo,
  'health.head': echo,
  'csrf.token': defineOperation({}, () => {
    throw new ValidationError('bad thing', 'BAD_THING');
  }),
  'status.page': defineOperation({}, () => {
    throw new Error('secret internal detail at /var/task/index.js');
  }),
};
const handler = httpFunction('system', routes, ops, fakeEdge().deps);

async function call(e: APIGatewayProxyEventV2) {
  const result = await handler(e, context);
  return { ...result, json: result.body ? JSON.parse(result.body) : undefined };
}

describe('httpFunction (the shared HTTP edge)', () => {
  it('dispatches on the declared route key and adds the security headers and request id', async () => {
    const res = await call(event('GET', '/api/health?deep=1', 'GET /api/health'));
    expect(res.statusCode).toBe(200);
    expect(res.json.query).toEqual({ deep: '1' });
    expect(res.headers).toMatchObject({ ...SECURITY_HEADERS, 'x-request-id': 'req-9', 'cache-control': 'no-store' });
  });
  it('maps an AppError to its status and code', async () => {
    const res = await call(event('GET', '/api/csrf-token', 'GET /api/csrf-token'));
    expect(res.statusCode).toBe(400);
    expect(res.json).toEqual({ error: 'Bad Request', message: 'bad thing', code: 'BAD_THING', requestId: 'req-9' });
  });
  it('answers an unexpected error with a generic 500 that leaks nothing', async () => {
    const res = await call(event('GET', '/', 'GET /'));
    expect(res.statusCode).toBe(500);
    expect(res.json.code).toBe('INTERNAL');
    expect(res.body).not.toContain('secret');
    expect(res.body).not.toContain('/var/task');
  });
  it('refuses a malformed JSON body with 400 MALFORMED_JSON', async () => {
    const res = await call(
      event('GET', '/api/health', 'GET /api/health', '{"a":', { 'content-type': 'application/json' }),
    );
    expect(res.statusCode).toBe(400);
    expect(res.json.code).toBe('MALFORMED_JSON');
  });
  it('refuses deeply nested JSON and unknown media types', async () => {
    const deep = `${'['.repeat(40)}${']'.repeat(40)}`;
    const res = await call(
      event('GET', '/api/health', 'GET /api/health', deep, { 'content-type': 'application/json' }),
    );
    expect(res.json.code).toBe('JSON_TOO_DEEP');
    const xml = await call(
      event('GET', '/api/health', 'GET /api/health', '<a/>', { 'content-type': 'application/xml' }),
    );
    expect(xml.statusCode).toBe(415);
  });
  it('refuses prototype-polluting keys', async () => {
    const res = await call(
      event('GET', '/api/health', 'GET /api/health', '{"a":{"__proto__":{"admin":true}}}', {
        'content-type': 'application/json',
      }),
    );
    expect(res.statusCode).toBe(400);
    expect(res.json.code).toBe('JSON_FORBIDDEN_KEY');
  });
  it('refuses a body over 1 MiB with 413', async () => {
    const big = JSON.stringify({ s: 'x'.repeat(1024 * 1024) });
    const res = await call(event('GET', '/api/health', 'GET /api/health', big, { 'content-type': 'application/json' }));
    expect(res.statusCode).toBe(413);
    expect(res.json.code).toBe('PAYLOAD_TOO_LARGE');
  });
  it('answers $default with 405 and Allow for a known path, 404 otherwise', async () => {
    const wrongMethod = await call(event('DELETE', '/api/health', '$default'));
    expect(wrongMethod.statusCode).toBe(405);
    expect(wrongMethod.headers?.allow).toContain('GET');
    const unknown = await call(event('GET', '/api/nothing-here', '$default'));
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json.code).toBe('ROUTE_NOT_FOUND');
  });
  it('refuses to build a function that misses an operation for one of its routes', () => {
    const { 'health.head': _dropped, ...missing } = ops;
    expect(() => httpFunction('system', routes, missing, fakeEdge().deps)).toThrow('health.head');
  });
  it('refuses to build a function whose operation does not validate its input', () => {
    const plain = Object.assign(() => ({ status: 200 }), {}) as unknown as DefinedOperation;
    // A map built at run time (typed by its index signature) is checked at cold start only.
    const withPlain: Record<string, DefinedOperation> = { ...ops, 'health.head': plain };
    expect(() => httpFunction('system', routes, withPlain, fakeEdge().deps)).toThrow('defineOperation');
  });
});
