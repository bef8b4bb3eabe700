/**
 * The requests the fuzzer sends, as plain data: a declared route aimed at with one hostile
 * change (or none), or free-form input around the routes; always with one credential
 * mode, from a valid session or API key to a forged key. Secrets of the run (the session,
 * the key) appear as their mode, not their value, so a counterexample reads the same on
 * every run and is filled in when sent.
 */
import fc from 'fast-check';
import { type RouteDeclaration, routes } from '../../lib/definition';
import type { FuzzTargets } from './fuzz-targets';
import {
  attackerCsrf,
  crlfEmail,
  crlfText,
  extremeNumber,
  forgedKey,
  forgedSessionToken,
  hostileHost,
  hostileId,
  malformedAuthorization,
  PAYLOADS,
  segment,
} from './generators';
import { type BodySpec, getAt, type Json, leaves, type Path, ROUTE_BODIES, setAt } from './route-bodies';

export type Credential =
  | { readonly mode: 'session' }
  | { readonly mode: 'session-no-csrf' }
  | { readonly mode: 'session-attacker-csrf'; readonly csrf: string }
  | { readonly mode: 'session-foreign-origin' }
  | { readonly mode: 'api-key' }
  | { readonly mode: 'forged-key'; readonly key: string; readonly csrf?: string }
  | { readonly mode: 'malformed-authorization'; readonly authorization: string; readonly csrf?: string }
  | { readonly mode: 'forged-session'; readonly session: string; readonly csrf: string }
  | { readonly mode: 'anonymous'; readonly csrf?: string };

export interface FuzzRequest {
  /** `route`: aimed at a declared route; `free`: anything around them. */
  readonly kind: 'route' | 'free';
  /** The declared route aimed at (kind `route`). */
  readonly routeId?: string;
  /** What was made hostile, for the statistics and the reader. */
  readonly hostile: string;
  readonly method: string;
  /** Path and query, encoded. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[]>>;
  /** Raw body text (may hold number literals no JS number can hold). `{{unique}}` is filled in when sent. */
  readonly body?: string;
  readonly credential: Credential;
}

/**
 * Whether a request with this credential carries no valid CSRF token and no verified key, so
 * a state change must be refused by CSRF: no token at all, a token for another session (an
 * attacker-chosen pair next to a real or forged session), a foreign Origin. A cookie-less
 * request with a matching double-submit pair passes CSRF by design (sign-up, log-in).
 */
export function lacksValidCsrf(c: Credential): boolean {
  switch (c.mode) {
    case 'session':
    case 'api-key':
      return false;
    case 'session-no-csrf':
    case 'session-attacker-csrf':
    case 'session-foreign-origin':
      return true;
    case 'forged-session':
      return c.session !== '';
    default:
      return c.csrf === undefined;
  }
}

/** An attacker's double-submit pair on half the requests that may carry one. */
const maybeCsrf = fc.option(attackerCsrf, { freq: 2, nil: undefined });

const credential: fc.Arbitrary<Credential> = fc.oneof(
  { weight: 5, arbitrary: fc.constant({ mode: 'session' as const }) },
  { weight: 4, arbitrary: fc.constant({ mode: 'api-key' as const }) },
  { weight: 1, arbitrary: fc.constant({ mode: 'session-no-csrf' as const }) },
  { weight: 1, arbitrary: attackerCsrf.map((csrf) => ({ mode: 'session-attacker-csrf' as const, csrf })) },
  { weight: 1, arbitrary: fc.constant({ mode: 'session-foreign-origin' as const }) },
  {
    weight: 2,
    arbitrary: fc
      .record({ key: forgedKey, csrf: maybeCsrf })
      .map(({ key, csrf }) => ({ mode: 'forged-key' as const, key, ...(csrf ? { csrf } : {}) })),
  },
  {
    weight: 1,
    arbitrary: fc.record({ authorization: malformedAuthorization, csrf: maybeCsrf }).map(({ authorization, csrf }) => ({
      mode: 'malformed-authorization' as const,
      authorization,
      ...(csrf ? { csrf } : {}),
    })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ session: forgedSessionToken, csrf: attackerCsrf })
      .map((c) => ({ mode: 'forged-session' as const, ...c })),
  },
  {
    weight: 1,
    arbitrary: maybeCsrf.map((csrf) => ({ mode: 'anonymous' as const, ...(csrf ? { csrf } : {}) })),
  },
);

