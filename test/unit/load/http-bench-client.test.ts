/**
 * The response parser of the keep-alive bench client (load/http-bench/client.ts): answers split
 * across TCP chunks, answers back to back on one connection, Content-Length and chunked bodies.
 */
import { describe, expect, it } from 'vitest';
import { parseAnswer } from '../../../load/http-bench/client';

const answer = (status: number, body: string, headers = `Content-Length: ${Buffer.byteLength(body)}`) =>
  `HTTP/1.1 ${status} X\r\ncontent-type: application/json\r\n${headers}\r\nconnection: keep-alive\r\n\r\n${body}`;
const chunked = (status: number, chunks: string[]) =>
  `HTTP/1.1 ${status} X\r\ntransfer-encoding: chunked\r\n\r\n${chunks
    .map((c) => `${Buffer.byteLength(c).toString(16)}\r\n${c}\r\n`)
    .join('')}0\r\n\r\n`;

/** As the client's data handler: bytes arrive in `chunks`; every whole answer is taken off the front. */
function feed(chunks: string[]): { statuses: number[]; lengths: number[]; left: number } {
  let pending = Buffer.alloc(0);
  const statuses: number[] = [];
  const lengths: number[] = [];
  for (const chunk of chunks) {
    pending = Buffer.concat([pending, Buffer.from(chunk, 'latin1')]);
    for (let a = parseAnswer(pending); a; a = parseAnswer(pending)) {
      statuses.push(a.status);
      lengths.push(a.length);
      pending = pending.subarray(a.length);
    }
  }
  return { statuses, lengths, left: pending.length };
}

/** `text` cut into pieces of `size` bytes. */
const pieces = (text: string, size: number) =>
  Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size));

describe('parseAnswer', () => {
  it('takes a Content-Length answer as head plus that many body bytes', () => {
    const text = answer(200, '{"status":"ok"}');
    expect(parseAnswer(Buffer.from(text))).toEqual({ length: text.length, status: 200 });
  });

  it('waits for the rest of an answer split anywhere, head or body', () => {
    const text = answer(200, '{"status":"ok","version":"1.2.3"}');
    for (let cut = 1; cut < text.length; cut++) {
      expect(parseAnswer(Buffer.from(text.slice(0, cut))), `cut at ${cut}`).toBeUndefined();
    }
    expect(feed(pieces(text, 1))).toEqual({ statuses: [200], lengths: [text.length], left: 0 });
    expect(feed(pieces(text, 7))).toEqual({ statuses: [200], lengths: [text.length], left: 0 });
  });

  it('takes keep-alive answers back to back, in one chunk or split across the boundary', () => {
    const first = answer(200, '{"a":1}');
    const second = answer(404, '{"error":"NOT_FOUND"}', 'content-length: 21');
    const third = answer(503, '');
    const all = first + second + third;

    expect(feed([all])).toEqual({
      statuses: [200, 404, 503],
      lengths: [first.length, second.length, third.length],
      left: 0,
    });
    expect(feed([first.slice(0, -2), first.slice(-2) + second.slice(0, 5), second.slice(5) + third]).statuses).toEqual([
      200, 404, 503,
    ]);
    expect(feed(pieces(all, 3)).statuses).toEqual([200, 404, 503]);
  });

  it('leaves the start of the next answer for later', () => {
    const first = answer(200, 'hello');
    const next = answer(200, 'world').slice(0, 10);
    expect(feed([first + next])).toEqual({ statuses: [200], lengths: [first.length], left: 10 });
  });

  it('takes a chunked answer up to its last chunk, split or not', () => {
    const text = chunked(200, ['{"status":', '"ok"}']);
    expect(parseAnswer(Buffer.from(text))).toEqual({ length: text.length, status: 200 });
    expect(parseAnswer(Buffer.from(text.slice(0, -1)))).toBeUndefined();
    expect(feed(pieces(text + answer(201, '{}'), 4)).statuses).toEqual([200, 201]);
    const trailer = `${text.slice(0, -2)}x-trailer: 1\r\n\r\n`;
    expect(feed([trailer + answer(201, '{}')]).lengths[0]).toBe(trailer.length);
  });

  it('does not end a chunked answer at a body that looks like the last chunk', () => {
    const text = chunked(200, ['ab0\r\n\r\n', 'cd']);
    expect(feed([text + answer(204, '')])).toEqual({
      statuses: [200, 204],
      lengths: [text.length, answer(204, '').length],
      left: 0,
    });
  });

  it('takes an answer without Content-Length or chunks as its head alone', () => {
    const text = 'HTTP/1.1 204 No Content\r\nconnection: keep-alive\r\n\r\n';
    expect(parseAnswer(Buffer.from(text))).toEqual({ length: text.length, status: 204 });
  });
});
