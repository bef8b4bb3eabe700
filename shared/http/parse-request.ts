/**
 * Turns an API Gateway HTTP API (payload v2) event into a plain {@link HttpRequest}.
 * Bad input stops here with a 4xx: oversized bodies, media types the route does not declare
 * (a 415 naming those it does), a charset the API cannot read (415) or a body that is not valid
 * in its charset (400 `INVALID_BODY_ENCODING`), bodies that are not JSON, JSON that nests deeper
 * than any legitimate payload. A route declaring `*\/*` (one-click unsubscribe) is refused nothing
 * for its body's type or encoding: what it cannot read reaches it as no body.
 *
 * How a body's text is read ({@link bodyText}): API Gateway hands a `text/*` or JSON body over as
 * text it has already read as UTF-8 (the local host does the same, lib/local/api-event.ts), and
 * any other body as base64 bytes. Bytes are decoded strictly in the charset the Content-Type names
 * (`text/csv; charset=windows-1252`; UTF-8 when none; a byte-order mark wins, so a UTF-8 BOM is
 * read as UTF-8 whatever is named). Text the gateway read holds U+FFFD where the bytes were not
 * UTF-8, and what they were is lost: such a body is refused rather than stored with the marks in
 * place of the caller's letters (Excel's "CSV" on Windows is Windows-1252: "save as CSV UTF-8").
 * Text without one, in a body that names another charset, is taken back to the bytes the caller
 * sent (its UTF-8) and read in that charset. JSON is UTF-8 (RFC 8259: a charset means nothing).
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { BodyMediaType, RouteDeclaration } from '../../lib/definition';
import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '../errors';
import { parseJsonLimited } from '../security/sanitize-json';
import { findUnstorableValue } from '../security/storable-number';
import type { CallerOrigin } from '../security/trusted-edge';
import { multipartFields } from './multipart-form';
import type { HttpRequest } from './types';

/**
 * A route's body limit unless it declares its own: 1 MB, within what one Lambda invocation can carry
 * whatever the body holds (shared/http/lambda-event-size.ts, `MAX_INVOCABLE_BODY_BYTES`). API
 * Gateway itself takes 10 MB, so the limit is ours to keep, with our own 413.
 */
export const MAX_BODY_BYTES = 1_000_000;
export const MAX_JSON_DEPTH = 32;

export function parseRequest(
  event: APIGatewayProxyEventV2,
  route: RouteDeclaration,
  caller: CallerOrigin,
): HttpRequest {
  return withParsedBody(parseRequestHead(event, route, caller), event);
}

/**
 * The request without its body parsed (`body` undefined; `rawBody` read, its size checked: 413).
 * The edge authenticates on this, then parses the body ({@link withParsedBody}): a caller who is
 * not signed in is told so (401) whatever the body's media type or JSON is.
 */
export function parseRequestHead(
  event: APIGatewayProxyEventV2,
  route: RouteDeclaration,
  caller: CallerOrigin,
): HttpRequest {
  const headers = lowerCaseHeaders(event.headers);
  const rawBody = decodeBody(event, route.maxBodyBytes ?? MAX_BODY_BYTES);
  return {
    route,
    method: event.requestContext.http.method,
    path: event.rawPath,
    pathParams: { ...(event.pathParameters ?? {}) } as Record<string, string>,
    query: { ...(event.queryStringParameters ?? {}) } as Record<string, string>,
    headers,
    cookies: parseCookies(event.cookies ?? []),
    body: undefined,
    rawBody,
    requestId: event.requestContext.requestId,
    clientAddress: caller.clientAddress,
    userAgent: event.requestContext.http.userAgent ?? '',
    host: caller.publicHost,
  };
}

/**
 * `request` with its body parsed per its route: 415 for an undeclared media type or an unknown
 * charset, 400 for a body not valid in its charset or bad JSON. `event` is the request's own
 * (`request` came from it): a base64 body is read from its bytes, in the charset it names.
 * `rawBody` becomes the text as read.
 */
export function withParsedBody(request: HttpRequest, event: APIGatewayProxyEventV2): HttpRequest {
  if (request.rawBody === undefined) return request;
  const bytes = event.isBase64Encoded && event.body ? Buffer.from(event.body, 'base64') : undefined;
  const { body, text } = parseBody(bytes ?? request.rawBody, request.headers['content-type'], request.route);
  return { ...request, body, rawBody: text ?? request.rawBody };
}

