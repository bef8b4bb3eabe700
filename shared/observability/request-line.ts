/**
 * A request's target made safe to log (access logs, error logs, Sentry's `request.url`). A path
 * can carry a credential: the campaign hook `/api/hooks/campaigns/{id}/{token}` (its only
 * credential, stored hashed) and the unsubscribe and tracking links `/u/{token}`, `/t/c/{token}`.
 * Which segments are secret comes from the route's declaration: a path parameter whose name is
 * a sensitive key ({@link isSensitiveKey}: `{token}`, `{secret}`...) and every segment after it
 * are replaced by `[REDACTED]`, in any path that starts like the route.
 * The query string goes through {@link redactQueryString}; a URL's user info and fragment are
 * dropped; what is left through {@link redactString} (emails, keys).
 */
import { isSensitiveKey, REDACTED, redactQueryString, redactString } from './redact';

/** A path's separators: `/` and an encoded `%2F`, which a router or proxy may decode into one. */
const SEPARATOR = /(\/|%2f)/i;

/** The name of a template segment that is a parameter (`{token}` → `token`), else `undefined`. */
const paramName = (segment: string): string | undefined =>
  segment.startsWith('{') && segment.endsWith('}') ? segment.slice(1, -1) : undefined;

/** A literal segment as compared with a template's: percent-decoded, lower-cased. */
function literal(segment: string): string {
  try {
    return decodeURIComponent(segment).toLowerCase();
  } catch {
    return segment.toLowerCase();
  }
}

/**
 * `path` with every segment from a secret position on replaced by `[REDACTED]`. A template with a
 * parameter whose name is a sensitive key ({@link isSensitiveKey}: `{token}`) has a secret
 * position: that parameter's. A path fits the template's prefix when its segments before that
 * position equal the template's literals (a parameter matches any segment), and then every
 * segment from there on is redacted, whatever follows: a trailing slash, an extra segment or an
 * answer 404 (`/u/<token>/`) still carry the token. Compared more loosely than a router would, so
 * a near miss redacts too: empty segments are skipped (`/u//<token>`, `//u/<token>`), `%2F`
 * separates as `/` does, and literals are compared percent-decoded and case-insensitively
 * (`/%75/<token>`, `/U/<token>`). Every template counts, whatever the method (a `PUT /u/{token}`
 * answered 405 still carries the token). Linear in the length of the path per template.
 */
export function redactPathSegments(path: string, templates: readonly string[]): string {
  // Segments at even indexes, the separators between them at odd ones.
  const parts = path.split(SEPARATOR);
  let from = parts.length;
  for (const template of templates) from = Math.min(from, secretFrom(template, parts));
  for (let i = from; i < parts.length; i += 2) if (parts[i] !== '') parts[i] = REDACTED;
  return parts.join('');
}

/** Where in `parts` (split by {@link SEPARATOR}) the secret position of `template` is, or `parts.length`. */
function secretFrom(template: string, parts: readonly string[]): number {
  const want = template.split('/').filter((segment) => segment !== '');
  const secret = want.findIndex((segment) => {
    const name = paramName(segment);
    return name !== undefined && isSensitiveKey(name);
  });
  if (secret === -1) return parts.length;
  let matched = 0;
  for (let i = 0; i < parts.length; i += 2) {
    const got = parts[i] as string;
    if (got === '') continue;
    if (matched === secret) return i;
    const w = want[matched] as string;
    if (paramName(w) === undefined && literal(got) !== w.toLowerCase()) return parts.length;
    matched += 1;
  }
  return parts.length;
}

/** Whether a route template (`/u/{token}`) has a secret parameter: it then redacts itself. */
export const hasSecretSegment = (template: string): boolean =>
  template.split('/').some((segment) => {
    const name = paramName(segment);
    return name !== undefined && isSensitiveKey(name);
  });

/** The origin origin-form targets are parsed against: never printed. */
const ORIGIN_FORM_BASE = 'http://origin-form.invalid';

/**
 * `target` (an origin-form request target `/path?query` or an absolute URL) safe to log:
 * - the segments from the secret position of a route in `templates` on become `[REDACTED]` ({@link redactPathSegments});
 * - the query string goes through {@link redactQueryString} (`token=`, `code=`, `key=`...);
 * - an absolute URL keeps its origin without user info; the fragment (never sent by a browser) goes;
 * - the rest goes through {@link redactString};
 * - a target that does not parse is not printed (`[unparseable target]`).
 */
export function loggableTarget(target: string, templates: readonly string[]): string {
  const originForm = target.startsWith('/');
  let url: URL;
  try {
    url = new URL(originForm ? `${ORIGIN_FORM_BASE}${target}` : target);
  } catch {
    return '[unparseable target]';
  }
  const path = redactString(redactPathSegments(url.pathname, templates));
  const query = url.search === '' ? '' : `?${redactQueryString(url.search.slice(1))}`;
  const origin = originForm ? '' : url.origin;
  return `${origin}${path}${query}`;
}

/** `METHOD target` for an access or error log line, the target through {@link loggableTarget}. */
export function loggableRequestLine(method: string, target: string, templates: readonly string[]): string {
  return `${method} ${loggableTarget(target, templates)}`;
}
