/**
 * The SDK clients' SHA-256 (`sha256` in a client's configuration): the SDK's own node:crypto
 * implementation, with one change. An HMAC keyed by bytes (SigV4 signs every request with an HMAC
 * under its signing key, which the signer derives once a day and hands back as the same
 * `Uint8Array`) is keyed by a `KeyObject` made once per key: node:crypto checks a raw key again on
 * every `createHmac`, which a `KeyObject` skips (a CPU profile of the campaign pipeline,
 * `node --cpu-prof` as docs/BENCHMARKS.md describes, had those checks among the functions' top
 * frames). Same digests (test/unit/aws/keyed-sha256.test.ts).
 */
import { createHash, createHmac, createSecretKey, type Hash, type Hmac, type KeyObject } from 'node:crypto';

type SourceData = string | ArrayBuffer | ArrayBufferView;

/** Keys made from byte secrets, by the secret's identity (a derived key lives as long as its bytes). */
const keys = new WeakMap<object, KeyObject>();

function keyOf(secret: SourceData): KeyObject | string {
  if (typeof secret === 'string') return secret;
  let key = keys.get(secret);
  if (!key) {
    const bytes = ArrayBuffer.isView(secret)
      ? Buffer.from(secret.buffer, secret.byteOffset, secret.byteLength)
      : Buffer.from(secret);
    key = createSecretKey(bytes);
    keys.set(secret, key);
  }
  return key;
}

export class KeyedSha256 {
  readonly digestLength = 32;
  private hash: Hash | Hmac;
  private finished = false;

  constructor(private readonly secret?: SourceData) {
    this.hash = this.create();
  }

  update(data: Uint8Array): void {
    if (this.finished) throw new Error('Attempted to update an already finished hash.');
    this.hash.update(data);
  }

  async digest(): Promise<Uint8Array> {
    let buf: Buffer;
    if (this.secret) {
      this.finished = true;
      buf = this.hash.digest();
    } else buf = (this.hash as Hash).copy().digest();
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  reset(): void {
    this.hash = this.create();
    this.finished = false;
  }

  private create(): Hash | Hmac {
    return this.secret ? createHmac('sha256', keyOf(this.secret)) : createHash('sha256');
  }
}
