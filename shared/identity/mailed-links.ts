/**
 * Links we mail (email verification, password reset, invites) start with ONE configured
 * public base URL, `PUBLIC_BASE_URL` (shared/config.ts): the stage's public https URL in the
 * cloud, the printed local URL locally. Never with a request's Host or X-Forwarded-Host: a
 * forged header would put an attacker's domain, and the victim's token, in a reset link.
 *
 * Pure (no config, no I/O), so the CDK app checks `-c publicBaseUrl=` with the same rules.
 */
import * as z from 'zod/mini';

/** The pages a mailed link opens; each reads its token from the fragment. */
export const MAILED_PAGES = ['verify-email', 'reset-password', 'invites/accept'] as const;
export type MailedPage = (typeof MAILED_PAGES)[number];

export interface PublicBaseUrlRules {
  /** Refuse `http:` (every deployed stage). */
  readonly requireHttps?: boolean;
}

/**
 * Checks a public base URL and returns it normalised (`https://host[:port][/prefix]`: lower-
 * case host, no trailing slash). Refused, with a message saying why: anything but an absolute
 * http(s) URL; user info; a query or fragment (even an empty `?` or `#`); backslashes,
 * whitespace or control characters; `http:` when `requireHttps`.
 */
export function parsePublicBaseUrl(value: string, rules: PublicBaseUrlRules = {}): string {
  // Checked on the raw text: WHATWG URL parsing silently drops tabs and newlines and turns
  // `\` into `/`, so `https://app\tx.example` would otherwise parse as another host.
  if (/[\s\\?#@\p{Cc}]/u.test(value)) {
    throw new Error('must not contain whitespace, control characters, "\\", "?", "#" or "@"');
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error('must be an absolute URL such as https://app.example.com');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('must be an http(s) URL');
  if (rules.requireHttps && url.protocol !== 'https:') throw new Error('must be an https URL outside the local stage');
  if (url.hostname === '') throw new Error('must name a host');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** {@link parsePublicBaseUrl} as a zod schema (for shared/config.ts). */
export const publicBaseUrlSchema = z.pipe(
  z.string(),
  z.transform((value, ctx) => {
    try {
      return parsePublicBaseUrl(value);
    } catch (error) {
      ctx.issues.push({ code: 'custom', message: (error as Error).message, input: ctx.value });
      return z.NEVER;
    }
  }),
);

/**
 * `<base>/<page>#token=<token>`. The token travels in the fragment, which browsers never send
 * to a server, so it stays out of access logs and `Referer`. The base is checked again here,
 * so a caller handing in anything but a configured base URL fails loudly instead of mailing it.
 */
export function mailedLink(publicBaseUrl: string, page: MailedPage, token: string): string {
  return `${parsePublicBaseUrl(publicBaseUrl)}/${page}#token=${encodeURIComponent(token)}`;
}
