/**
 * Builds a route declaration with the house defaults: signed-in callers, CSRF on every
 * state-changing method, and the `authenticated` rate tier (`public` for public routes).
 */
import type { FunctionName, HttpMethod, RateTier, RouteDeclaration } from './types';

export type RouteOptions = Partial<
  Pick<RouteDeclaration, 'auth' | 'csrf' | 'rateTier' | 'permission' | 'maxBodyBytes'>
>;

export function route(
  fn: FunctionName,
  id: string,
  method: HttpMethod,
  path: string,
  summary: string,
  o: RouteOptions = {},
): RouteDeclaration {
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
    ...(o.maxBodyBytes ? { maxBodyBytes: o.maxBodyBytes } : {}),
  };
}
