// Review round 19: this test failed at e88bb96.
// The rule that redacts an unquoted header value to the end of its line fired for any name that
// contains `cookie` or `authorization` (`secureCookies: true`), swallowing the request id after it.
import { describe, expect, it } from 'vitest';
import { redactString } from '../../../shared/observability/redact';

describe('r19l: only the credential headers redact to the end of the line', () => {
  it.each([
    ['secureCookies: true requestId=req-123 failed', 'secureCookies: [REDACTED] requestId=req-123 failed'],
    ['authorizationMode: strict, requestId: req-123', 'authorizationMode: [REDACTED], requestId: req-123'],
    ['cookieConsent: yes requestId=req-123', 'cookieConsent: [REDACTED] requestId=req-123'],
    ['x-authorization-id: a1 requestId=req-123', 'x-authorization-id: [REDACTED] requestId=req-123'],
  ])('%j keeps what follows its value', (input, expected) => {
    expect(redactString(input)).toBe(expected);
  });

  it.each([
    ['Cookie: sid=abc; theme=dark', 'Cookie: [REDACTED]'],
    ['set-cookie: sid=abc; Path=/; HttpOnly', 'set-cookie: [REDACTED]'],
    ['Set-Cookie: sid=abc; Path=/', 'Set-Cookie: [REDACTED]'],
    ['Proxy-Authorization: Digest username=ann, response=abc123', 'Proxy-Authorization: [REDACTED]'],
    ['AUTHORIZATION: Digest username=ann, response=abc123', 'AUTHORIZATION: [REDACTED]'],
    ['upstream 401; Authorization: Digest a b', 'upstream 401; Authorization: [REDACTED]'],
    ['GET /x\nCookie: a=1; b=2\nX-Request-Id: r1', 'GET /x\nCookie: [REDACTED]\nX-Request-Id: r1'],
    ['headers {Authorization: Digest a b', 'headers {Authorization: [REDACTED]'],
  ])('%j redacts the whole header value', (input, expected) => {
    expect(redactString(input)).toBe(expected);
  });
});
