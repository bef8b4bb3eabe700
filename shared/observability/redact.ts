/**
 * Redaction of secrets and personal data before anything leaves the process (logs, Sentry).
 * Two rules: a value under a sensitive key is replaced whole, and every string is scanned
 * for credentials and email addresses that travel inside free text (messages, URLs,
 * stack traces). Pure: the input is never mutated.
 */
import { MAILED_PAGES } from '../identity/mailed-links';

/** What replaces a secret. */
export const REDACTED = '[REDACTED]';
/** What replaces an email address. */
export const EMAIL = '[email]';

const MAX_DEPTH = 10;

/**
 * Key names are compared lower-cased with `-`, `_`, `.` and spaces removed, so `x-api-key`,
 * `api_key` and `apiKey` are one rule. Counts such as `inputTokens` stay visible: only a key
 * that ends in `token` (singular) is a token.
 */
const SENSITIVE_KEY =
  /password|passwd|passphrase|cookie|authorization|credential|token$|secret$|secret(?:access)?key$|apikey$|privatekey$|session(?:id)?$|codeverifier$|originverify$|signature$/;

/** Query parameters that carry one-time secrets (OAuth `code`/`state`, signed-link `key`). */
const SENSITIVE_QUERY_PARAM = /^(?:code|state|key|sig)$/;

/**
 * Every pattern is linear on long strings (no catastrophic backtracking): quantifiers are
 * bounded or followed by nothing that can fail, and a lookbehind starts a match only where a
 * name can begin, not inside every run of letters. A 1 MB hostile string takes milliseconds.
 */
const EMAIL_PATTERN =
  /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}(?:@|%40)(?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24}\b/g;
