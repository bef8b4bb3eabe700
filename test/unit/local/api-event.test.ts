import { describe, expect, it } from 'vitest';
import { buildEvent, readResult } from '../../../lib/local/api-event';

const raw = (over: Partial<Parameters<typeof buildEvent>[0]> = {}) => ({
  method: 'POST',
  url: '/api/contacts/42?tag=a&tag=b&q=x',
  headers: {
    host: 'localhost:3008',
    'content-type': 'application/json',
    cookie: 'a=1; csrf-token=abc',
    'x-many': ['1', '2'],
  },
  body: Buffer.from('{"x":1}'),
  sourceIp: '127.0.0.1',
  ...over,
});

describe('API Gateway payload v2 events', () => {
  it('reads a query key named like an Object property as any other key (r21c)', () => {
    const event = buildEvent(
      raw({ url: '/api/x?constructor=a&toString=b&toString=c' }),
      { routeKey: 'POST /api/x' },
      'r',
    );
    expect(event.queryStringParameters).toEqual({ constructor: 'a', toString: 'b,c' });
  });
  it('follows the v2 rules for headers, cookies, query and body', () => {
    const event = buildEvent(raw(), { routeKey: 'POST /api/contacts/{id}', pathParameters: { id: '42' } }, 'req-1');
    expect(event.version).toBe('2.0');
    expect(event.routeKey).toBe('POST /api/contacts/{id}');
    expect(event.rawPath).toBe('/api/contacts/42');
    expect(event.rawQueryString).toBe('tag=a&tag=b&q=x');
    expect(event.queryStringParameters).toEqual({ tag: 'a,b', q: 'x' });
    expect(event.headers.cookie).toBeUndefined();
    expect(event.headers['x-many']).toBe('1,2');
    expect(event.cookies).toEqual(['a=1', 'csrf-token=abc']);
    expect(event.pathParameters).toEqual({ id: '42' });
    expect(event.body).toBe('{"x":1}');
    expect(event.isBase64Encoded).toBe(false);
    expect(event.requestContext.requestId).toBe('req-1');
    expect(event.requestContext.http).toMatchObject({
      method: 'POST',
      path: '/api/contacts/42',
      sourceIp: '127.0.0.1',
    });
  });
  it('base64-encodes binary bodies', () => {
    const event = buildEvent(raw({ headers: { 'content-type': 'image/png' }, body: Buffer.from([0, 255]) }), {
      routeKey: '$default',
    });
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body as string, 'base64')).toEqual(Buffer.from([0, 255]));
  });
  it('reads structured and bare results the way API Gateway does', () => {
    expect(readResult({ statusCode: 201, headers: { 'X-A': 'b' }, body: 'hi', cookies: ['c=1'] })).toEqual({
      status: 201,
      headers: { 'x-a': 'b', 'set-cookie': ['c=1'] },
      body: Buffer.from('hi'),
    });
    const bare = readResult({ ok: true });
    expect(bare.status).toBe(200);
    expect(JSON.parse(bare.body.toString())).toEqual({ ok: true });
  });
});
