/**
 * URL sanitizer: a protocol allow-list over the WHATWG URL parser (the one browsers use),
 * plus refusals for the tricks that make a URL read differently to a person and a browser.
 */
import { ValidationError } from '../errors';

export const DEFAULT_ALLOWED_PROTOCOLS: readonly string[] = ['https:', 'http:', 'mailto:'];
/** Refused even when a caller lists them: each can run script or read local content. */
const ALWAYS_REFUSED = new Set(['javascript:', 'vbscript:', 'data:', 'file:', 'blob:', 'filesystem:']);
/** Schemes the WHATWG parser treats as hierarchical: input must spell `scheme://host`. */
const SPECIAL = new Set(['http:', 'https:', 'ws:', 'wss:', 'ftp:']);
// Browsers silently drop tabs and newlines inside a URL (`java\tscript:`); invisible format
// characters and backslashes (read as `/`) only serve to disguise one.
const DISGUISE = /[\s\p{Cc}\p{Cf}\p{Zl}\p{Zp}\\]/u;

export interface SanitizeUrlOptions {
  /** Lower-case protocols with the trailing colon. Default `['https:', 'http:', 'mailto:']`. */
  allowedProtocols?: readonly string[];
  /** Accept `user:password@` in the URL. Default false: credentials in links are a phishing tool. */
  allowCredentials?: boolean;
  /** Longest accepted input. Default 2048. */
  maxLength?: number;
}

/**
 * Validates an absolute URL and returns its normalised `href`. Refused: anything the WHATWG
 * parser rejects (relative and protocol-relative `//host` URLs included), protocols outside
 * `allowedProtocols`, `javascript:`/`vbscript:`/`data:`/`file:`/`blob:` always, any whitespace,
 * control or invisible format character or backslash (obfuscation such as `java\tscript:` or
 * `https:\\evil`), an http(s) URL not spelled `scheme://host` (`https:evil.com`), and by
 * default credentials (`https://bank.com@evil.com`).
 *
 * @throws ValidationError `INVALID_URL`, with `{reason}` details
 */
export function sanitizeUrl(s: string, options: SanitizeUrlOptions = {}): string {
  const { allowedProtocols = DEFAULT_ALLOWED_PROTOCOLS, allowCredentials = false, maxLength = 2048 } = options;
  const input = s.trim();
  if (input.length === 0 || input.length > maxLength) throw invalidUrl('length');
  if (DISGUISE.test(input)) throw invalidUrl('disguised');
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw invalidUrl('unparseable');
  }
  const protocol = url.protocol;
  const allowed = allowedProtocols.some((p) => p.toLowerCase() === protocol);
  if (ALWAYS_REFUSED.has(protocol) || !allowed) throw invalidUrl('protocol');
  if (SPECIAL.has(protocol) && input.slice(protocol.length, protocol.length + 2) !== '//') {
    throw invalidUrl('authority');
  }
  if (!allowCredentials && (url.username !== '' || url.password !== '')) throw invalidUrl('credentials');
  return url.href;
}

const invalidUrl = (reason: string) =>
  new ValidationError('The URL is not valid or not allowed', 'INVALID_URL', { details: { reason } });
