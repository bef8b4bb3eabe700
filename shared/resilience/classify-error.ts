/**
 * Decides whether a provider error is worth retrying, by reading the shapes the SDKs we
 * use actually throw (Anthropic/OpenAI `APIError`, AWS SDK v3 service exceptions, fetch
 * and Node network errors) instead of asking every adapter to translate its errors.
 */

export type ErrorKind = 'http' | 'network' | 'timeout' | 'aborted' | 'unknown';

export interface ErrorClassification {
  /** True for provider-side, probably transient faults: 408, 429, 5xx (incl. 529), network, timeouts. */
  readonly retryable: boolean;
  readonly kind: ErrorKind;
  /** The HTTP status, when the error carries one. */
  readonly status?: number;
  /** How long the server asked us to wait (`retry-after-ms` or `Retry-After`), never negative. */
  readonly retryAfterMs?: number;
}

export interface ClassifyContext {
  /** Epoch ms used to turn an HTTP-date `Retry-After` into a delay. */
  readonly now?: number;
  /**
   * The caller's own signal. An `AbortError` while it is aborted means the caller gave up
   * (not retryable); otherwise it came from a timeout somewhere below us (retryable).
   */
  readonly signal?: AbortSignal;
}

/** Node socket/DNS error codes that mean "the network failed", not "the request was wrong". */
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE']);

/**
 * Stainless SDKs (Anthropic, OpenAI/OpenRouter) don't set `name`, so their connection
 * errors are recognised by class name; the cause chain covers them too when it is minified.
 */
const NETWORK_CLASSES = new Set(['APIConnectionError']);
const TIMEOUT_CLASSES = new Set(['APIConnectionTimeoutError']);
const USER_ABORT_CLASSES = new Set(['APIUserAbortError']);

/** How deep to follow `cause`; fetch wraps undici errors one level, SDKs add one more. */
const MAX_CAUSE_DEPTH = 5;

/**
 * Classifies `error` for retry and circuit-breaker decisions.
 *
 * Reads the status from `status`, `statusCode`, `response.status` or
 * `$metadata.httpStatusCode`, and the server's wait from `retry-after-ms` /
 * `retry-after` in `headers`, `response.headers` or `$response.headers` (a `Headers`
 * instance or a plain object). Errors it does not recognise are not retryable: a bug or
 * a parse failure will not fix itself on the next attempt.
 */
export function classifyError(error: unknown, context: ClassifyContext = {}): ErrorClassification {
  const now = context.now ?? Date.now();
  const status = statusOf(error);
  if (status !== undefined) {
    const retryable = status === 408 || status === 429 || (status >= 500 && status <= 599) || awsSaysRetryable(error);
    return withRetryAfter({ retryable, kind: 'http', status }, retryAfterMsOf(error, now));
  }
  for (const link of causeChain(error)) {
    const kind = transportKind(link, context.signal);
    if (kind !== undefined) return { retryable: kind !== 'aborted', kind };
  }
  if (awsSaysRetryable(error)) return { retryable: true, kind: 'unknown' };
  return { retryable: false, kind: 'unknown' };
}

function transportKind(error: object, signal: AbortSignal | undefined): ErrorKind | undefined {
  const name = stringProp(error, 'name');
  const className = error.constructor?.name;
  if (name === 'AbortError' || (className !== undefined && USER_ABORT_CLASSES.has(className))) {
    // The SDK's user-abort class only ever means the caller aborted.
    const callerAborted = signal?.aborted === true || (className !== undefined && USER_ABORT_CLASSES.has(className));
    return callerAborted ? 'aborted' : 'timeout';
  }
  if (name === 'TimeoutError' || (className !== undefined && TIMEOUT_CLASSES.has(className))) return 'timeout';
  const code = stringProp(error, 'code');
  if (code !== undefined && (NETWORK_CODES.has(code) || code.startsWith('UND_ERR_'))) return 'network';
  if (className !== undefined && NETWORK_CLASSES.has(className)) return 'network';
  // undici's fetch rejects with a bare TypeError whose cause (often missing) holds the detail.
  if (error instanceof TypeError && error.message === 'fetch failed') return 'network';
  return undefined;
}

function* causeChain(error: unknown): Generator<object> {
  let current = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && isObject(current); depth++) {
    yield current;
    current = (current as { cause?: unknown }).cause;
  }
}

function statusOf(error: unknown): number | undefined {
  if (!isObject(error)) return undefined;
  const e = error as Record<string, unknown>;
  const candidates = [e.status, e.statusCode, prop(e.response, 'status'), prop(e.$metadata, 'httpStatusCode')];
  return candidates.find((c): c is number => Number.isInteger(c) && (c as number) >= 100 && (c as number) <= 599);
}

/** AWS SDK v3 marks throttling errors (often HTTP 400, e.g. DynamoDB's) as `$retryable`. */
function awsSaysRetryable(error: unknown): boolean {
  return isObject(prop(error, '$retryable'));
}

function retryAfterMsOf(error: unknown, now: number): number | undefined {
  const sources = [
    prop(error, 'headers'),
    prop(prop(error, 'response'), 'headers'),
    prop(prop(error, '$response'), 'headers'),
  ];
  for (const headers of sources) {
    const ms = parseSeconds(header(headers, 'retry-after-ms'), 1);
    if (ms !== undefined) return ms;
    const value = header(headers, 'retry-after');
    if (value === undefined) continue;
    const seconds = parseSeconds(value, 1000);
    if (seconds !== undefined) return seconds;
    const date = Date.parse(value);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  return undefined;
}

function parseSeconds(value: string | undefined, unitMs: number): number | undefined {
  if (value === undefined || !/^\d+(\.\d+)?$/.test(value.trim())) return undefined;
  return Math.ceil(Number(value.trim()) * unitMs);
}

/** Reads a header from a fetch `Headers` (or any `get`-able) or a plain object, case-insensitively. */
function header(headers: unknown, name: string): string | undefined {
  if (!isObject(headers)) return undefined;
  const get = (headers as { get?: unknown }).get;
  if (typeof get === 'function') {
    const value: unknown = get.call(headers, name);
    return typeof value === 'string' ? value : undefined;
  }
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    const first: unknown = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') return first;
    if (typeof first === 'number') return String(first);
  }
  return undefined;
}

function withRetryAfter(c: ErrorClassification, retryAfterMs: number | undefined): ErrorClassification {
  return retryAfterMs === undefined ? c : { ...c, retryAfterMs };
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

function prop(value: unknown, key: string): unknown {
  return isObject(value) ? (value as Record<string, unknown>)[key] : undefined;
}

function stringProp(value: object, key: string): string | undefined {
  const v = (value as Record<string, unknown>)[key];
  return typeof v === 'string' ? v : undefined;
}
