/**
 * The secret box in the cloud: KMS `GenerateDataKey` gives a fresh AES-256 data key per
 * value (plaintext used once, then wiped; only the KMS-wrapped copy is stored), and
 * `Decrypt` unwraps it. The encryption context {workspaceId, key} binds the data key to
 * where the value belongs (and shows up in CloudTrail); the value's AAD binds it again.
 */
import { DecryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { SecretBox, SecretContext } from '../governance/ports';
import { openWithDataKey, SecretOpenError, sealWithDataKey } from './secret-box';

const encryptionContext = (context: SecretContext): Record<string, string> => ({
  workspaceId: context.workspaceId,
  key: context.key,
});

/** @param keyId the KMS key (id, ARN or alias) that wraps every data key. */
export function kmsSecretBox(kms: KMSClient, keyId: string): SecretBox {
  return {
    async seal(plaintext, context) {
      const out = await kms.send(
        new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: encryptionContext(context) }),
      );
      if (!out.Plaintext || !out.CiphertextBlob) throw new Error('KMS GenerateDataKey returned no key');
      const wrappedKey = Buffer.from(out.CiphertextBlob).toString('base64');
      return sealWithDataKey(out.Plaintext, plaintext, context, { kek: 'kms', kekId: out.KeyId ?? keyId, wrappedKey });
    },
    async open(sealed, context) {
      if (sealed.v !== 1 || sealed.kek !== 'kms') {
        throw new SecretOpenError(`The secret was sealed under another key (${sealed.kek} ${sealed.kekId})`);
      }
      let dataKey: Uint8Array | undefined;
      try {
        const out = await kms.send(
          new DecryptCommand({
            // Pinned to the configured key: a stored envelope can't name a key of its choosing.
            KeyId: keyId,
            CiphertextBlob: Buffer.from(sealed.wrappedKey, 'base64'),
            EncryptionContext: encryptionContext(context),
          }),
        );
        dataKey = out.Plaintext;
      } catch (error) {
        if ((error as Error).name === 'InvalidCiphertextException') {
          throw new SecretOpenError('The secret could not be opened in this context', { cause: error });
        }
        throw error;
      }
      if (!dataKey) throw new Error('KMS Decrypt returned no key');
      return openWithDataKey(dataKey, sealed, context);
    },
  };
}
