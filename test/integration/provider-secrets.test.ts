/**
 * Provider credentials through the real Secrets Manager client (Powertools' SecretsProvider)
 * against a loopback stand-in that speaks the service's JSON protocol for GetSecretValue:
 * the cloud path (a secret id in the environment) with its cache, absent and empty secrets as
 * "not configured", other failures thrown; and the local path (the plain variable, no call).
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetParameterError } from '@aws-lambda-powertools/parameters/errors';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PROVIDER_SECRET_MAX_AGE_SECONDS, providerSecretReader } from '../../shared/adapters/provider-secrets';
import { providerSecretSource } from '../../shared/config';

/** What the stand-in holds: id -> value; `denied` answers AccessDeniedException. */
const store = new Map<string, string>();
const calls: string[] = [];
let server: Server;
let client: SecretsManagerClient;

function fail(res: import('node:http').ServerResponse, type: string, status = 400): void {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': type });
  res.end(JSON.stringify({ __type: type, message: `${type} (stand-in)` }));
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      if (req.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue') return fail(res, 'InvalidRequestException');
      const { SecretId } = JSON.parse(body) as { SecretId: string };
      calls.push(SecretId);
      if (SecretId === 'denied') return fail(res, 'AccessDeniedException');
      const value = store.get(SecretId);
      if (value === undefined) return fail(res, 'ResourceNotFoundException');
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(
        JSON.stringify({
          ARN: `arn:aws:secretsmanager:eu-west-1:000000000000:secret:${SecretId}-AbCdEf`,
          Name: SecretId,
          SecretString: value,
          VersionStages: ['AWSCURRENT'],
        }),
      );
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  client = new SecretsManagerClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  client?.destroy();
  server?.close();
});

beforeEach(() => {
  store.clear();
  calls.length = 0;
});

/** A reader over a fixed environment and a hand-moved clock. */
function readerWith(env: NodeJS.ProcessEnv, clock = { now: 1_000_000 }) {
  return providerSecretReader({
    client,
    sourceOf: (secret) => providerSecretSource(secret, env),
    now: () => clock.now,
  });
}

describe('providerSecretSource', () => {
  it('prefers the secret id the stack sets, else the plain variable the local runtime sets, blank as unset', () => {
    expect(
      providerSecretSource('resend-api-key', {
        RESEND_API_KEY_SECRET_ID: 'unite-hub/dev/resend-api-key',
        RESEND_API_KEY: 're_x',
      }),
    ).toEqual({ secretId: 'unite-hub/dev/resend-api-key' });
    expect(providerSecretSource('smtp-url', { SMTP_URL: 'smtp://u:p@h:587' })).toEqual({ value: 'smtp://u:p@h:587' });
    expect(
      providerSecretSource('resend-webhook-secret', { RESEND_WEBHOOK_SECRET: '', RESEND_WEBHOOK_SECRET_SECRET_ID: '' }),
    ).toBeUndefined();
  });
});

describe('providerSecretReader in the cloud (a secret id in the environment)', () => {
  it('reads the value once and serves it from the cache within the TTL', async () => {
    // Prepare
    store.set('unite-hub/dev/resend-api-key', 're_first');
    const read = readerWith({ RESEND_API_KEY_SECRET_ID: 'unite-hub/dev/resend-api-key' });
    // Act
    const first = await read('resend-api-key');
    store.set('unite-hub/dev/resend-api-key', 're_rotated');
    const cached = await read('resend-api-key');
    // Assess
    expect([first, cached]).toEqual(['re_first', 're_first']);
    expect(calls).toEqual(['unite-hub/dev/resend-api-key']);
  });

  it('picks a rotated value up once the TTL has passed', async () => {
    // Prepare: a TTL of 1 s on a fresh reader.
    store.set('unite-hub/dev/smtp-url', 'smtp://a:b@relay:587');
    const read = providerSecretReader({
      client,
      sourceOf: (secret) => providerSecretSource(secret, { SMTP_URL_SECRET_ID: 'unite-hub/dev/smtp-url' }),
      maxAgeSeconds: 1,
    });
    expect(await read('smtp-url')).toBe('smtp://a:b@relay:587');
    store.set('unite-hub/dev/smtp-url', 'smtp://c:d@relay:587');
    // Act
    await new Promise((r) => setTimeout(r, 1100));
    // Assess
    expect(await read('smtp-url')).toBe('smtp://c:d@relay:587');
    expect(calls).toHaveLength(2);
  });

  it('answers "not configured" for a secret nobody created, and asks again only after the TTL', async () => {
    // Prepare
    const clock = { now: 1_000_000 };
    const read = readerWith({ RESEND_API_KEY_SECRET_ID: 'unite-hub/dev/resend-api-key' }, clock);
    // Act + Assess
    expect(await read('resend-api-key')).toBeUndefined();
    expect(await read('resend-api-key')).toBeUndefined();
    expect(calls).toHaveLength(1);
    store.set('unite-hub/dev/resend-api-key', 're_created');
    clock.now += PROVIDER_SECRET_MAX_AGE_SECONDS * 1000 + 1;
    expect(await read('resend-api-key')).toBe('re_created');
    expect(calls).toHaveLength(2);
  });

  it('answers "not configured" for a secret holding an empty value', async () => {
    store.set('unite-hub/dev/smtp-url', '');
    const read = readerWith({ SMTP_URL_SECRET_ID: 'unite-hub/dev/smtp-url' });
    expect(await read('smtp-url')).toBeUndefined();
  });

  it('throws any other failure (access denied) with the SDK error as its cause, never a value', async () => {
    const read = readerWith({ RESEND_WEBHOOK_SECRET_SECRET_ID: 'denied' });
    const error = await read('resend-webhook-secret').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GetParameterError);
    expect(((error as Error).cause as Error).name).toBe('AccessDeniedException');
  });
});

describe('providerSecretReader locally (the plain variable)', () => {
  it('returns the variable as it is and never calls Secrets Manager', async () => {
    const read = readerWith({ RESEND_API_KEY: 're_local_dummy' });
    expect(await read('resend-api-key')).toBe('re_local_dummy');
    expect(await read('smtp-url')).toBeUndefined();
    expect(calls).toEqual([]);
  });
});
