/** The HTTP surface of `npm start`, called as a user would: over real HTTP. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../lib/local/runtime';
import { SECURITY_HEADERS } from '../../shared/http/security-headers';
import { json, rawRequest, startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
beforeAll(async () => {
  runtime = await startTestRuntime();
});
afterAll(async () => {
  await runtime?.stop();
});

const get = (path: string, init?: RequestInit) => fetch(`${runtime.url}${path}`, init);
const expectErrorContract = (body: Record<string, unknown>) => {
  expect(typeof body.error).toBe('string');
  expect(typeof body.message).toBe('string');
  expect(typeof body.code).toBe('string');
  expect(JSON.stringify(body)).not.toMatch(/\bat .*\.(ts|js):\d+/);
};

describe('health', () => {
  it('answers 200 JSON with the reference fields and every security header', async () => {
    const res = await get('/api/health');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const body = await json(res);
    expect(body).toMatchObject({ status: 'healthy', environment: 'local', checks: {} });
    expect(typeof body.uptime).toBe('number');
    expect(Number.isNaN(Date.parse(body.timestamp))).toBe(false);
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(res.headers.get(name)).toBe(value);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('refuses a query it does not understand with 400 VALIDATION_FAILED', async () => {
    const res = await get('/api/health?deep=yes');
    expect(res.status).toBe(400);
    const body = await json(res);
    expectErrorContract(body);
    expect(body.code).toBe('VALIDATION_FAILED');
    expect(body.details).toEqual([{ in: 'query', path: 'deep', message: expect.any(String) }]);
  });

  it('answers HEAD with 200 and no body', async () => {
    const res = await get('/api/health', { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });

  it('checks DynamoDB, SQS and SES through the real SDK clients when deep', async () => {
    const res = await get('/api/health?deep=1');
    const body = await json(res);
    expect(res.status).toBe(200);
    expect(body.status).toBe('healthy');
    for (const check of ['dynamodb', 'sqs', 'ses']) {
      expect(body.checks[check].status).toBe('ok');
      expect(typeof body.checks[check].latencyMs).toBe('number');
    }
  });
});

describe('CSRF token', () => {
  it('returns {token, headerName} and sets the matching cookie', async () => {
    const res = await get('/api/csrf-token');
    const body = await json(res);
    expect(body.headerName).toBe('x-csrf-token');
    expect(body.token).toMatch(/^[0-9a-f]{64}$/);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toContain(`csrf-token=${body.token}`);
    expect(cookie).toContain('SameSite=Strict');
  });

  it('keeps the caller’s valid token instead of rotating it', async () => {
    const first = await json(await get('/api/csrf-token'));
    const again = await json(await get('/api/csrf-token', { headers: { cookie: `csrf-token=${first.token}` } }));
    expect(again.token).toBe(first.token);
  });
});

describe('edges', () => {
  it('serves a small HTML status page at /', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('Unite-Hub');
  });

  it('answers an unknown route with 404 JSON', async () => {
    const res = await get('/api/does-not-exist');
    expect(res.status).toBe(404);
    const body = await json(res);
    expectErrorContract(body);
    expect(body.code).toBe('ROUTE_NOT_FOUND');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it('answers a wrong method with 405 JSON and Allow', async () => {
    const res = await get('/api/health', { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toContain('GET');
    expectErrorContract(await json(res));
  });

  it('answers a malformed JSON body with 400 and a code', async () => {
    const res = await rawRequest(`${runtime.url}/api/health`, {
      method: 'GET',
      headers: { 'content-type': 'application/json' },
      body: '{"unterminated": ',
    });
    expect(res.status).toBe(400);
    const body = JSON.parse(res.body);
    expectErrorContract(body);
    expect(body.code).toBe('MALFORMED_JSON');
  });
});
