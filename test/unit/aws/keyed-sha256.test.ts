/**
 * The SDK clients' SHA-256 (shared/aws/keyed-sha256.ts) gives the digests node:crypto gives, for
 * HMACs under byte and string keys (SigV4's signing key, its daily derivation) and plain hashes
 * (payload hashes), through update, digest and reset as the SDK calls them.
 */
import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyedSha256 } from '../../../shared/aws/keyed-sha256';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('KeyedSha256', () => {
  it('matches node:crypto for HMACs under byte and string keys and for plain hashes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.uint8Array({ maxLength: 300 }),
        async (key, data) => {
          const bytes = new KeyedSha256(key);
          bytes.update(data);
          expect(hex(await bytes.digest())).toBe(createHmac('sha256', key).update(data).digest('hex'));
          const text = new KeyedSha256(`AWS4${hex(key)}`);
          text.update(data);
          expect(hex(await text.digest())).toBe(
            createHmac('sha256', `AWS4${hex(key)}`)
              .update(data)
              .digest('hex'),
          );
          const plain = new KeyedSha256();
          plain.update(data);
          expect(hex(await plain.digest())).toBe(createHash('sha256').update(data).digest('hex'));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reuses one key for the same bytes, keeps a sliced view apart, and resets', async () => {
    const backing = new Uint8Array(64).map((_, i) => i);
    const view = backing.subarray(16, 48);
    const first = new KeyedSha256(view);
    first.update(new Uint8Array([1, 2, 3]));
    const expected = createHmac('sha256', Buffer.from(view))
      .update(Buffer.from([1, 2, 3]))
      .digest('hex');
    expect(hex(await first.digest())).toBe(expected);
    expect(() => first.update(new Uint8Array([4]))).toThrow(/finished/);
    first.reset();
    first.update(new Uint8Array([1, 2, 3]));
    expect(hex(await first.digest())).toBe(expected);
    const again = new KeyedSha256(view);
    again.update(new Uint8Array([1, 2, 3]));
    expect(hex(await again.digest())).toBe(expected);
  });

  it('signs a request exactly as the SDK default does', async () => {
    const request = {
      method: 'POST',
      protocol: 'https:',
      hostname: 'dynamodb.us-east-1.amazonaws.com',
      path: '/',
      headers: { host: 'dynamodb.us-east-1.amazonaws.com', 'x-amz-target': 'DynamoDB_20120810.GetItem' },
      body: '{"TableName":"t","Key":{"pk":{"S":"a"}}}',
    };
    const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
    const authorization = async (sha256: unknown) => {
      const signer = new SignatureV4({
        credentials,
        region: 'us-east-1',
        service: 'dynamodb',
        sha256: sha256 as never,
      });
      const signed: unknown = await signer.sign({ ...request, headers: { ...request.headers } } as never, {
        signingDate: new Date('2026-12-06T12:00:00Z'),
      });
      return (signed as { headers: Record<string, string> }).headers.authorization;
    };
    const ours = await authorization(KeyedSha256);
    expect(ours).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20261206\/us-east-1\/dynamodb\/aws4_request/);
    expect(ours).toBe(await authorization(ReferenceSha256));
  });
});

/** node:crypto as the SDK's own class uses it: raw keys. */
class ReferenceSha256 {
  private hash;
  constructor(private readonly secret?: string | Uint8Array) {
    this.hash = secret ? createHmac('sha256', secret) : createHash('sha256');
  }
  update(data: Uint8Array) {
    this.hash.update(data);
  }
  async digest() {
    return new Uint8Array(this.hash.digest());
  }
  reset() {
    this.hash = this.secret ? createHmac('sha256', this.secret) : createHash('sha256');
  }
}