/** `scheme://user:password@` on any host (a name, an IP, `localhost`): the user info goes whole. */
const URL_USERINFO_PATTERN = /\b([A-Za-z][A-Za-z0-9+.-]{0,31}:\/\/)[^\s/?#]{1,256}@/g;
const BEARER_PATTERN = /\b(Bearer)\s+[A-Za-z0-9._~+/=-]+/gi;
/** `Basic <base64>`: redacted when the base64 decodes to `user:password` (so "Basic plan" stays). */
const BASIC_PATTERN = /\b(Basic)\s{1,8}([A-Za-z0-9+/=]{4,})/g;
const API_KEY_PATTERN = /\buh_[0-9a-f]{32}\b/gi;
/** Provider keys: OpenAI/Anthropic/OpenRouter `sk-...` (`sk-ant-`, `sk-or-`, `sk-proj-`), Resend `re_...` with a digit (`re_enrol_contacts` is a name). */
const PROVIDER_KEY_PATTERN = /\b(?:sk-[A-Za-z0-9_-]{20,}|re_(?=[A-Za-z_]*[0-9])[A-Za-z0-9_]{16,})/g;
const JWT_PATTERN = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
/** `name=value` after `?`, `&`, `;`, `#` (a URL, query string or fragment) or after a space (`key=value` log text). */
const PARAM_PATTERN = /(^|[?&;#\s])([^=&#\s?;]{1,64})=([^&#\s;]*)/g;
/** The fragment of a mailed link's page (`/reset-password#token=...`, shared/identity/mailed-links.ts): a credential. */
const MAILED_FRAGMENT_PATTERN = new RegExp(`(/(?:${MAILED_PAGES.join('|')})#)([^\\s"'<>]+)`, 'g');

/** `"name": "value"` inside serialized JSON (a raw body logged as a string). */
const JSON_PAIR_PATTERN = /"([^"\\]{1,64})"(\s*:\s*)"(?:[^"\\]|\\.)*"/g;

/**
 * `name: value`, `'name': 'value'`, `{ name: 'value' }` (a header line, prose, a JS object
 * printed by `util.inspect`): the name and the colon. `://` is a URL, not a pair.
 */
const COLON_NAME_PATTERN = /(?<![A-Za-z0-9_.-])(['"]?)([A-Za-z][A-Za-z0-9_.-]{0,63})\1[ \t]{0,8}:(?!\/\/)[ \t]{0,8}/g;
/**
 * The value after it, read where the name ends (sticky): a quoted string up to its closing quote
 * (or the end of the line), else up to a space, `,`, `;`, a quote or a closing bracket. Each
 * alternative can only succeed, never backtrack: linear.
 */
const PAIR_VALUE = /'(?:[^'\\\r\n]|\\.)*'?|"(?:[^"\\\r\n]|\\.)*"?|[^\s,;}\])'"]*/y;
/** An unquoted `Authorization:`/`Cookie:` value runs to the end of its line (`Basic ...`, several cookies). */
const LINE_VALUE = /[^\r\n]*/y;

const normalizeKey = (key: string): string => key.toLowerCase().replace(/[-_.\s]/g, '');

/** Whether values under `key` are secrets or personal data (case- and separator-insensitive). */
export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(normalizeKey(key));
}

/** Whether a query parameter named `name` carries a secret: any sensitive key, or `code`, `state`, `key`, `sig`. */
export function isSensitiveQueryParam(name: string): boolean {
  const normalized = normalizeKey(name);
  return SENSITIVE_QUERY_PARAM.test(normalized) || SENSITIVE_KEY.test(normalized);
}

/**
 * Redacts secrets and email addresses inside free text: email addresses (also URL-encoded)
 * become `[email]`; the user info of a URL (`smtp://user:pw@10.0.0.5`), bearer tokens,
 * `Basic` credentials, `uh_` API keys, provider keys (`sk-ant-`, `sk-or-`, `sk-`, `re_`),
 * JWTs, the values of sensitive URL parameters (`?token=`, `&code=`, `&state=`,
 * `&key=`, `X-Amz-Signature=`...) and of sensitive fragment parameters (`#token=`), the
 * fragment of a mailed link's page (`/invites/accept#...`), `password=...` and
 * `token: ...` / `Authorization: Basic ...` pairs in prose and header lines,
 * `'password': '...'` and `{ token: '...' }` in printed objects and `"password":"..."` pairs
 * in serialized JSON become `[REDACTED]`. Linear in the length of `s`.
 */
export function redactString(s: string): string {
  let out = s;
  if (out.includes('://')) out = out.replace(URL_USERINFO_PATTERN, `$1${REDACTED}@`);
  if (out.includes('@') || out.includes('%40')) out = out.replace(EMAIL_PATTERN, EMAIL);
  if (/"\s*:/.test(out)) {
    out = out.replace(JSON_PAIR_PATTERN, (whole, name: string, colon: string) =>
      isSensitiveKey(name) ? `"${name}"${colon}"${REDACTED}"` : whole,
    );
  }
  if (out.includes(':')) out = redactColonPairs(out);
  if (out.includes('=')) {
    out = out.replace(PARAM_PATTERN, (whole, sep: string, name: string) => {
      // `code=500` in prose is a status, not an OAuth code: only URL parameters get the wider rule.
      const sensitive = sep !== '' && '?&;#'.includes(sep) ? isSensitiveQueryParam(name) : isSensitiveKey(name);
      return sensitive ? `${sep}${name}=${REDACTED}` : whole;
    });
  }
  if (out.includes('#')) {
    // `#token=...` is done above (a fragment parameter); any other fragment of these pages is the token itself.
    out = out.replace(MAILED_FRAGMENT_PATTERN, (whole, page: string, fragment: string) =>
      fragment.includes('=') ? whole : `${page}${REDACTED}`,
    );
  }
  if (/bearer/i.test(out)) out = out.replace(BEARER_PATTERN, `$1 ${REDACTED}`);
  if (out.includes('Basic')) out = out.replace(BASIC_PATTERN, basicCredential);
  if (/uh_/i.test(out)) out = out.replace(API_KEY_PATTERN, REDACTED);
  if (/sk-|re_/.test(out)) out = out.replace(PROVIDER_KEY_PATTERN, REDACTED);
  if (out.includes('eyJ')) out = out.replace(JWT_PATTERN, REDACTED);
  return out;
}

/** `Basic [REDACTED]` when `credential` is base64 of `user:password` (what `Authorization: Basic` carries). */
function basicCredential(whole: string, basic: string, credential: string): string {
  try {
    return atob(credential).includes(':') ? `${basic} ${REDACTED}` : whole;
  } catch {
    return whole;
  }
}

/**
 * The values of sensitive `name: value` pairs become `[REDACTED]` (inside their quotes when
 * quoted). One pass: the scan resumes after each value, so the work is linear in the length of `s`.
 */
function redactColonPairs(s: string): string {
  const names = COLON_NAME_PATTERN;
  names.lastIndex = 0;
  let out = '';
  let copied = 0;
  for (let match = names.exec(s); match !== null; match = names.exec(s)) {
    const name = match[2] as string;
    if (!isSensitiveKey(name)) continue;
    const at = names.lastIndex;
    const quote = s[at] === "'" || s[at] === '"' ? (s[at] as string) : '';
    const read = quote === '' && /authorization|cookie/.test(normalizeKey(name)) ? LINE_VALUE : PAIR_VALUE;
    read.lastIndex = at;
    const value = read.exec(s)?.[0] ?? '';
    if (value === '') continue;
    const closed = quote !== '' && value.length > 1 && value.endsWith(quote);
    out += `${s.slice(copied, at)}${quote}${REDACTED}${closed ? quote : ''}`;
    copied = at + value.length;
    names.lastIndex = copied;
  }
  return out + s.slice(copied);
}

/**
 * Redacts the values of a query string (`a=1&token=x`, no leading `?`) by parameter name,
 * then scans what is left with {@link redactString}.
 */
export function redactQueryString(query: string): string {
  return redactString(`?${query}`).slice(1);
}

/** Options of {@link redact}. */
export interface RedactOptions {
  /**
   * Turns an Error into the plain object that is then redacted. The default keeps `name`,
   * `message`, `stack`, `cause` and the error's own enumerable properties.
   */
  readonly serializeError?: (error: Error) => Record<string, unknown>;
}

/**
 * Returns a deep copy of `value` that is safe to log or send to an error tracker:
 * - values under sensitive keys (password, secret, token, authorization, cookie, API key,
 *   session, CSRF token, origin-verify, private key, code verifier...) become `[REDACTED]`;
 * - every string goes through {@link redactString} (emails, bearer tokens, API keys, JWTs);
 * - Errors become plain objects (name, message, stack, cause, own properties), redacted too;
 * - Maps become objects, Sets arrays, binary data a `[Binary n bytes]` summary, objects with
 *   `toJSON` (Date, URL...) their JSON form;
 * - a cycle becomes `[Circular]`, anything deeper than 10 levels `[Truncated]`.
 *
 * Never throws: an object whose properties cannot be read (a throwing getter) becomes
 * `[Unserializable]`.
 */
export function redact(value: unknown, options: RedactOptions = {}): unknown {
  return walk(value, 0, new Set(), options);
}

function walk(value: unknown, depth: number, path: Set<object>, options: RedactOptions): unknown {
  if (typeof value === 'string') return redactString(value);
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_DEPTH) return '[Truncated]';
  if (path.has(value)) return '[Circular]';
  if (ArrayBuffer.isView(value)) return `[Binary ${value.byteLength} bytes]`;
  if (value instanceof ArrayBuffer) return `[Binary ${value.byteLength} bytes]`;

  path.add(value);
  try {
    const next = (v: unknown): unknown => walk(v, depth + 1, path, options);
    if (Array.isArray(value)) return value.map(next);
    if (value instanceof Error) return redactEntries(Object.entries(errorToObject(value, options)), next);
    if (value instanceof Map)
      return redactEntries(
        [...value].map(([k, v]) => [String(k), v]),
        next,
      );
    if (value instanceof Set) return [...value].map(next);
    if (hasToJson(value)) return next(value.toJSON());
    return redactEntries(Object.entries(value), next);
  } catch {
    return '[Unserializable]';
  } finally {
    path.delete(value);
  }
}

function redactEntries(entries: [string, unknown][], next: (v: unknown) => unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of entries) {
    out[key.includes('@') ? redactString(key) : key] = isSensitiveKey(key) ? REDACTED : next(v);
  }
  return out;
}

function errorToObject(error: Error, options: RedactOptions): Record<string, unknown> {
  if (options.serializeError) return options.serializeError(error);
  const out: Record<string, unknown> = { name: error.name, message: error.message, stack: error.stack };
  if (error.cause !== undefined) out.cause = error.cause;
  if (error instanceof AggregateError) out.errors = error.errors;
  return Object.assign(out, Object.fromEntries(Object.entries(error)));
}

function hasToJson(value: object): value is { toJSON: () => unknown } {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}
