/**
 * A request's target made safe to log (access logs, error logs, Sentry's `request.url`). A path
 * can carry a credential: the campaign hook `/api/hooks/campaigns/{id}/{token}` (its only
 * credential, stored hashed) and the unsubscribe and tracking links `/u/{token}`, `/t/c/{token}`.
 * Which segments are secret comes from the route's declaration: a path parameter whose name is
 * a sensitive key ({@link isSensitiveKey}: `{token}`, `{secret}`...) is replaced by `[REDACTED]`.
 * The query string goes through {@link redactQueryString}; a URL's user info and fragment are
 * dropped; what is left through {@link redactString} (emails, keys).
 */
import { isSensitiveKey, REDACTED, redactQueryString, redactString } from './redact';

/**
 * `path` with the secret segments of every template it fits replaced by `[REDACTED]`: the
 * segments where the template has a parameter whose name is a sensitive key (`{token}`). A
 * template fits when it has as many segments and its literal segments are equal (a parameter
 * matches any non-empty segment), as API Gateway matches; every fitting template counts, whatever
 * the method (a `PUT /u/{token}` answered 405 still carries the token).
 */
export function redactPathSegments(path: string, templates: readonly string[]): string {
  const got = path.split('/');
  for (const template of templates) {
    const want = template.split('/');
    if (want.length !== got.length || !want.every((w, i) => (w[0] === '{' ? got[i] !== '' : w === got[i]))) continue;
    want.forEach((w, i) => {
      if (w[0] === '{' && isSensitiveKey(w.slice(1, -1))) got[i] = REDACTED;
    });
  }
  return got.join('/');
}

/** Whether a route template (`/u/{token}`) has a secret parameter: it then redacts itself. */
export const hasSecretSegment = (template: string): boolean => redactPathSegments(template, [template]) !== template;

/** The origin origin-form targets are parsed against: never printed. */
const ORIGIN_FORM_BASE = 'http://origin-form.invalid';

/**
 * `target` (an origin-form request target `/path?query` or an absolute URL) safe to log:
 * - the secret segments of the routes in `templates` become `[REDACTED]` ({@link redactPathSegments});
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
