import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { kmsSecretBox } from '../../../shared/adapters/kms-secret-box';
import { localSecretBox, SecretOpenError } from '../../../shared/adapters/secret-box';
import { secretBoxFromEnv } from '../../../shared/adapters/secret-box-config';
import { ConfigError } from '../../../shared/config';
import type { Sealed, SecretBox } from '../../../shared/governance/ports';
import { FAKE_KEY_ARN, fakeKms } from './fake-kms';

const here = { workspaceId: 'ws-a', key: 'openai.api_key' };
const plaintext = '"sk-live-1234567890"';

const boxes: Array<[string, () => SecretBox]> = [
  ['local', () => localSecretBox(randomBytes(32))],
  ['KMS', () => kmsSecretBox(fakeKms().kms, 'alias/settings')],
];

describe.each(boxes)('%s secret box', (_name, make) => {
  it('opens what it sealed, in the same context', async () => {
    const box = make();
    const sealed = await box.seal(plaintext, here);

    expect(JSON.stringify(sealed)).not.toContain('sk-live');
    expect(await box.open(sealed, here)).toBe(plaintext);
  });

  it('uses a fresh data key and IV per value', async () => {
    const box = make();
    const [a, b] = [await box.seal(plaintext, here), await box.seal(plaintext, here)];

    expect(a.wrappedKey).not.toBe(b.wrappedKey);
    expect(a.ciphertext).not.toBe(b.ciphertext);
  });

  it.each([
    ['another workspace', { ...here, workspaceId: 'ws-b' }],
    ['another key', { ...here, key: 'other.key' }],
  ])('refuses to open a ciphertext moved to %s', async (_label, elsewhere) => {
    const box = make();
    const sealed = await box.seal(plaintext, here);

    await expect(box.open(sealed, elsewhere)).rejects.toBeInstanceOf(SecretOpenError);
  });

  it('refuses a tampered ciphertext', async () => {
    const box = make();
    const sealed = await box.seal(plaintext, here);
    const bytes = Buffer.from(sealed.ciphertext, 'base64');
    bytes[0] = (bytes[0] ?? 0) ^ 1;
    const tampered: Sealed = { ...sealed, ciphertext: bytes.toString('base64') };

    await expect(box.open(tampered, here)).rejects.toBeInstanceOf(SecretOpenError);
  });
});

describe('local secret box', () => {
  it('refuses a value sealed under another local key', async () => {
    const sealed = await localSecretBox(randomBytes(32)).seal(plaintext, here);
    await expect(localSecretBox(randomBytes(32)).open(sealed, here)).rejects.toThrow(/another key/);
  });
});

describe('KMS secret box', () => {
  it('asks KMS for an AES-256 data key under the encryption context {workspaceId, key}', async () => {
    const { kms, calls } = fakeKms();
    const box = kmsSecretBox(kms, 'alias/settings');

    const sealed = await box.seal(plaintext, here);
    await box.open(sealed, here);

    expect(sealed).toMatchObject({ v: 1, kek: 'kms', kekId: FAKE_KEY_ARN });
    expect(calls).toEqual([
      {
        operation: 'GenerateDataKey',
        input: { KeyId: 'alias/settings', KeySpec: 'AES_256', EncryptionContext: here },
      },
      {
        operation: 'Decrypt',
        input: { KeyId: 'alias/settings', CiphertextBlob: sealed.wrappedKey, EncryptionContext: here },
      },
    ]);
  });
});

describe('secretBoxFromEnv', () => {
  const noKms = () => {
    throw new Error('KMS must not be used');
  };

  it('fails naming both variables when neither is set', () => {
    expect(() => secretBoxFromEnv({}, noKms)).toThrow(ConfigError);
    expect(() => secretBoxFromEnv({}, noKms)).toThrow(/SETTINGS_KMS_KEY_ID.*LOCAL_SECRET_KEY/);
  });

  it('refuses a local key that is not 32 bytes of base64', () => {
    const short = randomBytes(16).toString('base64');
    expect(() => secretBoxFromEnv({ LOCAL_SECRET_KEY: short }, noKms)).toThrow(/LOCAL_SECRET_KEY/);
  });

  it('uses the local key when no KMS key is set', async () => {
    const box = secretBoxFromEnv({ LOCAL_SECRET_KEY: randomBytes(32).toString('base64') }, noKms);
    expect((await box.seal('1', here)).kek).toBe('local');
  });

  it('prefers KMS when its key is set', async () => {
    const { kms } = fakeKms();
    const box = secretBoxFromEnv(
      { SETTINGS_KMS_KEY_ID: 'alias/settings', LOCAL_SECRET_KEY: randomBytes(32).toString('base64') },
      () => kms,
    );
    expect((await box.seal('1', here)).kek).toBe('kms');
  });
});
