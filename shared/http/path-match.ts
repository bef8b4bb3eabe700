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

interface CompiledRoute<T> {
  readonly route: T;
  /** The template's segments; `undefined` where a segment is a parameter (its name in `names`). */
  readonly literals: readonly (string | undefined)[];
  readonly names: readonly (string | undefined)[];
}

/** Per candidate list: its templates split once, grouped by segment count, most specific first. */
const compiled = new WeakMap<readonly object[], Map<number, CompiledRoute<unknown>[]>>();

function compile<T extends { path: string }>(candidates: readonly T[]): Map<number, CompiledRoute<T>[]> {
  const hit = compiled.get(candidates);
  if (hit) return hit as Map<number, CompiledRoute<T>[]>;
  const byLength = new Map<number, CompiledRoute<T>[]>();
  // A stable sort: among equally specific templates the declaration order decides, as before.
  const ordered = [...candidates].sort((a, b) => specificity(b.path) - specificity(a.path));
  for (const route of ordered) {
    const segments = route.path.split('/');
    const isParam = (w: string) => w.startsWith('{') && w.endsWith('}');
    const entry = {
      route,
      literals: segments.map((w) => (isParam(w) ? undefined : w)),
      names: segments.map((w) => (isParam(w) ? w.slice(1, -1) : undefined)),
    };
    byLength.set(segments.length, [...(byLength.get(segments.length) ?? []), entry]);
  }
  compiled.set(candidates, byLength as Map<number, CompiledRoute<unknown>[]>);
  return byLength;
}

function fits(c: CompiledRoute<unknown>, got: readonly string[]): boolean {
  for (let i = 0; i < got.length; i++) {
    const literal = c.literals[i];
    if (literal === undefined ? got[i] === '' : literal !== got[i]) return false;
  }
  return true;
}

/**
 * Picks the route for a request among `candidates`: the most specific template that
 * matches the path, then the method. `allowed` lists the methods of a path that matched
 * when none of them is the request's method (a 405). The templates are split once per
 * candidate list (kept while the list lives), not on every request.
 */
export function resolveRoute<T extends { method: string; path: string }>(
  candidates: readonly T[],
  method: string,
  path: string,
): { route: T; params: Record<string, string> } | { route: undefined; allowed: string[] } {
  const got = path.split('/');
  const matching = (compile(candidates).get(got.length) ?? []).filter((c) => fits(c, got));
  const exact = matching.find((c) => c.route.method === method);
  if (exact) {
    const params: Record<string, string> = {};
    exact.names.forEach((name, i) => {
      if (name !== undefined) params[name] = safeDecode(got[i] as string);
    });
    return { route: exact.route, params };
  }
  return { route: undefined, allowed: [...new Set(matching.map((c) => c.route.method))] };
}
