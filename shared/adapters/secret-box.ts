/**
 * Envelope encryption of secret settings with AES-256-GCM: each value gets a fresh data
 * key, which is itself wrapped by a key-encryption key (here a local 32-byte key; KMS in
 * `kms-secret-box.ts`). Both layers authenticate the (workspace, key) context as AAD, so
 * a ciphertext copied under another workspace or key fails to open.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { Sealed, SecretBox, SecretContext } from '../governance/ports';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The envelope could not be opened: wrong context, wrong key, or tampered with. */
export class SecretOpenError extends Error {
  override name = 'SecretOpenError';
}

/** Additional authenticated data naming where a ciphertext belongs. */
export const secretAad = (context: SecretContext): Buffer =>
  Buffer.from(JSON.stringify(['unite-hub/setting/v1', context.workspaceId, context.key]), 'utf8');

export interface GcmParts {
  readonly iv: Buffer;
  readonly ciphertext: Buffer;
  readonly tag: Buffer;
}

export function gcmEncrypt(key: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): GcmParts {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, ciphertext, tag: cipher.getAuthTag() };
}

/** @throws SecretOpenError when the tag does not verify (wrong key or AAD, or altered bytes). */
export function gcmDecrypt(key: Uint8Array, parts: GcmParts, aad: Uint8Array): Buffer {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, parts.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(parts.tag);
    return Buffer.concat([decipher.update(parts.ciphertext), decipher.final()]);
  } catch (error) {
    throw new SecretOpenError('The secret could not be opened in this context', { cause: error });
  }
}

/** Encrypts `plaintext` under `dataKey` and packs it with the wrapped data key; wipes the data key. */
export function sealWithDataKey(
  dataKey: Uint8Array,
  plaintext: string,
  context: SecretContext,
  wrapping: Pick<Sealed, 'kek' | 'kekId' | 'wrappedKey'>,
): Sealed {
  try {
    const parts = gcmEncrypt(dataKey, Buffer.from(plaintext, 'utf8'), secretAad(context));
    return {
      v: 1,
      ...wrapping,
      iv: parts.iv.toString('base64'),
      ciphertext: parts.ciphertext.toString('base64'),
      tag: parts.tag.toString('base64'),
    };
  } finally {
    dataKey.fill(0);
  }
}

/** Decrypts the value of an envelope with its unwrapped data key; wipes the data key. */
export function openWithDataKey(dataKey: Uint8Array, sealed: Sealed, context: SecretContext): string {
  try {
    return gcmDecrypt(dataKey, partsOf(sealed), secretAad(context)).toString('utf8');
  } finally {
    dataKey.fill(0);
  }
}

const partsOf = (s: Pick<Sealed, 'iv' | 'ciphertext' | 'tag'>): GcmParts => ({
  iv: Buffer.from(s.iv, 'base64'),
  ciphertext: Buffer.from(s.ciphertext, 'base64'),
  tag: Buffer.from(s.tag, 'base64'),
});

/**
 * A secret box over a local 32-byte key (the local runtime's, from `LOCAL_SECRET_KEY`).
 * The data key is wrapped with AES-256-GCM under the local key, with the same AAD.
 */
export function localSecretBox(masterKey: Uint8Array): SecretBox {
  if (masterKey.length !== 32) throw new Error('The local secret key must be 32 bytes');
  const master = Buffer.from(masterKey);
  const kekId = `local:${createHash('sha256').update(master).digest('hex').slice(0, 16)}`;
  return {
    async seal(plaintext, context) {
      const dataKey = randomBytes(32);
      const wrapped = gcmEncrypt(master, dataKey, secretAad(context));
      const wrappedKey = Buffer.concat([wrapped.iv, wrapped.tag, wrapped.ciphertext]).toString('base64');
      return sealWithDataKey(dataKey, plaintext, context, { kek: 'local', kekId, wrappedKey });
    },
    async open(sealed, context) {
      if (sealed.v !== 1 || sealed.kek !== 'local' || sealed.kekId !== kekId) {
        throw new SecretOpenError(`The secret was sealed under another key (${sealed.kek} ${sealed.kekId})`);
      }
      const bytes = Buffer.from(sealed.wrappedKey, 'base64');
      const parts = {
        iv: bytes.subarray(0, IV_BYTES),
        tag: bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES),
        ciphertext: bytes.subarray(IV_BYTES + TAG_BYTES),
      };
      return openWithDataKey(gcmDecrypt(master, parts, secretAad(context)), sealed, context);
    },
  };
}
