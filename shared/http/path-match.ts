/**
 * Matching of API Gateway path templates (`/api/contacts/{id}`) against request paths,
 * shared by the local HTTP host and the 404/405 fallback so both agree with the cloud.
 */

/** The path parameters when `path` fits `template`, otherwise `undefined`. */
export function matchPath(template: string, path: string): Record<string, string> | undefined {
  const want = template.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as string;
    const g = got[i] as string;
    if (w.startsWith('{') && w.endsWith('}')) {
      if (g === '') return undefined;
      params[w.slice(1, -1)] = safeDecode(g);
    } else if (w !== g) {
      return undefined;
    }
  }
  return params;
}

/** How specific a template is: literal segments win over parameters, as in API Gateway. */
export function specificity(template: string): number {
  return template.split('/').filter((s) => s !== '' && !s.startsWith('{')).length;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * Picks the route for a request among `candidates`: the most specific template that
 * matches the path, then the method. `allowed` lists the methods of a path that matched
 * when none of them is the request's method (a 405).
 */
export function resolveRoute<T extends { method: string; path: string }>(
  candidates: readonly T[],
  method: string,
  path: string,
): { route: T; params: Record<string, string> } | { route: undefined; allowed: string[] } {
  const matching = candidates
    .map((route) => ({ route, params: matchPath(route.path, path) }))
    .filter((m): m is { route: T; params: Record<string, string> } => m.params !== undefined)
    .sort((a, b) => specificity(b.route.path) - specificity(a.route.path));
  const exact = matching.find((m) => m.route.method === method);
  if (exact) return exact;
  return { route: undefined, allowed: [...new Set(matching.map((m) => m.route.method))] };
}
