import { describe, expect, it } from 'vitest';
import { bodyParsing } from '../../../../shared/http/middlewares/body-parsing';
import { stateOf } from '../../../../shared/http/middlewares/edge-state';
import { apiEvent, edgeRequest, testRoute } from '../../../support/edge-request';

const route = testRoute({ id: 'things.create', method: 'POST', path: '/api/things', maxBodyBytes: 64 });
const csvRoute = testRoute({
  id: 'things.import',
  method: 'POST',
  path: '/api/things/import',
  bodyTypes: ['text/csv', 'text/plain'],
});
const formOrJson = testRoute({
  id: 'things.confirm',
  method: 'POST',
  path: '/u/{token}',
  bodyTypes: ['application/x-www-form-urlencoded', 'application/json'],
});
const caller = { clientAddress: '203.0.113.5', publicHost: 'app.example' };
const parse = (body: string, contentType: string | null = 'application/json', to = route) => {
  const headers: Record<string, string> = { 'user-agent': 'vitest' };
  if (contentType !== null) headers['content-type'] = contentType;
  const request = edgeRequest(apiEvent({ method: 'POST', path: to.path, body, headers }), { route: to, caller });
  void bodyParsing().before?.(request);
  return stateOf(request).request;
};

describe('bodyParsing', () => {
  it('hands the operation a plain request with the parsed body and the caller’s address', () => {
    expect(parse('{"name":"Ann"}')).toMatchObject({
      route,
      method: 'POST',
      path: '/api/things',
      body: { name: 'Ann' },
      rawBody: '{"name":"Ann"}',
      clientAddress: '203.0.113.5',
      host: 'app.example',
      userAgent: 'vitest',
    });
    expect(parse('a,b\n1,2', 'text/csv; charset=utf-8', csvRoute)?.body).toBe('a,b\n1,2');
  });
  it('refuses a body over the route’s limit with 413', () => {
    expect(() => parse(JSON.stringify({ s: 'x'.repeat(64) }))).toThrow(
      expect.objectContaining({ status: 413, code: 'PAYLOAD_TOO_LARGE' }),
    );
  });
  it('refuses other media types with 415, and malformed JSON with 400 MALFORMED_JSON', () => {
    expect(() => parse('<a/>', 'application/xml')).toThrow(expect.objectContaining({ status: 415 }));
    expect(() => parse('{"a":')).toThrow(expect.objectContaining({ status: 400, code: 'MALFORMED_JSON' }));
  });
  it('takes JSON without a Content-Type, and +json types, on a route that declares nothing', () => {
    expect(parse('{"a":1}', null)?.body).toEqual({ a: 1 });
    expect(parse('{"a":1}', 'application/merge-patch+json')?.body).toEqual({ a: 1 });
  });
  it('names the media types the route accepts in its 415', () => {
    // curl --data-binary sends application/x-www-form-urlencoded unless told otherwise.
    expect(() => parse('email\nann@example.com', 'application/x-www-form-urlencoded', csvRoute)).toThrow(
      expect.objectContaining({
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message:
          'Content-Type application/x-www-form-urlencoded is not accepted by POST /api/things/import; send text/csv or text/plain',
        details: { accepted: ['text/csv', 'text/plain'] },
      }),
    );
    expect(() => parse('email\nann@example.com', null, csvRoute)).toThrow(
      expect.objectContaining({
        status: 415,
        message:
          'A body without a Content-Type is not accepted by POST /api/things/import; send text/csv or text/plain',
      }),
    );
    expect(() => parse('{"rows":[]}', 'application/json', csvRoute)).toThrow(expect.objectContaining({ status: 415 }));
    expect(() => parse('a,b', 'text/csv')).toThrow(
      expect.objectContaining({ status: 415, message: expect.stringMatching(/; send application\/json$/) }),
    );
  });
  it('hands a declared form body over raw and still parses JSON where the route takes both', () => {
    expect(parse('List-Unsubscribe=One-Click', 'application/x-www-form-urlencoded', formOrJson)?.body).toBe(
      'List-Unsubscribe=One-Click',
    );
    expect(parse('{"topics":["news"]}', 'application/json', formOrJson)?.body).toEqual({ topics: ['news'] });
    expect(() => parse('x', 'multipart/form-data', formOrJson)).toThrow(
      expect.objectContaining({
        message: expect.stringMatching(/; send application\/x-www-form-urlencoded or application\/json$/),
      }),
    );
  });
});
