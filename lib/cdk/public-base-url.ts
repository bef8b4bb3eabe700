/**
 * PUBLIC_BASE_URL, what every mailed link (verification, reset, invite) starts with. By default
 * the stage's CloudFront URL; `-c publicBaseUrl=https://app.example.com` names another (a custom
 * domain, or the front end that serves /verify-email, /reset-password and /invites/accept).
 * Checked at synth with the functions' own rules, plus https: a malformed value fails the synth,
 * not a cold start.
 */
import { parsePublicBaseUrl } from '../../shared/identity/mailed-links';

export const PUBLIC_BASE_URL_ENV = 'PUBLIC_BASE_URL';

/** The `publicBaseUrl` context value, normalised; undefined when unset (use the distribution's URL). */
export function publicBaseUrlContext(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new Error('Context publicBaseUrl must be a URL such as https://app.example.com');
  try {
    return parsePublicBaseUrl(value, { requireHttps: true });
  } catch (error) {
    throw new Error(`Context publicBaseUrl ${(error as Error).message}`);
  }
}
