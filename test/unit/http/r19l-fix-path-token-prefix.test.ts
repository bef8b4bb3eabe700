// Review round 19: this test failed at e88bb96.
// A path that starts like a route with a secret parameter but has a trailing slash, an empty or
// extra segment, another case or a percent-encoded literal (a 404) logged the token in clear.
import { describe, expect, it } from 'vitest';
import { requestLogLine } from '../../../lib/local/request-target';
import { hasSecretSegment, redactPathSegments } from '../../../shared/observability/request-line';

const TOKEN = 'uNsUb-Zq3kW9vN2xR7pL5mT8yB4cD6fG1hJ0aS';
const TEMPLATES = ['/u/{token}', '/t/c/{token}', '/api/hooks/campaigns/{id}/{token}'];

describe('r19l: every segment from a secret parameter on is redacted', () => {
  it.each([
    [`/u/${TOKEN}/`, '/u/[REDACTED]/'],
    [`/u//${TOKEN}`, '/u//[REDACTED]'],
    [`//u/${TOKEN}`, '//u/[REDACTED]'],
    [`/u/${TOKEN}/extra/more`, '/u/[REDACTED]/[REDACTED]/[REDACTED]'],
    [`/U/${TOKEN}`, '/U/[REDACTED]'],
    [`/%75/${TOKEN}`, '/%75/[REDACTED]'],
    [`/u%2F${TOKEN}`, '/u%2F[REDACTED]'],
    [`/u%2f${TOKEN}/`, '/u%2f[REDACTED]/'],
    [`/t/c/${TOKEN}//`, '/t/c/[REDACTED]//'],
    [`/api/hooks/campaigns/cmp-1/${TOKEN}/`, '/api/hooks/campaigns/cmp-1/[REDACTED]/'],
    [`/api/hooks/campaigns/cmp-1//${TOKEN}`, '/api/hooks/campaigns/cmp-1//[REDACTED]'],
    [`/api//hooks/campaigns/cmp-1/${TOKEN}`, '/api//hooks/campaigns/cmp-1/[REDACTED]'],
    [`/api/hooks/campaigns/cmp-1/${TOKEN}/x`, '/api/hooks/campaigns/cmp-1/[REDACTED]/[REDACTED]'],
    [`/API/Hooks/Campaigns/cmp-1/${TOKEN}`, '/API/Hooks/Campaigns/cmp-1/[REDACTED]'],
    // As before: the exact routes.
    [`/u/${TOKEN}`, '/u/[REDACTED]'],
    [`/api/hooks/campaigns/cmp-1/${TOKEN}`, '/api/hooks/campaigns/cmp-1/[REDACTED]'],
  ])('%s becomes %s', (path, expected) => {
    expect(redactPathSegments(path, TEMPLATES)).toBe(expected);
  });

  it.each([
    '/u',
    '/u/',
    '/api/hooks/campaigns/cmp-1',
    '/api/hooks/campaigns/cmp-1/',
    '/api/contacts/c_1/',
    '/users/x',
    '/t/o/x',
    '/api/hooks/other/cmp-1/x',
  ])('%s has no secret position and stays', (path) => {
    expect(redactPathSegments(path, TEMPLATES)).toBe(path);
  });

  it('the local access line drops the token of a path one slash off its route', () => {
    expect(requestLogLine('GET', `/u/${TOKEN}/?x=1`)).toBe('GET /u/[REDACTED]/?x=1');
    expect(requestLogLine('POST', `/api/hooks/campaigns/c_1/${TOKEN}/`)).toBe(
      'POST /api/hooks/campaigns/c_1/[REDACTED]/',
    );
  });

  it('names the templates with a secret parameter', () => {
    expect(TEMPLATES.every(hasSecretSegment)).toBe(true);
    expect(hasSecretSegment('/api/contacts/{id}')).toBe(false);
    expect(hasSecretSegment('/api/contacts')).toBe(false);
  });
});
