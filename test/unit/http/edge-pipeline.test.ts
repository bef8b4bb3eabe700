/** The edge is selected from the declarations: no route can lose a step its declaration asks for. */
import { describe, expect, it } from 'vitest';
import { type RouteDeclaration, routeKey, routes } from '../../../lib/definition';
import { audited, edgeMiddlewares } from '../../../shared/http/edge-pipeline';
import { defineOperation } from '../../../shared/http/operation';
import { fakeEdge } from '../../support/edge-fakes';
import { testRoute } from '../../support/edge-request';

const op = defineOperation({}, () => ({ status: 204 }));
const stepsOf = (own: readonly RouteDeclaration[], rateLimits = true) =>
  edgeMiddlewares({
    own: new Map(own.map((r) => [routeKey(r), r])),
    operations: new Map(own.map((r) => [r.id, op])),
    routeTable: own,
    deps: fakeEdge({ rateLimits }).deps,
  }).map((m) => m.name);

/** The steps a route's declaration asks for, beyond those every route gets. */
const required = (route: RouteDeclaration) => [
  ...(route.auth === 'user' ? ['api-key-precheck', 'authentication'] : []),
  ...(route.csrf ? ['csrf'] : []),
  ...(audited(route) ? ['audit'] : []),
];
const EVERY_ROUTE = [
  'request-context',
  'security-headers',
  'error-contract',
  'trusted-edge',
  'rate-limit',
  'route-resolution',
  'id-checks',
  'request-head',
  'body-parsing',
  'validation',
];

describe('edgeMiddlewares', () => {
  it('runs the steps in the documented order, cheapest refusal first', () => {
    const steps = stepsOf([
      testRoute({
        id: 'a.create',
        method: 'POST',
        path: '/api/a',
        auth: 'user',
        csrf: true,
        permission: 'contacts:write',
      }),
    ]);
    expect(steps).toEqual([
      'request-context',
      'security-headers',
      'error-contract',
      'trusted-edge',
      'api-key-precheck',
      'rate-limit',
      'route-resolution',
      'id-checks',
      'csrf',
      'request-head',
      'authentication',
      'body-parsing',
      'validation',
      'audit',
    ]);
  });
  it('leaves out what none of the function’s routes declares, and the rate limits when they are off', () => {
    expect(stepsOf([testRoute({ id: 'p.get', method: 'GET', path: '/api/p' })])).toEqual(EVERY_ROUTE);
    expect(stepsOf([testRoute({ id: 'p.get', method: 'GET', path: '/api/p' })], false)).not.toContain('rate-limit');
  });
  it.each([...new Set(routes.map((r) => r.function))])(
    'gives function %s every step each of its declared routes asks for',
    (fn) => {
      const own = routes.filter((r) => r.function === fn);
      const steps = stepsOf(own);
      for (const route of own) expect(steps).toEqual(expect.arrayContaining([...EVERY_ROUTE, ...required(route)]));
    },
  );
});
