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
 * Every pattern is linear in the length of the text. A global pattern is tried at every position
 * where the previous attempt left off, so its cost is the sum over those starts of the work each
 * start does; each pattern keeps that work bounded by one of three means, named at the pattern:
 * - (bounded) every quantifier that is followed by something that can fail has a fixed bound, so a
 *   failing start costs a constant (`{1,64}`, `{0,31}`...);
 * - (consumed) an unbounded quantifier is followed by nothing that can fail: the start matches
 *   and the scan resumes after what it read;
 * - (disjoint) an unbounded run that can fail is read by one start only: the starts sit where a
 *   run cannot continue (a literal such as `Bearer` before the run, or a lookbehind), so no two
 *   starts read the same characters.
 * JWTs are found by a scan ({@link redactJwts}), not a pattern: a JWT's first segment may begin
 * inside a run (`x-eyJ...`), which no pattern can start at without restarting inside every run.
 * Quoted values are read by a loop ({@link quotedEnd}), and an unbounded run is written `{4}x*`,
 * never `x{4,}`: V8 keeps a backtracking entry per character for those two shapes and throws a
 * RangeError on a run of a few MB (a 6 MB request body logged whole).
 * test/unit/observability/r19l-fix-redact-linear.test.ts checks every family on growing input.
 */
/** (bounded) The local part, each label and the TLD have a bound; a start is where a local part can begin. */
const EMAIL_PATTERN =
  /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}(?:@|%40)(?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24}\b/g;
/** `scheme://user:password@` on any host (a name, an IP, `localhost`): the user info goes whole. (bounded) */
const URL_USERINFO_PATTERN = /\b([A-Za-z][A-Za-z0-9+.-]{0,31}:\/\/)[^\s/?#]{1,256}@/g;
/** (disjoint) `\s+` reads the spaces after one `Bearer`; (consumed) the token. */
const BEARER_PATTERN = /\b(Bearer)\s+[A-Za-z0-9._~+/=-]+/gi;
/** `Basic <base64>`: redacted when the base64 decodes to `user:password` (so "Basic plan" stays). (bounded, consumed) */
const BASIC_PATTERN = /\b(Basic)\s{1,8}([A-Za-z0-9+/=]{4}[A-Za-z0-9+/=]*)/g;
/** (bounded) */
const API_KEY_PATTERN = /\buh_[0-9a-f]{32}\b/gi;
/**
 * Provider keys: OpenAI/Anthropic/OpenRouter `sk-...` (`sk-ant-`, `sk-or-`, `sk-proj-`), Resend `re_...` with a digit
 * (`re_enrol_contacts` is a name). (consumed) the key; (disjoint) the lookahead's `[A-Za-z_]*` reads word characters
 * only, inside which `\b` cannot hold, so no other start lies in the run it reads.
 */
const PROVIDER_KEY_PATTERN =
  /\b(?:sk-[A-Za-z0-9_-]{20}[A-Za-z0-9_-]*|re_(?=[A-Za-z_]*[0-9])[A-Za-z0-9_]{16}[A-Za-z0-9_]*)/g;
/** `name=value` after `?`, `&`, `;`, `#` (a URL, query string or fragment) or after a space (`key=value` log text). (bounded, consumed) */
const PARAM_PATTERN = /(^|[?&;#\s])([^=&#\s?;]{1,64})=([^&#\s;]*)/g;
/** The fragment of a mailed link's page (`/reset-password#token=...`, shared/identity/mailed-links.ts): a credential. (bounded, consumed) */
const MAILED_FRAGMENT_PATTERN = new RegExp(`(/(?:${MAILED_PAGES.join('|')})#)([^\\s"'<>]+)`, 'g');

/**
 * `"name": ` and the value's opening quote inside serialized JSON (a raw body logged as a string).
 * (bounded) The value is read by {@link quotedEnd} where the name ends.
 */
const JSON_NAME_PATTERN = /"([^"\\\r\n]{1,64})"(\s{0,64}:\s{0,64})"/g;

/**
 * `name: value`, `'name': 'value'`, `{ name: 'value' }` (a header line, prose, a JS object
 * printed by `util.inspect`): the name and the colon. `://` is a URL, not a pair. (bounded) A
 * start is where a name can begin: never inside a name, which a lookbehind forbids.
 */
const COLON_NAME_PATTERN = /(?<![A-Za-z0-9_.-])(['"]?)([A-Za-z][A-Za-z0-9_.-]{0,63})\1[ \t]{0,8}:(?!\/\/)[ \t]{0,8}/g;
/**
 * An unquoted value after it, read where the name ends (sticky): up to a space, `,`, `;`, a quote
 * or a closing bracket. (consumed) It can only succeed. A quoted value is read by {@link quotedEnd}.
 */
const BARE_VALUE = /[^\s,;}\])'"]*/y;
/**
 * An unquoted value of these headers runs to the end of its line (`Basic ...`, several cookies).
 * Exactly these names (any case), at a line start or after a separator (a character that cannot
 * be part of a name, {@link COLON_NAME_PATTERN}): `secureCookies: true` is a pair, its value one word.
 */
const LINE_VALUE = /[^\r\n]*/y;
const HEADER_LINE_NAMES = new Set(['cookie', 'set-cookie', 'authorization', 'proxy-authorization']);

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
  if (/"\s{0,64}:/.test(out)) out = redactJsonPairs(out);
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
  if (out.includes('eyJ')) out = redactJwts(out);
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
    let end: number;
    let closed = false;
    if (quote !== '') {
      ({ end, closed } = quotedEnd(s, at, true));
    } else {
      const read = HEADER_LINE_NAMES.has(name.toLowerCase()) ? LINE_VALUE : BARE_VALUE;
      read.lastIndex = at;
      end = at + (read.exec(s)?.[0].length ?? 0);
    }
    if (end === at) continue;
    out += `${s.slice(copied, at)}${quote}${REDACTED}${closed ? quote : ''}`;
    copied = end;
    names.lastIndex = copied;
  }
  return out + s.slice(copied);
}

