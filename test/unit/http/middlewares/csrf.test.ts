import { describe, expect, it } from 'vitest';
import type { RouteDeclaration } from '../../../../lib/definition';
import { csrf } from '../../../../shared/http/middlewares/csrf';
import type { PresentedKey } from '../../../../shared/identity/authenticate';
import { apiEvent, edgeRequest, testRoute } from '../../../support/edge-request';

const TOKEN = 'ab'.repeat(32);
const guarded = testRoute({ id: 'things.create', method: 'POST', path: '/api/things', csrf: true });
const unguarded = testRoute({ id: 'hooks.in', method: 'POST', path: '/api/things', csrf: false });
const caller = { clientAddress: '198.51.100.9', publicHost: 'app.example' };
const verified = { status: 'verified' } as PresentedKey;

function check(route: RouteDeclaration, headers: Record<string, string>, presented?: PresentedKey) {
  const request = edgeRequest(apiEvent({ method: route.method, path: route.path, headers }), {
    route,
    caller,
    ...(presented ? { presented } : {}),
  });
  return () => csrf().before?.(request);
}

describe('csrf', () => {
  it('refuses a state-changing request without a token with 403 CSRF_TOKEN_INVALID', () => {
    expect(check(guarded, {})).toThrow(expect.objectContaining({ status: 403, code: 'CSRF_TOKEN_INVALID' }));
  });
  it('refuses a foreign origin with CSRF_ORIGIN_MISMATCH', () => {
    const headers = { origin: 'https://evil.example', cookie: `csrf-token=${TOKEN}`, 'x-csrf-token': TOKEN };
    expect(check(guarded, headers)).toThrow(expect.objectContaining({ code: 'CSRF_ORIGIN_MISMATCH' }));
  });
  it('passes the double-submitted token from the same origin', () => {
    const headers = { origin: 'https://app.example', cookie: `csrf-token=${TOKEN}`, 'x-csrf-token': TOKEN };
    expect(check(guarded, headers)).not.toThrow();
  });
  it('skips routes declared without CSRF, and reads (GET) on any route', () => {
    expect(check(unguarded, {})).not.toThrow();
    expect(check({ ...guarded, method: 'GET' }, {})).not.toThrow();
  });
  it('exempts a verified API key without cookies, but not one with cookies nor an unverified one', () => {
    expect(check(guarded, {}, verified)).not.toThrow();
    expect(check(guarded, { cookie: 'session=x' }, verified)).toThrow(expect.objectContaining({ status: 403 }));
    expect(check(guarded, {}, { status: 'invalid', reason: 'unknown' })).toThrow(
      expect.objectContaining({ status: 403 }),
    );
  });
});