/** Safe to put in a URL whatever it holds (lone surrogates included). */
export function encodeSegment(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return encodeURIComponent(value.replace(/[\ud800-\udfff]/g, '\ufffd'));
  }
}

/** A value Node will put in a header: raw UTF-8 bytes as Latin-1, line breaks and NUL replaced. */
export const headerSafe = (value: string): string =>
  Buffer.from(value, 'utf8')
    .toString('latin1')
    .replace(/[\r\n\0]/g, '?');

const QUERY_KEYS = ['limit', 'cursor', 'minScore', 'maxScore', 'status', 'tag', 'q', 'tier', 'from', 'to', 'deep'];
const queryPairs = fc.array(
  fc.tuple(
    fc.oneof(fc.constantFrom(...QUERY_KEYS), segment),
    fc.oneof(extremeNumber, hostileId, segment, fc.constantFrom(...PAYLOADS)),
  ),
  { maxLength: 3 },
);
const queryString = (pairs: ReadonlyArray<readonly [string, string]>) =>
  pairs.map(([k, v]) => `${encodeSegment(k)}=${encodeSegment(v)}`).join('&');

/** Where the workspace is named: nowhere (the default), the header or the query; own or hostile. */
const workspaceSelector = (own: string) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant({ hostile: '', header: undefined, query: undefined }) },
    { weight: 4, arbitrary: fc.constant({ hostile: '', header: own, query: undefined }) },
    { weight: 1, arbitrary: hostileId.map((id) => ({ hostile: 'x-workspace-id', header: id, query: undefined })) },
    { weight: 1, arbitrary: hostileId.map((id) => ({ hostile: '?workspaceId', header: undefined, query: id })) },
    { weight: 1, arbitrary: fc.constant({ hostile: '', header: undefined, query: own }) },
  );

const RAW = '\u0001N';
/** A JSON string value that serialises as the bare number literal `text`. */
const rawNumber = (text: string): Json => `${RAW}${text}`;
/** JSON text of `value`, with every {@link rawNumber} written as its literal. */
export const toJsonText = (value: Json): string =>
  JSON.stringify(value).replace(/"\\u0001N([-+.eE0-9]+)"/g, (_m, literal: string) => literal);

/** A document with an extreme number somewhere inside (for free-form records). */
const nestedExtreme = extremeNumber.chain((n) =>
  fc.constantFrom<Json>(rawNumber(n), [rawNumber(n)], { deep: { er: [1, rawNumber(n)] } }, [[[rawNumber(n)]]]),
);