/** API Gateway already lower-cases v2 header names; the local host and tests may not. */
export function lowerCaseHeaders(raw: APIGatewayProxyEventV2['headers'] | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  return headers;
}

/** The body as API Gateway passed it, leniently read (its size checked: 413); {@link withParsedBody} reads it strictly. */
function decodeBody(event: APIGatewayProxyEventV2, maxBytes: number): string | undefined {
  if (event.body === undefined || event.body === null || event.body === '') return undefined;
  const bytes = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : undefined;
  if ((bytes ? bytes.length : Buffer.byteLength(event.body, 'utf8')) > maxBytes) {
    throw new PayloadTooLargeError(`The request body exceeds ${maxBytes} bytes`);
  }
  return bytes ? bytes.toString('utf8') : event.body;
}

/** What a route takes when it declares nothing: JSON. */
const JSON_ONLY: readonly BodyMediaType[] = ['application/json'];

/**
 * The body parsed per its route, and its text as read. `source` is the text API Gateway passed, or
 * the bytes of a base64 body.
 */
function parseBody(
  source: string | Buffer,
  contentType: string | undefined,
  route: RouteDeclaration,
): { body: unknown; text?: string } {
  const accepted = route.bodyTypes ?? JSON_ONLY;
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const json = type === '' || type === 'application/json' || type.endsWith('+json');
  const declared = !json && type !== '*/*' && accepted.includes(type as BodyMediaType);
  // A route that takes any type (RFC 8058 one-click unsubscribe: a POST to the link is the
  // request, whatever its body) gets no body for a type it does not read, for a body without
  // a Content-Type that is not JSON, or for one it cannot decode.
  const anyType = accepted.includes('*/*');
  if (!declared && (!json || !accepted.includes('application/json'))) {
    if (anyType) return { body: undefined };
    const given = type === '' ? 'A body without a Content-Type' : `Content-Type ${type}`;
    throw new UnsupportedMediaTypeError(
      `${given} is not accepted by ${route.method} ${route.path}; send ${accepted.join(' or ')}`,
      { details: { accepted } },
    );
  }
  let read: { text: string; encoding: string };
  let form: string | undefined;
  try {
    read = bodyText(source, contentType ?? '', type, !declared);
    // The operation reads one shape, a urlencoded form (in UTF-8), whichever encoding the form came in.
    if (type === 'multipart/form-data')
      form = new URLSearchParams(multipartFields(read.text, contentType ?? '')).toString();
    else if (type === 'application/x-www-form-urlencoded') form = formInUtf8(read.text, read.encoding, type);
  } catch (error) {
    if (anyType) return { body: undefined };
    throw error;
  }
  const raw = read.text;
  if (declared) return { body: form ?? raw, text: raw };
  // Size was checked above (413); this adds the depth limit and refuses prototype-polluting keys.
  let value: unknown;
  try {
    value = parseJsonLimited(raw, { maxBytes: MAX_BODY_BYTES, maxDepth: MAX_JSON_DEPTH });
  } catch (error) {
    if (anyType && type === '') return { body: undefined, text: raw };
    throw error;
  }
  // Whatever a route does with the body, nothing reaches a store that cannot keep it: a number out
  // of DynamoDB's range, a string with a lone surrogate (no UTF-8 form). One walk finds either.
  // Noncharacters (U+FFFE, U+FFFF, ...) are accepted: valid Unicode, stored as given; the queues
  // refuse U+FFFE/U+FFFF raw, so every message, schedule and event carries them as JSON escapes
  // (shared/aws/sqs-message-text.ts), which also covers what was stored before any rule.
  const unstorable = findUnstorableValue(value);
  if (unstorable !== undefined) {
    throw new ValidationError('The request does not match what this route accepts', 'VALIDATION_FAILED', {
      details: [{ in: 'body', path: unstorable.path, message: unstorable.message }],
    });
  }
  return { body: value, text: raw };
}

/** The code of a body that is not valid in its charset (400). */
export const INVALID_BODY_ENCODING = 'INVALID_BODY_ENCODING';

/**
 * The encoding a Content-Type's `charset` names (WHATWG Encoding Standard labels, as TextDecoder
 * reads them: `windows-1252`, `latin1`, `shift_jis`, `utf-16le`...), `utf-8` when it names none.
 * @throws UnsupportedMediaTypeError (415) for a label TextDecoder does not know.
 */
