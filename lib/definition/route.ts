/**
 * The one notation for routes: `route(function, id, method, path, summary, options)`, with the
 * house defaults: signed-in callers, CSRF on every state-changing method, and the
 * `authenticated` rate tier (`public` for public routes). The id and the function name keep
 * their literal types, so the route table is also the type of every route id (types.ts).
 */
import type { HttpFunctionName, HttpMethod, RateTier, RouteDeclaration } from './types';

export type RouteOptions = Partial<
  Pick<
    RouteDeclaration,
    | 'auth'
    | 'csrf'
    | 'rateTier'
    | 'permission'
    | 'anyMember'
    | 'maxBodyBytes'
    | 'bodyTypes'
    | 'handsOutAccess'
    | 'sessionOnly'
    | 'sendsMail'
  >
>;

export function route<Fn extends HttpFunctionName, Id extends string>(
  fn: Fn,
  id: Id,
  method: HttpMethod,
  path: string,
  summary: string,
  o: RouteOptions = {},
): RouteDeclaration<Id, Fn> {
  // One rule of access per route: a permission at the edge, or membership with the use case deciding.
  if (o.permission && o.anyMember) throw new Error(`Route ${id} declares both a permission and anyMember`);
  const rateTier: RateTier = o.rateTier ?? (o.auth === 'public' ? 'public' : 'authenticated');
  return {
    id,
    method,
    path,
    function: fn,
    auth: o.auth ?? 'user',
    csrf: o.csrf ?? (method !== 'GET' && method !== 'HEAD'),
    rateTier,
    summary,
    ...(o.permission ? { permission: o.permission } : {}),
    ...(o.anyMember ? { anyMember: true as const } : {}),
    ...(o.maxBodyBytes ? { maxBodyBytes: o.maxBodyBytes } : {}),
    ...(o.bodyTypes ? { bodyTypes: o.bodyTypes } : {}),
    ...(o.handsOutAccess ? { handsOutAccess: true as const } : {}),
    ...(o.sessionOnly ? { sessionOnly: true as const } : {}),
    ...(o.sendsMail ? { sendsMail: true as const } : {}),
  };
}