/**
 * The values of sensitive `"name": "value"` pairs become `"[REDACTED]"`; an unclosed value (a
 * truncated body) is redacted to the end of its line. One pass: every value is read once where its
 * name ends and skipped, sensitive or not, so the work is linear in the length of `s`. An unclosed
 * value reads to the end of `s`, and no pair can follow it: every quote it read is escaped.
 */
function redactJsonPairs(s: string): string {
  const names = JSON_NAME_PATTERN;
  names.lastIndex = 0;
  let out = '';
  let copied = 0;
  for (let match = names.exec(s); match !== null; match = names.exec(s)) {
    const at = names.lastIndex;
    const { end, closed } = quotedEnd(s, at - 1, false);
    names.lastIndex = end;
    if (end === at || !isSensitiveKey(match[1] as string)) continue;
    if (closed) {
      out += `${s.slice(copied, at)}${REDACTED}"`;
      copied = end;
    } else {
      const lineBreak = s.slice(at, end).search(/[\r\n]/);
      out += `${s.slice(copied, at)}${REDACTED}`;
      copied = lineBreak === -1 ? end : at + lineBreak;
    }
  }
  return out + s.slice(copied);
}

/**
 * The end of the quoted string whose opening quote is at `open`: just after its closing quote
 * (`closed`), else where it stops unclosed, at the end of `s` or, with `lineBound`, at a line
 * break. A backslash escapes the next character. A loop, not a pattern: a regex alternation
 * repeated over a long string overflows V8's backtracking stack (a RangeError at a few MB).
 */
function quotedEnd(s: string, open: number, lineBound: boolean): { end: number; closed: boolean } {
  const quote = s.charCodeAt(open);
  const isLineBreak = (code: number) => lineBound && (code === 0x0a || code === 0x0d);
  let at = open + 1;
  while (at < s.length) {
    const code = s.charCodeAt(at);
    if (code === quote) return { end: at + 1, closed: true };
    if (isLineBreak(code)) break;
    if (code === 0x5c) {
      if (at + 1 >= s.length || isLineBreak(s.charCodeAt(at + 1))) break;
      at += 2;
    } else {
      at += 1;
    }
  }
  return { end: at, closed: false };
}

/** Base64url (a JWT segment's alphabet): `A-Z`, `a-z`, `0-9`, `-`, `_`. */
function isBase64Url(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x30 && code <= 0x39) ||
    code === 0x2d ||
    code === 0x5f
  );
}

/** The end of the run of base64url characters that starts at `from`. */
function runEnd(s: string, from: number): number {
  let end = from;
  while (end < s.length && isBase64Url(s.charCodeAt(end))) end++;
  return end;
}

/**
 * JWTs become `[REDACTED]`: `eyJ` at a word boundary (the start of a base64url run, or after a
 * `-` in it) with 4 or more base64url characters after it, a `.`, a segment of 4 or more, a
 * `.` and a last segment, possibly empty (a JWS without its signature too). A scan of the runs
 * of base64url characters: each run is read at most twice (as a token's first segment, then as
 * the previous candidate's second), so the work is linear in the length of `s`.
 */
function redactJwts(s: string): string {
  let out = '';
  let copied = 0;
  let at = 0;
  while (at < s.length) {
    if (!isBase64Url(s.charCodeAt(at))) {
      at++;
      continue;
    }
    const end = runEnd(s, at);
    let start = -1;
    for (let i = at; i + 3 <= end; i++) {
      if (s.startsWith('eyJ', i) && (i === at || s[i - 1] === '-')) {
        start = i;
        break;
      }
    }
    if (start !== -1 && end - start >= 7 && s[end] === '.') {
      const second = runEnd(s, end + 1);
      if (second - (end + 1) >= 4 && s[second] === '.') {
        const last = runEnd(s, second + 1);
        out += `${s.slice(copied, start)}${REDACTED}`;
        copied = last;
        at = last;
        continue;
      }
    }
    at = end;
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
