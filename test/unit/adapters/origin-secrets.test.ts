/**
 * The origin values through the real Powertools SecretsProvider and a real SecretsManagerClient
 * whose `send` is stubbed: the two version stages read, the TTL with a hand-moved clock, a
 * rotation seen after the TTL, and failing closed (last values kept, 503 with none).
 */
import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ORIGIN_SECRET_COLD_RETRY_SECONDS,
  ORIGIN_SECRET_MAX_AGE_SECONDS,
  ORIGIN_SECRET_RETRY_SECONDS,
  secretsManagerOriginSecrets,
} from '../../../shared/adapters/origin-secrets';
import { localOriginSecrets } from '../../../shared/config';
import { resolveCaller } from '../../../shared/security/trusted-edge';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:000000000000:secret:unite-hub/dev/origin-AbCdEf';
const A = 'a'.repeat(48);
const B = 'b'.repeat(48);
const C = 'c'.repeat(48);

/** What the stubbed service holds per version stage; `fail` makes every call throw. */
const stages = new Map<string, string>();
let fail: Error | undefined;
const calls: { SecretId?: string; VersionStage?: string }[] = [];

function stubbedClient(): SecretsManagerClient {
  const client = new SecretsManagerClient({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  vi.spyOn(client, 'send').mockImplementation((async (command: unknown) => {
    if (!(command instanceof GetSecretValueCommand)) throw new Error('unexpected command');
    const { SecretId, VersionStage } = command.input;
    calls.push({ SecretId, VersionStage });
    if (fail) throw fail;
    const value = stages.get(VersionStage ?? 'AWSCURRENT');
    if (value === undefined) {
      throw new ResourceNotFoundException({ message: `no ${VersionStage}`, $metadata: {} });
    }
    return { ARN: SecretId, SecretString: value, VersionStages: [VersionStage] };
  }) as never);
  return client;
}

function source(onReadFailure = vi.fn()) {
  const clock = { now: 1_000_000 };
  const accepted = secretsManagerOriginSecrets({
    client: stubbedClient(),
    secretId: SECRET_ARN,
    now: () => clock.now,
    onReadFailure,
  });
  return { accepted, clock, onReadFailure };
}

afterEach(() => {
  stages.clear();
  calls.length = 0;
  fail = undefined;
  vi.restoreAllMocks();
});

describe('secretsManagerOriginSecrets', () => {
  it('reads AWSCURRENT and AWSPREVIOUS of the secret by its ARN, and accepts both', async () => {
    // Prepare
    stages.set('AWSCURRENT', B).set('AWSPREVIOUS', A);
    const { accepted } = source();
    // Act
    const values = await accepted();
    // Assess
    expect(values).toEqual([B, A]);
    expect(calls).toEqual([
      { SecretId: SECRET_ARN, VersionStage: 'AWSCURRENT' },
      { SecretId: SECRET_ARN, VersionStage: 'AWSPREVIOUS' },
    ]);
    const check = (presented: string) =>
      resolveCaller({ 'x-origin-verify': presented }, '198.51.100.9', { accepted: values });
    expect(check(B).clientAddress).toBe('198.51.100.9');
    expect(check(A).clientAddress).toBe('198.51.100.9');
    expect(() => check(C)).toThrow(expect.objectContaining({ code: 'ORIGIN_NOT_VERIFIED' }));
  });

  it('accepts the current value alone before the first rotation (no AWSPREVIOUS yet)', async () => {
    stages.set('AWSCURRENT', A);
    expect(await source().accepted()).toEqual([A]);
  });

  it('serves the values from its cache within the TTL, and reads again (a rotation) after it', async () => {
    // Prepare
    stages.set('AWSCURRENT', A);
    const { accepted, clock } = source();
    await accepted();
    // Act: rotated in Secrets Manager (put-secret-value); the cache still answers for five minutes.
    stages.set('AWSCURRENT', B).set('AWSPREVIOUS', A);
    clock.now += ORIGIN_SECRET_MAX_AGE_SECONDS * 1000 - 1;
    const cached = await accepted();
    clock.now += 2;
    const refreshed = await accepted();
    // Assess
    expect(ORIGIN_SECRET_MAX_AGE_SECONDS).toBe(300);
    expect(cached).toEqual([A]);
    expect(refreshed).toEqual([B, A]);
    expect(calls).toHaveLength(4);
  });

  it('shares one read among the concurrent requests of a cold instance', async () => {
    stages.set('AWSCURRENT', A);
    const { accepted } = source();
    const all = await Promise.all([accepted(), accepted(), accepted()]);
    expect(all).toEqual([[A], [A], [A]]);
    expect(calls).toHaveLength(2);
  });

  it('keeps the last values when a refresh fails, and tries again only after the retry delay', async () => {
    // Prepare
    stages.set('AWSCURRENT', A);
    const { accepted, clock, onReadFailure } = source();
    await accepted();
    fail = new Error('network down');
    clock.now += ORIGIN_SECRET_MAX_AGE_SECONDS * 1000 + 1;
    // Act
    const stale = await accepted();
    const again = await accepted();
    fail = undefined;
    stages.set('AWSCURRENT', B);
    clock.now += ORIGIN_SECRET_RETRY_SECONDS * 1000 + 1;
    const recovered = await accepted();
    // Assess
    expect([stale, again, recovered]).toEqual([[A], [A], [B]]);
    expect(onReadFailure).toHaveBeenCalledTimes(1);
    expect(onReadFailure).toHaveBeenCalledWith(expect.anything(), 'last-known');
    expect(JSON.stringify(onReadFailure.mock.calls)).not.toContain(A);
  });

  it('fails closed at a cold start it cannot read: 503 ORIGIN_CHECK_UNAVAILABLE with Retry-After, never no check', async () => {
    // Prepare
    fail = new Error('AccessDeniedException');
    const { accepted, clock, onReadFailure } = source();
    // Act / Assess: the read fails, and requests within a second are refused without another read.
    const unavailable = expect.objectContaining({
      status: 503,
      code: 'ORIGIN_CHECK_UNAVAILABLE',
      retryAfterSeconds: 2,
    });
    await expect(accepted()).rejects.toThrow(unavailable);
    await expect(accepted()).rejects.toThrow(unavailable);
    expect(calls).toHaveLength(2);
    expect(onReadFailure).toHaveBeenCalledWith(expect.anything(), 'none');
    // Once the service answers again, the next request after the pause is verified as usual.
    fail = undefined;
    stages.set('AWSCURRENT', A);
    clock.now += ORIGIN_SECRET_COLD_RETRY_SECONDS * 1000 + 1;
    expect(await accepted()).toEqual([A]);
  });

  it('fails closed when the secret has no current value (deleted, or not readable)', async () => {
    const { accepted } = source();
    await expect(accepted()).rejects.toThrow(expect.objectContaining({ code: 'ORIGIN_CHECK_UNAVAILABLE' }));
  });
});

describe('localOriginSecrets (the local runtime)', () => {
  it('reads ORIGIN_VERIFY_SECRET and then ORIGIN_VERIFY_SECRET_PREVIOUS, and nothing when unset or blank', () => {
    expect(localOriginSecrets({})).toBeUndefined();
    expect(localOriginSecrets({ ORIGIN_VERIFY_SECRET: '', ORIGIN_VERIFY_SECRET_PREVIOUS: A })).toBeUndefined();
    expect(localOriginSecrets({ ORIGIN_VERIFY_SECRET: A })).toEqual([A]);
    expect(localOriginSecrets({ ORIGIN_VERIFY_SECRET: B, ORIGIN_VERIFY_SECRET_PREVIOUS: A })).toEqual([B, A]);
  });

  it('refuses a value shorter than 32 characters', () => {
    expect(() => localOriginSecrets({ ORIGIN_VERIFY_SECRET: 'short' })).toThrow(/32 characters/);
  });
});
