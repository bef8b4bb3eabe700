/**
 * RFC 8058 one-click unsubscribe, whatever the body's encoding (review 7, email: was
 * test/unit/review7-email/one-click-multipart-refused.test.ts).
 *
 * What failed: the provider POSTs "List-Unsubscribe=One-Click", and RFC 8058 (3.1) says the
 * content SHOULD be multipart/form-data (RFC 7578) and MAY be application/x-www-form-urlencoded.
 * POST /u/{token} declared bodyTypes ['application/x-www-form-urlencoded', 'application/json']
 * only (lib/definition/email-routes.ts), so parseBody (shared/http/parse-request.ts) answered a
 * provider that follows the SHOULD with 415 UNSUPPORTED_MEDIA_TYPE before honourUnsubscribe ran:
 * the reader clicked "Unsubscribe" in the mail client and kept getting marketing.
 *
 * Now: the route takes multipart/form-data, read by a small bounded parser
 * (shared/http/multipart-form.ts) into the urlencoded form the operation already reads, so a
 * multipart one-click or preferences form means what its urlencoded twin means. And the route
 * declares `*\/*`: a POST to the link is the unsubscribe, so no body is refused for its type; a
 * body the route cannot read (another type, unreadable multipart, no Content-Type and not JSON)
 * reaches the operation as none, which unsubscribes from all. Other routes keep their strictness.
 */
import { describe, expect, it } from 'vitest';
import { emailRoutes } from '../../../lib/definition/email-routes';
import { declaredRoutes } from '../../../lib/definition/index';
import { unsubscribeChoice } from '../../../shared/email/unsubscribe';
import { bodyParsing } from '../../../shared/http/middlewares/body-parsing';
import { stateOf } from '../../../shared/http/middlewares/edge-state';
import { apiEvent, edgeRequest } from '../../support/edge-request';

const found = emailRoutes.find((r) => r.id === 'unsubscribe.confirm');
if (!found) throw new Error('no unsubscribe.confirm route');
const route = found;

/** What the operation of POST /u/{token} is handed for this body (the edge's body parsing). */
const bodyFor = (body: string, contentType?: string) => {
  const headers: Record<string, string> = { 'user-agent': 'GoogleOneClick/1.0' };
  if (contentType !== undefined) headers['content-type'] = contentType;
  const request = edgeRequest(
    apiEvent({ method: 'POST', path: '/u/TOKEN', body, headers, pathParameters: { token: 'TOKEN' } }),
    { route, caller: { clientAddress: '203.0.113.5', publicHost: 'app.example' } },
  );
  void bodyParsing().before?.(request);
  return stateOf(request).request?.body;
};

const multipart = (boundary: string, fields: ReadonlyArray<readonly [string, string]>, eol = '\r\n') =>
  [
    ...fields.flatMap(([name, value]) => [
      `--${boundary}`,
      `Content-Disposition: form-data; name="${name}"`,
      '',
      value,
    ]),
    `--${boundary}--`,
    '',
  ].join(eol);

describe('POST /u/{token} from a mailbox provider (RFC 8058)', () => {
  it('takes the one-click body as multipart/form-data, the RFC’s recommended encoding', () => {
    const boundary = '----oneclick7MA4YWxkTrZu0gW';
    const body = bodyFor(
      multipart(boundary, [['List-Unsubscribe', 'One-Click']]),
      `multipart/form-data; boundary=${boundary}`,
    );
    expect(body).toBe('List-Unsubscribe=One-Click');
    expect(unsubscribeChoice(body)).toEqual({ scope: 'all' });
  });

  it('reads a multipart form as its urlencoded twin: a quoted boundary, LF line breaks, topics', () => {
    const fields = [
      ['scope', 'topics'],
      ['topic', 'news'],
      ['topic', 'offers'],
    ] as const;
    const body = bodyFor(multipart('b 1', fields, '\n'), 'Multipart/Form-Data; charset=utf-8; boundary="b 1"');
    expect(body).toBe('scope=topics&topic=news&topic=offers');
    expect(unsubscribeChoice(body)).toEqual({ scope: 'topics', topics: ['news', 'offers'] });
  });

  it('still takes the urlencoded form and the preferences JSON as before', () => {
    expect(bodyFor('List-Unsubscribe=One-Click', 'application/x-www-form-urlencoded')).toBe(
      'List-Unsubscribe=One-Click',
    );
    expect(bodyFor('{"topics":["news"]}', 'application/json')).toEqual({ topics: ['news'] });
    expect(bodyFor('{"topics":["news"]}')).toEqual({ topics: ['news'] });
  });

  it('refuses no body for its type: what it cannot read is no body, an unsubscribe from all', () => {
    const unreadable: ReadonlyArray<readonly [string, string | undefined]> = [
      ['List-Unsubscribe=One-Click', 'text/plain'],
      ['List-Unsubscribe=One-Click', 'application/octet-stream'],
      ['<unsubscribe/>', 'application/xml'],
      ['List-Unsubscribe=One-Click', '*/*'],
      ['List-Unsubscribe=One-Click', undefined],
      ['List-Unsubscribe=One-Click', 'multipart/mixed; boundary=x'],
    ];
    for (const [raw, type] of unreadable) {
      const body = bodyFor(raw, type);
      expect(body, String(type)).toBeUndefined();
      expect(unsubscribeChoice(body)).toEqual({ scope: 'all' });
    }
    // Multipart it cannot read (no boundary, no delimiter, no name, a file): an empty form.
    for (const [raw, type] of [
      ['List-Unsubscribe=One-Click', 'multipart/form-data'],
      ['List-Unsubscribe=One-Click', 'multipart/form-data; boundary=x'],
      ['--x\r\nContent-Type: text/plain\r\n\r\nOne-Click\r\n--x--', 'multipart/form-data; boundary=x'],
      [
        '--x\r\nContent-Disposition: form-data; name="scope"; filename="a.txt"\r\n\r\ntopics\r\n--x--',
        'multipart/form-data; boundary=x',
      ],
    ] as const) {
      const body = bodyFor(raw, type);
      expect(body, raw).toBe('');
      expect(unsubscribeChoice(body)).toEqual({ scope: 'all' });
    }
  });

  it('still refuses a body that says it is JSON and is not (400): the preferences API’s mistake, not a type', () => {
    expect(() => bodyFor('List-Unsubscribe=One-Click', 'application/json')).toThrow(
      expect.objectContaining({ status: 400, code: 'MALFORMED_JSON' }),
    );
  });

  it('is the only route that takes multipart or any type: the others keep their media types', () => {
    const lenient = declaredRoutes.filter((r) =>
      (r as { bodyTypes?: readonly string[] }).bodyTypes?.some((t) => t === '*/*' || t === 'multipart/form-data'),
    );
    expect(lenient.map((r) => r.id)).toEqual(['unsubscribe.confirm']);
  });
});
