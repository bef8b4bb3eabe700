/**
 * A small KMS behind the real `KMSClient`: a request handler answering GenerateDataKey and
 * Decrypt over the JSON protocol. Wrapped keys are AES-GCM under a key only this fake
 * holds, with the encryption context as AAD, so a mismatched context fails like KMS does
 * (InvalidCiphertextException).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { KMSClient } from '@aws-sdk/client-kms';

export const FAKE_KEY_ARN = 'arn:aws:kms:eu-west-1:111122223333:key/fake';

interface Call {
  readonly operation: string;
  readonly input: Record<string, unknown>;
}

export function fakeKms(): { kms: KMSClient; calls: Call[] } {
  const root = randomBytes(32);
  const calls: Call[] = [];
  const aad = (context: unknown) =>
    Buffer.from(JSON.stringify(Object.entries((context ?? {}) as Record<string, string>).sort()));
  const reply = (status: number, body: unknown) => ({
    response: {
      statusCode: status,
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      body: Readable.from([Buffer.from(JSON.stringify(body))]),
    },
  });

  const handler = {
    async handle(request: { headers: Record<string, string>; body: Uint8Array | string }) {
      const operation = String(request.headers['x-amz-target']).split('.')[1] ?? '';
      const input = JSON.parse(
        typeof request.body === 'string' ? request.body : new TextDecoder().decode(request.body),
      ) as Record<string, unknown>;
      calls.push({ operation, input });
      if (operation === 'GenerateDataKey') {
        const dataKey = randomBytes(32);
        const iv = randomBytes(12);
        const cipher = createCipheriv('aes-256-gcm', root, iv);
        cipher.setAAD(aad(input.EncryptionContext));
        const wrapped = Buffer.concat([iv, cipher.update(dataKey), cipher.final(), cipher.getAuthTag()]);
        return reply(200, {
          KeyId: FAKE_KEY_ARN,
          Plaintext: dataKey.toString('base64'),
          CiphertextBlob: wrapped.toString('base64'),
        });
      }
      if (operation === 'Decrypt') {
        const blob = Buffer.from(String(input.CiphertextBlob), 'base64');
        try {
          const decipher = createDecipheriv('aes-256-gcm', root, blob.subarray(0, 12));
          decipher.setAAD(aad(input.EncryptionContext));
          decipher.setAuthTag(blob.subarray(-16));
          const dataKey = Buffer.concat([decipher.update(blob.subarray(12, -16)), decipher.final()]);
          return reply(200, { KeyId: FAKE_KEY_ARN, Plaintext: dataKey.toString('base64') });
        } catch {
          return reply(400, { __type: 'InvalidCiphertextException', message: 'Invalid ciphertext' });
        }
      }
      return reply(400, { __type: 'UnsupportedOperationException', message: operation });
    },
  };

  const kms = new KMSClient({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    requestHandler: handler as unknown as KMSClient['config']['requestHandler'],
  });
  return { kms, calls };
}
