/**
 * Tracking tokens are sealed deterministically (a synthetic IV: an HMAC of the plaintext under a
 * key derived from the tracking key), so a retried send carries byte-identical links, as Resend's
 * idempotency key needs; different payloads never share an IV; and tokens sealed with a random IV
 * (before the change) still open, the format being unchanged.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { instrumentHtml } from '../../../shared/email/tracking';
import { openTrackingToken, sealTrackingToken, type TrackingPayload } from '../../../shared/email/tracking-token';

const key = Buffer.alloc(32, 7);
const payload: TrackingPayload = {
  kind: 'click',
  workspaceId: 'ws-1',
  sendId: 'send-1',
  contactId: 'c1',
  url: 'https://acme.test/post',
  issuedAtMs: 1_000_000,
};
const raw = (token: string) => Buffer.from(token, 'base64url');
const ivOf = (token: string) => raw(token).subarray(1, 13).toString('hex');

/** A token as sealed before: random IV, same layout (version 1, iv, tag, body). */
function sealedWithRandomIv(p: TrackingPayload, k: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', k, iv);
  cipher.setAAD(Buffer.from([1]));
  const body = Buffer.concat([cipher.update(JSON.stringify(p), 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.from([1]), iv, cipher.getAuthTag(), body]).toString('base64url');
}

describe('deterministic tracking tokens', () => {
  it('seal the same payload under the same key to the same token, which opens to it', () => {
    const a = sealTrackingToken(payload, key);
    expect(sealTrackingToken({ ...payload }, Buffer.from(key))).toBe(a);
    expect(openTrackingToken(a, key)).toEqual(payload);
  });

  it('give different payloads different IVs (never one IV for two plaintexts), and other keys other tokens', () => {
    const variants: TrackingPayload[] = [
      payload,
      { ...payload, url: 'https://acme.test/post2' },
      { ...payload, issuedAtMs: 1_000_001 },
      { ...payload, kind: 'open', url: undefined },
      { ...payload, sendId: 'send-2' },
    ];
    const ivs = new Set(variants.map((p) => ivOf(sealTrackingToken(p, key))));
    expect(ivs.size).toBe(variants.length);
    const other = Buffer.alloc(32, 8);
    expect(ivOf(sealTrackingToken(payload, other))).not.toBe(ivOf(sealTrackingToken(payload, key)));
    expect(openTrackingToken(sealTrackingToken(payload, other), key)).toBeUndefined();
  });

  it('keep the format: version byte, 12-byte IV, 16-byte tag, body; a tampered token opens to nothing', () => {
    const token = raw(sealTrackingToken(payload, key));
    expect(token[0]).toBe(1);
    expect(token.length).toBe(1 + 12 + 16 + Buffer.byteLength(JSON.stringify(payload)));
    const tampered = Buffer.from(token);
    tampered[5] = (tampered[5] ?? 0) ^ 1; // in the IV
    expect(openTrackingToken(tampered.toString('base64url'), key)).toBeUndefined();
  });

  it('open tokens sealed before the change (random IV)', () => {
    const old = sealedWithRandomIv(payload, key);
    expect(openTrackingToken(old, key)).toEqual(payload);
  });

  it('make instrumentHtml deterministic for one send and issue time', () => {
    const html = '<p><a href="https://acme.test/post">Read</a></p></body>';
    const send = { workspaceId: 'ws-1', sendId: 'send-1', contactId: 'c1' };
    const options = { baseUrl: 'https://app.example', key, issuedAtMs: 1_000_000 };
    const first = instrumentHtml(html, send, options).html;
    expect(instrumentHtml(html, send, options).html).toBe(first);
    expect(instrumentHtml(html, send, { ...options, issuedAtMs: 2_000_000 }).html).not.toBe(first);
  });
});