function bodyArbitrary(spec: BodySpec, sample: Json | undefined): fc.Arbitrary<{ hostile: string; body?: string }> {
  const junk = fc.oneof(
    fc.json({ maxDepth: 4 }),
    fc.constantFrom('{', '{"a":', '[', 'null', '"\\ud800"', `${'['.repeat(100)}${']'.repeat(100)}`),
    fc.string({ maxLength: 200 }),
  );
  const junkBody = junk.map((body) => ({ hostile: 'junk body', body }));
  if (spec.contentType === 'text/csv') return csvBody;
  if (sample === undefined) {
    return fc.oneof(
      { weight: 6, arbitrary: fc.constant({ hostile: '' }) },
      { weight: 1, arbitrary: fc.constant({ hostile: '', body: '{}' }) },
      { weight: 1, arbitrary: junkBody },
    );
  }
  const all = leaves(sample);
  const numeric = [...all.filter((l) => typeof l.value === 'number').map((l) => l.path), ...(spec.numbers ?? [])];
  const at = (paths: readonly Path[], value: fc.Arbitrary<Json>, label: string) =>
    fc
      .tuple(fc.constantFrom(...paths), value)
      .map(([path, v]) => ({ hostile: `${label} at ${path.join('.')}`, body: toJsonText(setAt(sample, path, v)) }));
  const options: Array<fc.WeightedArbitrary<{ hostile: string; body?: string }>> = [
    { weight: 3, arbitrary: fc.constant({ hostile: '', body: toJsonText(sample) }) },
    { weight: 1, arbitrary: junkBody },
  ];
  // A sample without leaves (`{}`: a route that takes an empty body) has nowhere to put a value.
  if (all.length > 0) {
    options.push({
      weight: 3,
      arbitrary: at(
        all.map((l) => l.path),
        extremeNumber.map(rawNumber),
        'extreme number',
      ),
    });
  }
  if (numeric.length > 0) {
    options.push({ weight: 4, arbitrary: at(numeric, extremeNumber.map(rawNumber), 'extreme number') });
  }
  if (spec.freeForm?.length) {
    const keyed = fc
      .tuple(fc.constantFrom(...spec.freeForm), fc.constantFrom('n', 'big', 'tiny'), nestedExtreme)
      .map(([path, key, v]) => ({
        hostile: `extreme number in ${path.join('.')}.${key}`,
        body: toJsonText(setAt(sample, [...path, key], v)),
      }));
    options.push({ weight: 4, arbitrary: keyed });
    options.push({
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...spec.freeForm), hostileId)
        .filter(([path]) => typeof getAt(sample, path) === 'object')
        .map(([path, key]) => ({
          hostile: `${key.length}-character key in ${path.join('.')}`,
          body: toJsonText(setAt(sample, [...path, key], 1)),
        })),
    });
  }
  if (spec.ids?.length) options.push({ weight: 2, arbitrary: at(spec.ids, hostileId, 'hostile id') });
  if (spec.mailed?.length) {
    const mailed = spec.mailed;
    options.push({
      weight: 3,
      arbitrary: fc.tuple(fc.constantFrom(...mailed), crlfText, crlfEmail).map(([path, text, email]) => ({
        hostile: `CR/LF at ${path.join('.')}`,
        body: toJsonText(setAt(sample, path, path.at(-1) === 'email' ? email : text)),
      })),
    });
  }
  return fc.oneof(...options);
}

/** CSV import bodies: extreme numbers in cells, over-long custom columns, CR/LF in quoted cells. */
const csvBody = fc
  .record({
    number: fc.oneof(extremeNumber, fc.constant('3')),
    column: fc.oneof(
      fc.constant('custom.seats'),
      hostileId.map((id) => `custom.${id}`),
    ),
    text: fc.oneof(
      fc.constant('Ada'),
      crlfText.map((t) => `"${t.replace(/"/g, '""')}"`),
    ),
  })
  .map(({ number, column, text }) => ({
    hostile: `csv ${number} in ${column.slice(0, 20)}`,
    body: `email,firstName,${column}\ncsv-{{unique}}@example.com,${text},${number}\n`,
  }));

const OTHER_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

