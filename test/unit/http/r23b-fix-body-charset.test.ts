/**
 * Review round 23 (fixer b): the edge read every text body as UTF-8, ignored the charset its
 * Content-Type names, and put U+FFFD in place of bytes that were not UTF-8 without a word
 * (shared/http/parse-request.ts), so a Windows-1252 CSV (Excel's "CSV" on Windows) was imported
 * with its letters destroyed (test/e2e/r23b-import-non-utf8-mangled.test.ts). The class: every body
 * the edge reads as text (a CSV or plain text, a urlencoded or multipart form, JSON). Now bytes are
 * decoded strictly in the charset named (UTF-8 when none; a byte-order mark wins); a charset
 * TextDecoder does not know is 415; bytes not valid in it are 400 `INVALID_BODY_ENCODING`; text the
 * gateway already read as UTF-8 with U+FFFD in it is refused as well (what those bytes were is
 * lost); a `*\/*` route (one-click unsubscribe) is refused nothing and gets no body instead.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { emailRoutes } from '../../../lib/definition/email-routes';
import { bodyParsing, requestHead } from '../../../shared/http/middlewares/body-parsing';
import { stateOf } from '../../../shared/http/middlewares/edge-state';
import { apiEvent, edgeRequest, testRoute } from '../../support/edge-request';

const csvRoute = testRoute({
  id: 'things.import',
  method: 'POST',
  path: '/api/things/import',
  bodyTypes: ['text/csv', 'text/plain'],
});
const formRoute = testRoute({
  id: 'things.form',
  method: 'POST',
  path: '/api/things/form',
  bodyTypes: ['application/x-www-form-urlencoded', 'multipart/form-data'],
});
const jsonRoute = testRoute({ id: 'things.create', method: 'POST', path: '/api/things' });
const unsubscribe = emailRoutes.find((r) => r.id === 'unsubscribe.confirm');
if (!unsubscribe) throw new Error('no unsubscribe.confirm route');
const caller = { clientAddress: '203.0.113.5', publicHost: 'app.example' };

/** An event whose body API Gateway passed as base64 bytes (any type it does not treat as text). */
function bytesEvent(route: typeof csvRoute, bytes: Buffer, contentType: string): APIGatewayProxyEventV2 {
  const event = apiEvent({ method: 'POST', path: route.path, headers: { 'content-type': contentType } });
  return { ...event, body: bytes.toString('base64'), isBase64Encoded: true };
}

/** An event whose body API Gateway passed as text it read as UTF-8 (text/*, JSON). */
function textEvent(route: typeof csvRoute, text: string, contentType: string): APIGatewayProxyEventV2 {
  const event = apiEvent({ method: 'POST', path: route.path, headers: { 'content-type': contentType } });
  return { ...event, body: text, isBase64Encoded: false };
}

/** The request the operation is handed, through both edge steps (head, then body), or what they threw. */
function parse(event: APIGatewayProxyEventV2, route: typeof csvRoute) {
  const request = edgeRequest(event, { route, caller });
  try {
    void requestHead().before?.(request);
    void bodyParsing().before?.(request);
    return { request: stateOf(request).request, error: undefined };
  } catch (error) {
    return { request: undefined, error: error as { status: number; code: string; message: string; details?: unknown } };
  }
}

const cp1252 = (text: string) => Buffer.from(text, 'latin1'); // the letters used here agree with Latin-1
const CSV = 'email,firstName,company\r\njose@example.com,José,Café Zürich\r\n';

describe('a body in bytes is read in the charset its Content-Type names', () => {
  it('reads a Windows-1252 CSV that says so as written', () => {
    const { request } = parse(bytesEvent(csvRoute, cp1252(CSV), 'text/csv; charset=windows-1252'), csvRoute);
    expect(request?.body).toBe(CSV);
    expect(request?.rawBody).toBe(CSV);
    // Labels as the WHATWG Encoding Standard spells them, quoted or not, in any case.
    for (const label of ['"latin1"', 'ISO-8859-1', 'cp1252']) {
      expect(parse(bytesEvent(csvRoute, cp1252(CSV), `text/csv; Charset=${label}`), csvRoute).request?.body).toBe(CSV);
    }
  });

  it('refuses bytes that are not valid in it with 400 INVALID_BODY_ENCODING, telling a CSV how to save', () => {
    const { error } = parse(bytesEvent(csvRoute, cp1252(CSV), 'text/csv'), csvRoute);
    expect(error).toMatchObject({ status: 400, code: 'INVALID_BODY_ENCODING', details: { encoding: 'utf-8' } });
    expect(error?.message).toContain('CSV UTF-8');
    expect(error?.message).toContain('charset=windows-1252');
    const bad = Buffer.from([0x61, 0x85, 0x40, 0x0a]); // 85 40 is no Shift_JIS character
    expect(parse(bytesEvent(csvRoute, bad, 'text/csv; charset=shift_jis'), csvRoute).error).toMatchObject({
      status: 400,
      code: 'INVALID_BODY_ENCODING',
      details: { encoding: 'shift_jis' },
    });
  });

  it('answers 415 for a charset it does not know, naming it', () => {
    const { error } = parse(bytesEvent(csvRoute, Buffer.from(CSV), 'text/csv; charset=klingon-1'), csvRoute);
    expect(error).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', details: { charset: 'klingon-1' } });
    expect(error?.message).toContain('klingon-1');
  });

  it('reads a UTF-8 (or UTF-16) body with a byte-order mark by its mark, whatever the label', () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(CSV)]);
    expect(parse(bytesEvent(csvRoute, bom, 'text/csv'), csvRoute).request?.body).toBe(CSV);
    expect(parse(bytesEvent(csvRoute, bom, 'text/csv; charset=windows-1252'), csvRoute).request?.body).toBe(CSV);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(CSV, 'utf16le')]);
    expect(parse(bytesEvent(csvRoute, utf16, 'text/plain'), csvRoute).request?.body).toBe(CSV);
  });

  it('reads JSON in bytes as UTF-8, strictly', () => {
    const ok = parse(bytesEvent(jsonRoute, Buffer.from('{"name":"José"}'), 'application/merge-patch+json'), jsonRoute);
    expect(ok.request?.body).toEqual({ name: 'José' });
    const bad = parse(bytesEvent(jsonRoute, cp1252('{"name":"José"}'), 'application/json'), jsonRoute);
    expect(bad.error).toMatchObject({ status: 400, code: 'INVALID_BODY_ENCODING' });
  });
});

