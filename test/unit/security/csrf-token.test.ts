/** Which CSRF token `GET /api/csrf-token` hands a caller. */
import { describe, expect, it } from 'vitest';
import { currentCsrfToken, isWellFormedCsrfToken, sessionCsrfToken } from '../../../shared/security/csrf-token';

describe('currentCsrfToken', () => {
  const existing = 'a'.repeat(64);

  it('gives a signed-in caller its session’s token, whatever csrf cookie it sends', () => {
    expect(currentCsrfToken({ session: 'session-secret', csrf: existing })).toBe(sessionCsrfToken('session-secret'));
  });

  it('keeps an anonymous caller’s well-formed token, so two open tabs stay valid', () => {
    expect(currentCsrfToken({ csrf: existing })).toBe(existing);
  });

  it('mints a new token when there is none or it is malformed', () => {
    for (const csrf of [undefined, 'short', `${existing}0`, 'G'.repeat(64)]) {
      const token = currentCsrfToken({ csrf });
      expect(isWellFormedCsrfToken(token)).toBe(true);
      expect(token).not.toBe(csrf);
    }
    expect(currentCsrfToken({})).not.toBe(currentCsrfToken({}));
  });
});