function routeRequest(targets: FuzzTargets, route: RouteDeclaration): fc.Arbitrary<FuzzRequest> {
  const spec = ROUTE_BODIES[route.id] ?? {};
  const sample = spec.sample?.(targets.known);
  const names = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
  const paramValue = (name: string) => {
    const real = targets.params(route, name);
    const hostile = fc.oneof({ weight: 3, arbitrary: hostileId }, { weight: 1, arbitrary: segment });
    return real.length > 0 ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...real) }, hostile) : hostile;
  };
  return fc
    .record({
      params: fc.tuple(...names.map(paramValue)),
      method: fc.oneof({ weight: 9, arbitrary: fc.constant(route.method) }, fc.constantFrom(...OTHER_METHODS)),
      workspace: workspaceSelector(targets.owner.workspaceId),
      query: queryPairs,
      body: bodyArbitrary(spec, sample),
      credential,
      // fast-check's `freq` is the odds of nil: a hostile Host on one request in eight.
      host: fc.oneof({ weight: 7, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: hostileHost }),
    })
    .map(({ params, method, workspace, query, body, credential, host }) => {
      let path = route.path;
      names.forEach((name, i) => {
        path = path.replace(`{${name}}`, encodeSegment(params[i] as string));
      });
      const pairs: Array<readonly [string, string]> = [...query];
      if (workspace.query !== undefined) pairs.push(['workspaceId', workspace.query]);
      const search = queryString(pairs);
      const headers: Record<string, string> = {
        'content-type': spec.contentType ?? 'application/json',
        ...(workspace.header !== undefined ? { 'x-workspace-id': headerSafe(workspace.header) } : {}),
        // A foreign Origin must be refused on its own merits, not because Host was hostile too.
        ...(host !== undefined && credential.mode !== 'session-foreign-origin' ? { host } : {}),
      };
      const hostileParams = names.filter((n, i) => !targets.params(route, n).includes(params[i] as string));
      const hostile = [
        ...hostileParams.map((n) => `{${n}}`),
        workspace.hostile,
        body.hostile,
        host && headers.host ? `Host ${host}` : '',
        method === route.method ? '' : `method ${method}`,
      ].filter(Boolean);
      return {
        kind: 'route' as const,
        routeId: route.id,
        hostile: hostile.join(', ') || 'none',
        method,
        url: `${path}${search ? `?${search}` : ''}`,
        headers,
        ...(body.body !== undefined && method !== 'GET' && method !== 'HEAD' ? { body: body.body } : {}),
        credential,
      };
    });
}

/** The shapes of the first fuzz suite: any method, path, query, body and headers around the routes. */
function freeRequest(): fc.Arbitrary<FuzzRequest> {
  const path = fc.oneof(
    fc
      .tuple(fc.constantFrom(...routes.map((r) => r.path)), segment)
      .map(([p, v]) => p.replace(/\{[^}]+\}/g, encodeSegment(v))),
    fc.array(segment, { maxLength: 5 }).map((parts) => `/api/${parts.map(encodeSegment).join('/')}`),
  );
  const headers = fc.record(
    {
      'content-type': fc.constantFrom('application/json', 'text/plain', 'application/xml', 'multipart/form-data', ''),
      origin: fc.constantFrom('http://evil.example', 'null', 'http://127.0.0.1'),
      'x-csrf-token': fc.constantFrom('x', 'a'.repeat(64)),
      'x-duplicated': fc.constant<string[]>(['1', '2']),
    },
    { requiredKeys: [] },
  );
  const body = fc.oneof(
    fc.constant(undefined),
    fc.json({ maxDepth: 4 }),
    fc.constantFrom('{', '{"a":', '[', 'null', '"\\ud800"', `${'['.repeat(100)}${']'.repeat(100)}`),
    fc.string({ maxLength: 200 }),
    fc.object().map((o) => JSON.stringify(o)),
  );
  return fc
    .record({ method: fc.constantFrom(...OTHER_METHODS), path, query: queryPairs, body, headers, credential })
    .map(({ method, path, query, body, headers, credential }) => {
      const search = queryString(query);
      return {
        kind: 'free' as const,
        hostile: 'free-form',
        method,
        url: `${path}${search ? `?${search}` : ''}`,
        headers,
        ...(body !== undefined && method !== 'GET' && method !== 'HEAD' ? { body } : {}),
        credential,
      };
    });
}

/** Any request of the suite: mostly aimed at a declared route, some free-form. */
export function fuzzRequest(targets: FuzzTargets): fc.Arbitrary<FuzzRequest> {
  // Routes whose text reaches mail, or that keep free-form documents, twice as often: that is
  // where header injection and unstorable numbers live.
  const weightOf = (route: RouteDeclaration) =>
    ROUTE_BODIES[route.id]?.mailed || ROUTE_BODIES[route.id]?.freeForm ? 8 : 4;
  const aimed = routes.map((route) => ({ weight: weightOf(route), arbitrary: routeRequest(targets, route) }));
  const total = aimed.reduce((sum, a) => sum + a.weight, 0);
  return fc.oneof(...aimed, { weight: Math.round(total / 4), arbitrary: freeRequest() });
}