describe('a body API Gateway passed as text (read as UTF-8 on the way)', () => {
  it('is refused when it holds U+FFFD, the mark of bytes that were not UTF-8, naming the line', () => {
    const mangled = cp1252(CSV).toString('utf8');
    expect(mangled).toContain('\uFFFD');
    for (const type of ['text/csv', 'text/csv; charset=windows-1252', 'text/plain; charset=utf-8']) {
      const { error } = parse(textEvent(csvRoute, mangled, type), csvRoute);
      expect(error, type).toMatchObject({ status: 400, code: 'INVALID_BODY_ENCODING', details: { line: 2 } });
      expect(error?.message).toContain('CSV UTF-8');
    }
  });

  it('keeps a UTF-8 body as it came, a BOM included', () => {
    expect(parse(textEvent(csvRoute, CSV, 'text/csv'), csvRoute).request?.body).toBe(CSV);
    expect(parse(textEvent(csvRoute, `\uFEFF${CSV}`, 'text/csv; charset=windows-1252'), csvRoute).request?.body).toBe(
      `\uFEFF${CSV}`,
    );
  });

  it('takes text that lost nothing back to the bytes sent, and reads them in the charset named', () => {
    // The bytes C3 A9 are `Ã©` in Windows-1252 (and `é` read as UTF-8, as the gateway did).
    const sent = Buffer.from([0x41, 0xc3, 0xa9]);
    const { request } = parse(textEvent(csvRoute, sent.toString('utf8'), 'text/plain; charset=windows-1252'), csvRoute);
    expect(request?.body).toBe('AÃ©');
  });

  it('leaves JSON text as the gateway read it (JSON is UTF-8; U+FFFD is a character a client may send)', () => {
    expect(parse(textEvent(jsonRoute, '{"a":"\uFFFD"}', 'application/json'), jsonRoute).request?.body).toEqual({
      a: '\uFFFD',
    });
  });
});

describe('forms', () => {
  it('hands a urlencoded form in another charset over as the UTF-8 form it stands for', () => {
    const { request } = parse(
      bytesEvent(
        formRoute,
        Buffer.from('name=Jos%E9+M%FCller&x=1'),
        'application/x-www-form-urlencoded; charset=windows-1252',
      ),
      formRoute,
    );
    expect(new URLSearchParams(request?.body as string).get('name')).toBe('José Müller');
    // A UTF-8 form is handed over as it came.
    const utf8 = 'name=Jos%C3%A9&x=1';
    expect(
      parse(bytesEvent(formRoute, Buffer.from(utf8), 'application/x-www-form-urlencoded'), formRoute).request?.body,
    ).toBe(utf8);
  });

  it('refuses %-escapes that are not valid in the form’s charset', () => {
    const { error } = parse(
      bytesEvent(formRoute, Buffer.from('name=Jos%E9'), 'application/x-www-form-urlencoded'),
      formRoute,
    );
    expect(error).toMatchObject({ status: 400, code: 'INVALID_BODY_ENCODING' });
  });

  it('reads a multipart form in the charset it names', () => {
    const body = ['--b', 'Content-Disposition: form-data; name="name"', '', 'José', '--b--', ''].join('\r\n');
    const { request } = parse(
      bytesEvent(formRoute, cp1252(body), 'multipart/form-data; boundary=b; charset=windows-1252'),
      formRoute,
    );
    expect(new URLSearchParams(request?.body as string).get('name')).toBe('José');
    expect(
      parse(bytesEvent(formRoute, cp1252(body), 'multipart/form-data; boundary=b'), formRoute).error,
    ).toMatchObject({ status: 400, code: 'INVALID_BODY_ENCODING' });
  });

  it('refuses nothing to the one-click unsubscribe: what it cannot read reaches it as no body', () => {
    const route = unsubscribe as typeof csvRoute;
    for (const [bytes, type] of [
      [Buffer.from('List-Unsubscribe=One-Click%FF'), 'application/x-www-form-urlencoded'],
      [Buffer.from('List-Unsubscribe=One-Click'), 'application/x-www-form-urlencoded; charset=klingon-1'],
      [cp1252('{"topics":["é"]}'), 'application/json'],
    ] as const) {
      const { request, error } = parse(bytesEvent(route, bytes, type), route);
      expect(error, type).toBeUndefined();
      expect(request?.body, type).toBeUndefined();
    }
    const ok = parse(
      bytesEvent(route, Buffer.from('List-Unsubscribe=One-Click'), 'application/x-www-form-urlencoded'),
      route,
    );
    expect(ok.request?.body).toBe('List-Unsubscribe=One-Click');
  });
});
