/**
 * The small multipart/form-data reader behind RFC 8058 one-click unsubscribes
 * (shared/http/multipart-form.ts): text fields in order, files and nameless parts skipped, never
 * an error, one pass over the body. Random forms are encoded as a browser or a mail provider
 * would (CRLF, or LF alone) and must read back as they were.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_FIELDS, multipartBoundary, multipartFields } from '../../../shared/http/multipart-form';

const encode = (boundary: string, fields: ReadonlyArray<readonly [string, string]>, eol: string, preamble = '') =>
  [
    ...(preamble ? [preamble] : []),
    ...fields.flatMap(([name, value]) => [
      `--${boundary}`,
      `Content-Disposition: form-data; name="${name}"`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      value,
    ]),
    `--${boundary}--`,
    'epilogue',
  ].join(eol);

describe('multipartBoundary', () => {
  it('reads a token or a quoted boundary of 1 to 70 characters, in any parameter position', () => {
    expect(multipartBoundary('multipart/form-data; boundary=abc')).toBe('abc');
    expect(multipartBoundary('multipart/form-data; charset=utf-8; BOUNDARY="a b:c"')).toBe('a b:c');
    expect(multipartBoundary('multipart/form-data; boundary="x y"')).toBe('x y');
    expect(multipartBoundary('multipart/form-data')).toBeUndefined();
    expect(multipartBoundary('multipart/form-data; boundary=')).toBeUndefined();
    expect(multipartBoundary(`multipart/form-data; boundary=${'b'.repeat(71)}`)).toBeUndefined();
  });
});

describe('multipartFields', () => {
  it('reads what a mailbox provider sends for RFC 8058', () => {
    const body = '--XyZ\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--XyZ--\r\n';
    expect(multipartFields(body, 'multipart/form-data; boundary=XyZ')).toEqual([['List-Unsubscribe', 'One-Click']]);
  });

  it('keeps empty and multi-line values, parameters in any order and case, and skips files and nameless parts', () => {
    const body = [
      'preamble',
      '--b',
      'content-disposition: Form-Data; filename="f.txt"; name="file"',
      '',
      'not a field',
      '--b',
      'Content-Disposition: form-data',
      '',
      'no name',
      '--b',
      'Content-Disposition: attachment; name="x"',
      '',
      'not form-data',
      '--b',
      'Content-Disposition: form-data; foo; NAME = "a;b"; x=1',
      '',
      'line 1\r\nline 2',
      '--b',
      'Content-Disposition: form-data; name=bare',
      '',
      '',
      '--b--',
    ].join('\r\n');
    expect(multipartFields(body, 'multipart/form-data; boundary=b')).toEqual([
      ['a;b', 'line 1\r\nline 2'],
      ['bare', ''],
    ]);
  });

  it('answers what it read of a body cut short, and nothing for one it cannot read', () => {
    const type = 'multipart/form-data; boundary=b';
    expect(
      multipartFields('--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--b\r\nContent-Di', type),
    ).toEqual([['a', '1']]);
    expect(multipartFields('--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n1', type)).toEqual([]);
    expect(multipartFields('a=1', type)).toEqual([]);
    expect(multipartFields('', type)).toEqual([]);
    expect(multipartFields('--b\r\n--b--', type)).toEqual([]);
    expect(multipartFields('--b', 'multipart/form-data')).toEqual([]);
  });

  it('reads random forms back as they were, CRLF or LF, with or without a preamble', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', '=', '&', ';', '-', '\r\n', '\n', 'é', '"') });
    const name = fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', '=', '&', ';', '-', 'é'), minLength: 1 });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(name, text), { maxLength: 8 }),
        fc.constantFrom('\r\n', '\n'),
        fc.constantFrom('', 'This is a multi-part message.'),
        (fields, eol, preamble) => {
          // Senders choose a boundary that occurs in no value: this one has characters the values lack.
          const boundary = '----=_Part_7.Xk';
          const values = eol === '\n' ? fields.map(([n, v]) => [n, v.replaceAll('\r\n', '\n')] as const) : fields;
          expect(
            multipartFields(encode(boundary, values, eol, preamble), `multipart/form-data; boundary="${boundary}"`),
          ).toEqual(values.map(([n, v]) => [n, v]));
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it(`reads at most ${MAX_FIELDS} fields`, () => {
    const fields = Array.from({ length: MAX_FIELDS + 5 }, (_, i) => [`f${i}`, String(i)] as const);
    expect(multipartFields(encode('b', fields, '\r\n'), 'multipart/form-data; boundary=b')).toHaveLength(MAX_FIELDS);
  });

  // Far past any route's body limit (the unsubscribe route takes 4 KB): one pass, so milliseconds;
  // no wall-clock time is asserted, a rescan per delimiter or per parameter shows as the timeout.
  it.each([
    ['delimiters without line ends', '--b'.repeat(400_000)],
    ['parts without a blank line', '--b\r\nContent-Disposition: form-data; name="a"\r\n'.repeat(25_000)],
    [
      'one header of parameters without values',
      `--b\r\nContent-Disposition: form-data${'; x'.repeat(400_000)}; name="a"\r\n\r\nv\r\n--b--`,
    ],
    [
      'one header of unclosed quotes',
      `--b\r\nContent-Disposition: form-data${'; name="'.repeat(150_000)}\r\n\r\nv\r\n--b--`,
    ],
    ['nameless parts', '--b\r\n\r\nx\r\n'.repeat(100_000)],
  ])(
    'stays linear on 1 MB of %s',
    (_label, body) => {
      expect(Array.isArray(multipartFields(body, 'multipart/form-data; boundary=b'))).toBe(true);
    },
    2_000,
  );
});
