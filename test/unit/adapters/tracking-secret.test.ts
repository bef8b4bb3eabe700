/**
 * The tracking secret through the real Powertools SecretsProvider and a SecretsManagerClient whose
 * `send` is stubbed: read once by ARN, then the key of every link token; nothing read without an
 * ARN; an empty or unreadable secret fails the load instead of sealing with another key.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadTrackingSecret, TRACKING_KEY_SECRET_ID_ENV } from '../../../shared/adapters/tracking-secret';
import { trackingKey, useTrackingSecret } from '../../../shared/config';

const ARN = 'arn:aws:secretsmanager:eu-west-1:000000000000:secret:unite-hub/dev/tracking-AbCdEf';

function stubbedClient(answer: () => string | Error): { client: SecretsManagerClient; calls: string[] } {
  const client = new SecretsManagerClient({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  const calls: string[] = [];
  vi.spyOn(client, 'send').mockImplementation((async (command: unknown) => {
    if (!(command instanceof GetSecretValueCommand)) throw new Error('unexpected command');
    calls.push(String(command.input.SecretId));
    const value = answer();
    if (value instanceof Error) throw value;
    return { SecretString: value };
  }) as never);
  return { client, calls };
}

afterEach(() => {
  useTrackingSecret(undefined);
  vi.restoreAllMocks();
});

describe('loadTrackingSecret', () => {
  it('reads the secret by ARN once, and every link token is then sealed with the key derived from it', async () => {
    const secret = 's'.repeat(64);
    const expected = trackingKey({ TRACKING_KEY: secret });
    const { client, calls } = stubbedClient(() => secret);
    // No value anywhere in the environment: only the ARN.
    const env = { [TRACKING_KEY_SECRET_ID_ENV]: ARN };
    await loadTrackingSecret(client, env);
    expect(calls).toEqual([ARN]);
    expect(trackingKey({})).toEqual(expected);
    // Read at load, kept: a variable cannot change the key afterwards.
    expect(trackingKey({ TRACKING_KEY: 't'.repeat(64) })).toEqual(expected);
  });

  it('reads nothing without an ARN (locally), leaving the local key in charge', async () => {
    const { client, calls } = stubbedClient(() => 'unused'.repeat(10));
    await loadTrackingSecret(client, {});
    expect(calls).toEqual([]);
    const local = { LOCAL_SECRET_KEY: Buffer.alloc(32, 7).toString('base64') };
    expect(trackingKey(local)).toHaveLength(32);
  });

  it('fails the load on an empty or unreadable secret, rather than seal with another key', async () => {
    await expect(
      loadTrackingSecret(stubbedClient(() => '').client, { [TRACKING_KEY_SECRET_ID_ENV]: ARN }),
    ).rejects.toThrow();
    await expect(
      loadTrackingSecret(stubbedClient(() => new Error('AccessDenied')).client, { [TRACKING_KEY_SECRET_ID_ENV]: ARN }),
    ).rejects.toThrow();
    expect(() => trackingKey({})).toThrow(/TRACKING_KEY/);
  });
});
