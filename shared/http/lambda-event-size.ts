/**
 * What a request body may weigh so that API Gateway can still hand it to the function.
 *
 * API Gateway (HTTP API, payload format 2.0) passes the request to Lambda as one JSON event, and
 * Lambda refuses a synchronous invocation whose event is over 6 MiB: the caller then gets API
 * Gateway's own error, never one of our JSON 4xx. The body sits in that JSON as a string, so a
 * body byte can take more than one byte there: a text body's `"`, `\`, CR, LF and tab take 2, any
 * other control character 6 (`\u0001`); a binary body is base64 (4 per 3). A route's body limit
 * (`maxBodyBytes`, checked by the function edge: shared/http/parse-request.ts) is therefore only
 * a promise we can keep if its worst case, every byte a control character, still fits beside the
 * rest of the event: {@link MAX_INVOCABLE_BODY_BYTES}. A test over the route declarations holds
 * every route to it (test/infra/r25h-fix-route-body-limits.test.ts).
 */

/** Lambda's limit on a synchronous invocation's request payload (the event JSON), in bytes. */
export const LAMBDA_SYNC_REQUEST_BYTES = 6 * 1024 * 1024;

/** The most one body byte takes in the event JSON: a control character written as `\u00XX`. */
export const WORST_BODY_BYTE_FACTOR = 6;

/**
 * Room for everything of the event but the body. API Gateway takes at most 10,240 bytes of request
 * line and headers; each of those bytes appears at most three times in the event (the path as
 * `rawPath`, `requestContext.http.path` and a path parameter; the query as `rawQueryString` and
 * `queryStringParameters`; the user agent as a header and `requestContext.http.userAgent`), each at
 * most 6 bytes escaped: 184,320 bytes, plus the fixed request context (about 1 KB).
 */
export const EVENT_ENVELOPE_MAX_BYTES = 192 * 1024;

/** The largest body whose worst-case event still fits one invocation: 1,015,808 bytes. */
export const MAX_INVOCABLE_BODY_BYTES = Math.floor(
  (LAMBDA_SYNC_REQUEST_BYTES - EVENT_ENVELOPE_MAX_BYTES) / WORST_BODY_BYTE_FACTOR,
);
