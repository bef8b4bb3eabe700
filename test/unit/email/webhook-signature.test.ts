/** Svix signatures (Resend webhooks): valid, tampered, expired, rotated secrets, missing headers. */
import { describe, expect, it } from 'vitest';
import { svixHeaders } from '../../../lib/local/emulators/resend-webhooks';
import { signWebhook, verifyWebhook } from '../../../shared/email/webhook-signature';

// Svix's own documented example (docs.svix.com, "Verifying Webhooks Manually").
const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const body = '{"test": 2432232314}';
const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const timestamp = 1614265330;
const nowMs = timestamp * 1000 + 10_000;

describe('verifyWebhook', () => {
  it('accepts Svix’s documented example signature', () => {
    const signature = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';
    expect(signWebhook(secret, id, timestamp, body)).toBe(signature);
    expect(verifyWebhook(secret, { id, timestamp: String(timestamp), signature }, body, nowMs)).toEqual({
      valid: true,
      id,
    });
  });

  it('accepts what the local Resend stand-in signs (a second implementation)', () => {
    const headers = svixHeaders(secret, body, nowMs);
    const verdict = verifyWebhook(
      secret,
      { id: headers['svix-id'], timestamp: headers['svix-timestamp'], signature: headers['svix-signature'] },
      body,
      nowMs,
    );
    expect(verdict.valid).toBe(true);
  });

  it('refuses a tampered body, id or timestamp, and another secret', () => {
    const signature = signWebhook(secret, id, timestamp, body);
    const ok = { id, timestamp: String(timestamp), signature };
    expect(verifyWebhook(secret, ok, body.replace('2432', '2433'), nowMs)).toEqual({
      valid: false,
      reason: 'bad-signature',
    });
    expect(verifyWebhook(secret, { ...ok, id: 'msg_other' }, body, nowMs)).toEqual({
      valid: false,
      reason: 'bad-signature',
    });
    expect(verifyWebhook(secret, { ...ok, timestamp: String(timestamp + 1) }, body, nowMs)).toEqual({
      valid: false,
      reason: 'bad-signature',
    });
    expect(verifyWebhook('whsec_b3RoZXItc2VjcmV0LW90aGVyLXNlY3JldA==', ok, body, nowMs)).toEqual({
      valid: false,
      reason: 'bad-signature',
    });
    expect(verifyWebhook(secret, { ...ok, signature: 'v1,AAAA' }, body, nowMs)).toEqual({
      valid: false,
      reason: 'bad-signature',
    });
    expect(verifyWebhook(secret, { ...ok, signature: `v2,${signature.slice(3)}` }, body, nowMs).valid).toBe(false);
  });

  it('refuses a timestamp more than 5 minutes away (replay), either way', () => {
    const signature = signWebhook(secret, id, timestamp, body);
    const headers = { id, timestamp: String(timestamp), signature };
    expect(verifyWebhook(secret, headers, body, timestamp * 1000 + 5 * 60_000).valid).toBe(true);
    expect(verifyWebhook(secret, headers, body, timestamp * 1000 + 5 * 60_000 + 1001)).toEqual({
      valid: false,
      reason: 'expired',
    });
    expect(verifyWebhook(secret, headers, body, timestamp * 1000 - 6 * 60_000)).toEqual({
      valid: false,
      reason: 'expired',
    });
  });

  it('finds the valid entry among several (secret rotation) and refuses missing or malformed headers', () => {
    const signature = `v1,bm90LXRoaXMtb25l ${signWebhook(secret, id, timestamp, body)}`;
    expect(verifyWebhook(secret, { id, timestamp: String(timestamp), signature }, body, nowMs).valid).toBe(true);
    expect(verifyWebhook(secret, { id, timestamp: String(timestamp) }, body, nowMs)).toEqual({
      valid: false,
      reason: 'missing-headers',
    });
    expect(verifyWebhook(secret, { id, timestamp: 'soon', signature }, body, nowMs)).toEqual({
      valid: false,
      reason: 'bad-timestamp',
    });
  });
});
