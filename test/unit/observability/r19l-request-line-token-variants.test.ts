/**
 * Review round 19 re-review (r19l): the local access log still prints a live path token when the
 * path is one slash off its route.
 *
 * Defect: commit 8dde982 says "no token of a request path is logged": requestLogLine
 * (lib/local/request-target.ts) redacts a segment only when the whole path fits a declared template
 * segment for segment (shared/observability/request-line.ts redactPathSegments: same segment count,
 * equal literals). A request for the unsubscribe link or the campaign hook with a trailing slash
 * (`/u/<token>/`, `/api/hooks/campaigns/<id>/<token>/`: a mail client or link rewriter appending
 * `/`, a Zapier user pasting the hook URL with one) or an empty segment in front of the token fits
 * no template, is answered 404, and its access line (`npm start` logs every request; the fallback's
 * 404 line included) carries the token in clear. The token is the credential itself (the hook's only
 * credential; the unsubscribe token opts the contact out): whoever reads the log can use it on the
 * right path.
 *
 * Severity: LOW (local access log; the cloud log dropped `$context.path`), but it breaks the
 * commit's stated guarantee for the credentials it was written for.
 *
 * Root cause: shared/observability/request-line.ts redactPathSegments (exact segment-count match only).
 *
 * Correct behaviour: a segment in a secret position is redacted whenever the path starts with the
 * template's literal prefix (ignore trailing / repeated slashes, or redact every segment after a
 * secret route's literal prefix), e.g. `GET /u/[REDACTED]/`.
 */
import { describe, expect, it } from 'vitest';
import { requestLogLine } from '../../../lib/local/request-target';

const TOKEN = 'uNsUb-Zq3kW9vN2xR7pL5mT8yB4cD6fG1hJ0aS';
const HOOK = 'WQkt6oG6EKfdQQcTuMFd8WhOHaLQGExAKVXzphMZJRQ';

describe('r19l: a path token one slash off its route is still logged', () => {
  it.each([
    ['the unsubscribe link with a trailing slash', 'GET', `/u/${TOKEN}/`, TOKEN],
    ['the one-click unsubscribe POST with a trailing slash', 'POST', `/u/${TOKEN}/`, TOKEN],
    ['the campaign hook with a trailing slash', 'POST', `/api/hooks/campaigns/cmp-1/${HOOK}/`, HOOK],
    ['the campaign hook with a doubled slash before the token', 'POST', `/api/hooks/campaigns/cmp-1//${HOOK}`, HOOK],
  ])('%s', (_, method, target, secret) => {
    const line = requestLogLine(method, target);
    expect(line, `the access line is ${line}`).not.toContain(secret);
  });
});
