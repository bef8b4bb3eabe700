/**
 * Route ids, function names and permissions are literal types derived from the declarations.
 * Each `@ts-expect-error` below is a check of `tsc` (npm run typecheck): if the line ever
 * compiled, the directive itself would fail the typecheck. At run time the same mistakes
 * still stop the cold start, which the assertions show.
 */
import { describe, expect, it } from 'vitest';
import { type RouteId, type RouteIdOf, routes } from '../../../lib/definition';
import { route } from '../../../lib/definition/route';
import { httpFunction, type OperationsOf } from '../../../shared/http/http-function';
import { defineOperation } from '../../../shared/http/operation';
import { fakeEdge } from '../../support/edge-fakes';

const op = defineOperation({}, () => ({ status: 204 }));
const { deps } = fakeEdge();
const system: OperationsOf<'system'> = { 'health.get': op, 'health.head': op, 'csrf.token': op, 'status.page': op };

describe('typed declarations', () => {
  it('compile when every route of the function has its operation', () => {
    expect(typeof httpFunction('system', routes, system, deps)).toBe('function');
  });
  it('refuse a misspelled route id at compile time (and at cold start)', () => {
    // @ts-expect-error 'contacts.craete' is not a route of the contacts function
    expect(() => httpFunction('contacts', routes, { 'contacts.craete': op }, deps)).toThrow('contacts.create');
    // @ts-expect-error an extra, undeclared id next to the declared ones
    expect(() => httpFunction('system', routes, { ...system, 'helth.get': op }, deps)).not.toThrow();
  });
  it('refuse a missing route at compile time (and at cold start)', () => {
    const { 'csrf.token': _missing, ...incomplete } = system;
    // @ts-expect-error csrf.token has no operation
    expect(() => httpFunction('system', routes, incomplete, deps)).toThrow('csrf.token');
  });
  it('refuse an unknown function, a route of another function and an unknown permission', () => {
    // @ts-expect-error there is no function named 'contact'
    expect(() => httpFunction('contact', routes, system, deps)).toThrow('none of its routes');
    // @ts-expect-error 'contacts.create' belongs to contacts, not system
    const misplaced: RouteIdOf<'system'> = 'contacts.create';
    // @ts-expect-error no route has this id
    const unknown: RouteId = 'contacts.craete';
    // @ts-expect-error permissions are `resource:action` from the catalog
    const declared = route('contacts', 'contacts.peek', 'GET', '/api/peek', 'test', { permission: 'contacts:peek' });
    // @ts-expect-error routes belong to HTTP functions only
    route('drip-step-worker', 'drip.run', 'POST', '/api/drip', 'test');
    expect(routes.filter((r) => r.function === 'system').map((r) => r.id)).not.toContain(misplaced);
    expect(routes.map((r) => r.id)).not.toContain(unknown);
    expect(declared.permission).toBe('contacts:peek');
  });
});
