import { describe, expect, it } from 'vitest';
import { bodyParsing } from '../../../../shared/http/middlewares/body-parsing';
import { stateOf } from '../../../../shared/http/middlewares/edge-state';
import { apiEvent, edgeRequest, testRoute } from '../../../support/edge-request';

const route = testRoute({ id: 'things.create', method: 'POST', path: '/api/things', maxBodyBytes: 64 });
const caller = { clientAddress: '203.0.113.5', publicHost: 'app.example' };
const parse = (body: string, contentType = 'application/json') => {
  const request = edgeRequest(
    apiEvent({ method: 'POST', body, headers: { 'content-type': contentType, 'user-agent': 'vitest' } }),
    { route, caller },
  );
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
    expect(parse('a,b\n1,2', 'text/csv')?.body).toBe('a,b\n1,2');
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
});