function declaredEncoding(contentType: string): string {
  const match = /;\s*charset\s*=\s*"?([^";]*)/i.exec(contentType);
  if (!match) return 'utf-8';
  const charset = (match[1] ?? '').trim().slice(0, 40);
  try {
    return new TextDecoder(charset).encoding;
  } catch {
    throw new UnsupportedMediaTypeError(
      `The charset "${charset}" is not supported: send UTF-8, or name a WHATWG Encoding label (windows-1252...)`,
      { details: { charset } },
    );
  }
}

/** 400 {@link INVALID_BODY_ENCODING}: what is wrong, and how to send it (a CSV: how to save it). */
function undecodable(problem: string, type: string, details: Record<string, unknown>): ValidationError {
  const remedy = /^text\/(csv|plain)$/.test(type) ? 'Save the file as "CSV UTF-8"' : 'Send it as UTF-8';
  return new ValidationError(
    `${problem}. ${remedy}${details.line ? '' : `, or name its charset in the Content-Type (${type}; charset=windows-1252)`}.`,
    INVALID_BODY_ENCODING,
    { details },
  );
}

/**
 * The body's text, read strictly (see the file's header): bytes decoded in their charset (a
 * byte-order mark wins), text the gateway read as UTF-8 checked for U+FFFD and, when the body names
 * another charset, taken back to the bytes sent (its UTF-8) and read in that one.
 * @throws UnsupportedMediaTypeError (415) for a charset not known; ValidationError
 * {@link INVALID_BODY_ENCODING} (400) for a body that is not valid in it.
 */
function bodyText(
  source: string | Buffer,
  contentType: string,
  type: string,
  json: boolean,
): { text: string; encoding: string } {
  let encoding = json ? 'utf-8' : declaredEncoding(contentType);
  if (typeof source === 'string') {
    // JSON text is taken as the gateway read it: JSON is UTF-8, and U+FFFD is a character a client may send.
    if (json) return { text: source, encoding };
    const lost = source.indexOf('\uFFFD');
    if (lost >= 0) {
      const line = source.slice(0, lost).split('\n').length;
      throw undecodable(`Line ${line} holds U+FFFD: the body was not UTF-8, and what its bytes were is lost`, type, {
        encoding: 'utf-8',
        line,
      });
    }
    // A UTF-8 byte-order mark (read as U+FEFF) wins over the label, as it does for bytes.
    if (encoding === 'utf-8' || source.startsWith('\uFEFF')) return { text: source, encoding: 'utf-8' };
    source = Buffer.from(source);
  }
  const [a, b, c] = source;
  encoding =
    a === 0xef && b === 0xbb && c === 0xbf
      ? 'utf-8'
      : a === 0xff && b === 0xfe
        ? 'utf-16le'
        : a === 0xfe && b === 0xff
          ? 'utf-16be'
          : encoding;
  try {
    return { text: new TextDecoder(encoding, { fatal: true }).decode(source), encoding };
  } catch {
    throw undecodable(`The body is not valid ${encoding}`, type, { encoding });
  }
}

/**
 * A urlencoded form with its `%XX` escapes checked as bytes of `encoding` (strictly: 400
 * {@link INVALID_BODY_ENCODING} when they are not valid in it). A UTF-8 form is handed over as it
 * came; one in another charset as the UTF-8 form it stands for, which is what the operation reads.
 */
function formInUtf8(text: string, encoding: string, type: string): string {
  const decoder = new TextDecoder(encoding, { fatal: true });
  try {
    const form = new URLSearchParams(
      text.replace(/(?:%[0-9a-f]{2})+/gi, (run) =>
        encodeURIComponent(decoder.decode(Buffer.from(run.replace(/%/g, ''), 'hex'))),
      ),
    );
    return encoding === 'utf-8' ? text : form.toString();
  } catch {
    throw undecodable(`The form's %-escapes are not valid ${encoding}`, type, { encoding });
  }
}

/** `a=1; b=2` pairs; the first occurrence of a name wins, as browsers send the most specific first. */
export function parseCookies(cookies: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of cookies) {
    for (const part of line.split(';')) {
      const eq = part.indexOf('=');
      if (eq <= 0) continue;
      const name = part.slice(0, eq).trim();
      if (name in out) continue;
      out[name] = part.slice(eq + 1).trim();
    }
  }
  return out;
}
