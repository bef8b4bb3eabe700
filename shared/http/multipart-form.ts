/**
 * The text fields of a `multipart/form-data` body (RFC 7578), for a route that takes a small
 * form in either encoding: RFC 8058's one-click unsubscribe SHOULD be sent as multipart/form-data
 * and MAY be sent as application/x-www-form-urlencoded. The fields are answered as the urlencoded
 * form they stand for, so the operation reads one shape whatever the encoding.
 *
 * Deliberately small: no files (a part with a `filename` is skipped), no nested multiparts, no
 * `Content-Transfer-Encoding` or part charsets (values are the body's text, which the edge read
 * in the charset the Content-Type names: shared/http/parse-request.ts). It never fails:
 * what it cannot read (no boundary, a part without a name, a body cut short) is left out, so an
 * unreadable body is an empty form. Bounded: the body is already within the route's size limit,
 * each search starts where the previous one ended (one pass), and at most {@link MAX_FIELDS}
 * fields are read. Line breaks may be CRLF (as the RFC says) or LF alone.
 */

export const MAX_FIELDS = 100;

/** `multipart/form-data; boundary=...` -> the boundary (RFC 2046: 1 to 70 characters), or undefined. */
export function multipartBoundary(contentType: string): string | undefined {
  for (const parameter of contentType.split(';').slice(1)) {
    const eq = parameter.indexOf('=');
    if (eq < 0 || parameter.slice(0, eq).trim().toLowerCase() !== 'boundary') continue;
    let value = parameter.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    return value.length >= 1 && value.length <= 70 ? value : undefined;
  }
  return undefined;
}

/** The text fields of `raw`, in order: `[name, value]` pairs (empty when nothing can be read). */
export function multipartFields(raw: string, contentType: string): Array<[string, string]> {
  const boundary = multipartBoundary(contentType);
  if (boundary === undefined) return [];
  const delimiter = `--${boundary}`;
  const fields: Array<[string, string]> = [];
  // The first delimiter opens the body or a line after a preamble; each later one opens a line.
  let at = raw.startsWith(delimiter) ? 0 : raw.indexOf(`\n${delimiter}`) + 1;
  if (at === 0 && !raw.startsWith(delimiter)) return fields;
  for (;;) {
    const afterDelimiter = at + delimiter.length;
    // `--boundary--` closes the body.
    if (raw.startsWith('--', afterDelimiter)) break;
    const lineEnd = raw.indexOf('\n', afterDelimiter);
    if (lineEnd < 0) break;
    const next = raw.indexOf(`\n${delimiter}`, lineEnd);
    if (next < 0) break;
    // The line break before the next delimiter belongs to it, not to the part.
    const field = readPart(raw.slice(lineEnd + 1, raw[next - 1] === '\r' ? next - 1 : next));
    if (field) fields.push(field);
    if (fields.length >= MAX_FIELDS) break;
    at = next + 1;
  }
  return fields;
}

/** A part's field, or undefined when it is a file or has no `Content-Disposition: form-data; name=...`. */
function readPart(part: string): [string, string] | undefined {
  const blank = headersEnd(part);
  if (!blank) return undefined;
  let disposition: Map<string, string> | undefined;
  for (const line of part.slice(0, blank.headers).split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === 'content-disposition') {
      disposition = formDataParameters(line.slice(colon + 1));
    }
  }
  const name = disposition?.get('name');
  if (name === undefined || disposition?.has('filename')) return undefined;
  return [name, part.slice(blank.body)];
}

/** Where a part's headers end and its body starts (after the blank line), or undefined. */
function headersEnd(part: string): { headers: number; body: number } | undefined {
  // No headers at all: the part opens with the blank line.
  if (part.startsWith('\r\n')) return { headers: 0, body: 2 };
  if (part.startsWith('\n')) return { headers: 0, body: 1 };
  const lf = part.indexOf('\n\n');
  const crlf = part.indexOf('\r\n\r\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { headers: crlf, body: crlf + 4 };
  if (lf >= 0) return { headers: lf, body: lf + 2 };
  return undefined;
}

/** `form-data; name="a"; filename="b"` -> its parameters (names in lower case, the first wins); undefined for another disposition. */
function formDataParameters(value: string): Map<string, string> | undefined {
  const semicolon = value.indexOf(';');
  if ((semicolon < 0 ? value : value.slice(0, semicolon)).trim().toLowerCase() !== 'form-data') return undefined;
  const parameters = new Map<string, string>();
  // `at` is the `;` before the next parameter, `eq` the first `=` after it: each search starts
  // where the previous one ended.
  let at = semicolon;
  let eq = at < 0 ? -1 : value.indexOf('=', at + 1);
  while (at >= 0 && eq >= 0) {
    const nextSemicolon = value.indexOf(';', at + 1);
    // A parameter without a value (`; x;`) is skipped.
    if (nextSemicolon >= 0 && nextSemicolon < eq) {
      at = nextSemicolon;
      continue;
    }
    const name = value
      .slice(at + 1, eq)
      .trim()
      .toLowerCase();
    let start = eq + 1;
    while (value[start] === ' ' || value[start] === '\t') start += 1;
    let parameter: string;
    if (value[start] === '"') {
      // Browsers percent-encode a `"` in a name (RFC 7578, 2): the next quote closes the value.
      const close = value.indexOf('"', start + 1);
      parameter = value.slice(start + 1, close < 0 ? value.length : close);
      at = close < 0 ? -1 : value.indexOf(';', close);
    } else {
      parameter = value.slice(start, nextSemicolon < 0 ? value.length : nextSemicolon).trim();
      at = nextSemicolon;
    }
    if (!parameters.has(name)) parameters.set(name, parameter);
    eq = at < 0 ? -1 : value.indexOf('=', at + 1);
  }
  return parameters;
}
