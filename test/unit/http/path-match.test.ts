import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { routes as declared } from '../../../lib/definition';
import { matchPath, resolveRoute, specificity } from '../../../shared/http/path-match';

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

describe('resolveRoute over the declared routes', () => {
  /** The plain definition: every template matched against the path, most specific first, then the method. */
  const reference = (method: string, path: string) => {
    const matching = declared
      .map((route) => ({ route, params: matchPath(route.path, path) }))
      .filter((m) => m.params !== undefined)
      .sort((a, b) => specificity(b.route.path) - specificity(a.route.path));
    const exact = matching.find((m) => m.route.method === method);
    if (exact) return { route: exact.route, params: exact.params };
    return { route: undefined, allowed: [...new Set(matching.map((m) => m.route.method))] };
  };
  const segment = fc.oneof(
    fc.constantFrom('', 'list', 'me', 'publish', 'a%20b', '%E0%A4%A', 'x'),
    fc.stringMatching(/^[a-z0-9-]{1,8}$/),
  );
  const methods = fc.constantFrom('GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'HEAD', 'OPTIONS');
  /** A declared template with its parameters filled (or one segment changed), or a path of random segments. */
  const paths = fc.oneof(
    fc
      .tuple(
        fc.constantFrom(...declared.map((r) => r.path)),
        fc.array(segment, { minLength: 8, maxLength: 8 }),
        fc.nat(9),
      )
      .map(([template, values, change]) =>
        template
          .split('/')
          .map((w, i) => (w.startsWith('{') || i === change ? (values[i % 8] as string) : w))
          .join('/'),
      ),
    fc.array(segment, { maxLength: 7 }).map((s) => `/api/${s.join('/')}`),
  );

  it('answers as the plain definition does, for generated paths and methods', () => {
    fc.assert(
      fc.property(methods, paths, (method, path) => {
        expect(resolveRoute(declared, method, path)).toEqual(reference(method, path));
      }),
      { numRuns: 3000 },
    );
  });
});
