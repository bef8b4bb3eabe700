/** The edge protections as a user meets them on `npm start`. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../lib/definition';
import { localClientConfig } from '../../lib/local/emulators/local-aws';
import type { Runtime } from '../../lib/local/runtime';
import { SECURITY_HEADERS } from '../../shared/http/security-headers';
import { ABUSE_THRESHOLD } from '../../shared/security/abuse-alerts';
import { json, startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
beforeAll(async () => {
  runtime = await startTestRuntime();
});
afterAll(async () => {
  await runtime?.stop();
});

describe('security headers', () => {
  it('are on every declared route and on errors', async () => {
    const paths = [...new Set(routes.map((r) => r.path)), '/api/unknown'];
    for (const path of paths) {
      const res = await fetch(`${runtime.url}${path}`);
      for (const [name, value] of Object.entries(SECURITY_HEADERS))
        expect(res.headers.get(name), `${path} ${name}`).toBe(value);
      expect(res.headers.get('x-request-id')).toBeTruthy();
    }
  });
});

describe('rate limits', () => {
  it('answers rapid requests from one client with 429, Retry-After and RateLimit headers, but never health', async () => {
    const statuses: number[] = [];
    let refused: Response | undefined;
    let refusedBody: { code?: string } | undefined;
    for (let i = 0; i < 20 + ABUSE_THRESHOLD + 5; i++) {
      const res = await fetch(`${runtime.url}/api/csrf-token`);
      statuses.push(res.status);
      const body = await json(res);
      if (res.status === 429) [refused, refusedBody] = [res, body];
    }
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(20);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(ABUSE_THRESHOLD);
    expect(refused).toBeDefined();
    expect(refusedBody?.code).toBe('RATE_LIMITED');
    const retryAfter = Number(refused?.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused?.headers.get('ratelimit-remaining')).toBe('0');
    expect(Number(refused?.headers.get('ratelimit-limit'))).toBeGreaterThan(0);
    expect((await fetch(`${runtime.url}/api/health`)).status).toBe(200);
  });

  it('records a security alert for the client that kept hitting the limit', async () => {
    const db = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(runtime.endpoints.dynamodb)));
    const out = await db.send(
      new QueryCommand({
        TableName: runtime.tables.core,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
        ExpressionAttributeValues: { ':pk': 'SYSTEM', ':sk': 'ALERT#' },
      }),
    );
    expect(out.Items?.length).toBe(1);
    expect(out.Items?.[0]).toMatchObject({
      alertType: 'rate_limit_exceeded',
      resolved: false,
      metadata: { client: 'ip:127.0.0.1' },
    });
  });
});

describe('origin verification and its rotation (as behind CloudFront)', () => {
  // The local runtime reads ORIGIN_VERIFY_SECRET(_PREVIOUS) per request (shared/config.ts
  // `localOriginSecrets`), as the cloud reads the secret's AWSCURRENT and AWSPREVIOUS stages.
  const [first, second, other] = ['1', '2', '3'].map((c) => c.repeat(48)) as [string, string, string];
  const health = async (presented?: string) => {
    const res = await fetch(`${runtime.url}/api/health`, {
      headers: presented === undefined ? {} : { 'x-origin-verify': presented },
    });
    return { status: res.status, code: ((await json(res)) as { code?: string }).code };
  };
  afterAll(() => {
    delete process.env.ORIGIN_VERIFY_SECRET;
    delete process.env.ORIGIN_VERIFY_SECRET_PREVIOUS;
  });

  it('refuses requests without the value, accepts old and new during a rotation, and the new one alone after', async () => {
    // Before: one value.
    process.env.ORIGIN_VERIFY_SECRET = first;
    expect(await health()).toEqual({ status: 403, code: 'ORIGIN_NOT_VERIFIED' });
    expect((await health(first)).status).toBe(200);
    // Step 1, put-secret-value: the new value is current, the old one previous; both accepted.
    process.env.ORIGIN_VERIFY_SECRET = second;
    process.env.ORIGIN_VERIFY_SECRET_PREVIOUS = first;
    expect((await health(first)).status).toBe(200);
    expect((await health(second)).status).toBe(200);
    expect(await health(other)).toEqual({ status: 403, code: 'ORIGIN_NOT_VERIFIED' });
    // The old value retired (AWSPREVIOUS removed, or the next rotation): refused.
    delete process.env.ORIGIN_VERIFY_SECRET_PREVIOUS;
    expect(await health(first)).toEqual({ status: 403, code: 'ORIGIN_NOT_VERIFIED' });
    expect((await health(second)).status).toBe(200);
    // Unset: no check, the local default.
    delete process.env.ORIGIN_VERIFY_SECRET;
    expect((await health()).status).toBe(200);
  });
});
