import { describe, expect, it } from 'vitest';
import { matchPath, resolveRoute } from '../../../shared/http/path-match';

describe('matchPath', () => {
  it('extracts and decodes parameters', () => {
    expect(matchPath('/api/contacts/{id}', '/api/contacts/a%20b')).toEqual({ id: 'a b' });
  });
  it('refuses different lengths, literals and empty parameters', () => {
    expect(matchPath('/api/contacts/{id}', '/api/contacts')).toBeUndefined();
    expect(matchPath('/api/contacts/{id}', '/api/contact/1')).toBeUndefined();
    expect(matchPath('/api/contacts/{id}', '/api/contacts/')).toBeUndefined();
  });
  it('keeps a malformed escape as it is instead of throwing', () => {
    expect(matchPath('/x/{id}', '/x/%E0%A4%A')).toEqual({ id: '%E0%A4%A' });
  });
});

describe('resolveRoute', () => {
  const routes = [
    { method: 'GET', path: '/api/contacts/{id}' },
    { method: 'GET', path: '/api/contacts/hot-leads' },
    { method: 'DELETE', path: '/api/contacts/{id}' },
  ];
  it('prefers literal segments over parameters, as API Gateway does', () => {
    const found = resolveRoute(routes, 'GET', '/api/contacts/hot-leads');
    expect(found.route?.path).toBe('/api/contacts/hot-leads');
  });
  it('lists the allowed methods when only the method is wrong', () => {
    const found = resolveRoute(routes, 'PUT', '/api/contacts/7');
    expect(found.route).toBeUndefined();
    expect('allowed' in found && found.allowed.sort()).toEqual(['DELETE', 'GET']);
  });
  it('allows nothing for an unknown path', () => {
    const found = resolveRoute(routes, 'GET', '/nope');
    expect('allowed' in found && found.allowed).toEqual([]);
  });
});
