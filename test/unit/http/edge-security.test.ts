/** The shared HTTP edge's protections, driven through a handler built from synthetic routes. */
import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import type { RouteDeclaration } from '../../../lib/definition';
import { buildEvent } from '../../../lib/local/api-event';
import { fixedOriginSecrets } from '../../../shared/adapters/origin-secrets';
import { ServiceUnavailableError } from '../../../shared/errors';
import { httpFunctionOver } from '../../../shared/http/http-function';
import { type DefinedOperation, defineOperation } from '../../../shared/http/operation';
import type { User } from '../../../shared/identity/model';
import { sha256 } from '../../../shared/identity/tokens';
import { ABUSE_THRESHOLD } from '../../../shared/security/abuse-alerts';
import { sessionCsrfToken } from '../../../shared/security/csrf-token';
import { fakeEdge } from '../../support/edge-fakes';

const route = (
  over: Partial<RouteDeclaration> & Pick<RouteDeclaration, 'id' | 'method' | 'path'>,
): RouteDeclaration => ({
  function: 'system',
  auth: 'public',
  csrf: true,
  rateTier: 'authenticated',
  summary: 'test route',
  ...over,
});
const table = [
  route({ id: 'things.create', method: 'POST', path: '/api/things' }),
  route({ id: 'things.list', method: 'GET', path: '/api/things', csrf: false }),
  route({ id: 'hooks.in', method: 'POST', path: '/api/webhooks/in', csrf: false }),
  route({ id: 'health', method: 'GET', path: '/api/health', csrf: false, rateTier: 'exempt' }),
  route({ id: 'items.create', method: 'POST', path: '/api/items', auth: 'user', permission: 'contacts:write' }),
  route({
    id: 'items.list',
    method: 'GET',
    path: '/api/items',
    auth: 'user',
    permission: 'contacts:read',
    csrf: false,
  }),
];
const randomKey = () => `Bearer uh_${randomBytes(16).toString('hex')}`;
/** Real keys (`Bearer …`) of users u-1 (two keys) and u-2, owners of workspace ws-1. */
function withKeys(identity: ReturnType<typeof fakeEdge>['identity']) {
  const keys = { u1a: randomKey(), u1b: randomKey(), u2: randomKey() };
  const owner = (userId: string) => ({ userId, email: `${userId}@example.com`, name: userId }) as User;
  for (const [id, bearer] of Object.entries(keys)) {
    const userId = id.startsWith('u1') ? 'u-1' : 'u-2';
    identity.keysByHash.set(sha256(bearer.slice('Bearer '.length)), {
      key: {
        keyId: id,
        workspaceId: 'ws-1',
        name: id,
        prefix: '',
        scopes: ['contacts:read', 'contacts:write'],
        createdBy: userId,
        createdAt: '',
        usageCount: 0,
        isActive: true,
      },
      user: owner(userId),
    });
  }
  for (const userId of ['u-1', 'u-2']) {
    identity.members.push({ workspaceId: 'ws-1', organizationId: 'o', userId, role: 'owner', joinedAt: '' });
  }
  return keys;
}
const seen: string[] = [];
const ok = defineOperation({ body: z.unknown() }, (_input, req) => {
  seen.push(req.clientAddress);
  return { status: 200, body: { ok: true } };
});
const ops: Record<string, DefinedOperation> = Object.fromEntries(table.map((r) => [r.id, ok]));
const context = { awsRequestId: 'a' } as Context;
const TOKEN = 'ab'.repeat(32);

function event(method: string, path: string, headers: Record<string, string> = {}, sourceIp = '198.51.100.9') {
  return buildEvent(
    { method, url: path, headers: { host: 'app.example', ...headers }, body: Buffer.alloc(0), sourceIp },
    { routeKey: `${method} ${path}` },
    'req-1',
  ) as APIGatewayProxyEventV2;
}
async function send(handler: ReturnType<typeof httpFunctionOver>, e: APIGatewayProxyEventV2) {
  const res = await handler(e, context);
  return { status: res.statusCode, headers: res.headers ?? {}, body: res.body ? JSON.parse(res.body) : undefined };
}

describe('CSRF', () => {
  const { deps } = fakeEdge({ rateLimits: false });
  const handler = httpFunctionOver('system', table, ops, deps);

  it('refuses a state-changing request without a token', async () => {
    const res = await send(handler, event('POST', '/api/things'));
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: 'Forbidden', code: 'CSRF_TOKEN_INVALID' });
  });
  it('refuses a foreign Origin, and a foreign Referer when Origin is absent', async () => {
    const cookie = `csrf-token=${TOKEN}`;
    const viaOrigin = await send(
      handler,
      event('POST', '/api/things', { origin: 'https://evil.example', cookie, 'x-csrf-token': TOKEN }),
    );
    expect(viaOrigin.body.code).toBe('CSRF_ORIGIN_MISMATCH');
    const viaReferer = await send(
      handler,
      event('POST', '/api/things', { referer: 'https://evil.example/x', cookie, 'x-csrf-token': TOKEN }),
    );
    expect(viaReferer.body.code).toBe('CSRF_ORIGIN_MISMATCH');
    const nullOrigin = await send(
      handler,
      event('POST', '/api/things', { origin: 'null', cookie, 'x-csrf-token': TOKEN }),
    );
    expect(nullOrigin.body.code).toBe('CSRF_ORIGIN_MISMATCH');
  });
  it('refuses a header that does not match the cookie', async () => {
    const res = await send(
      handler,
      event('POST', '/api/things', { cookie: `csrf-token=${TOKEN}`, 'x-csrf-token': 'cd'.repeat(32) }),
    );
    expect(res.body.code).toBe('CSRF_TOKEN_INVALID');
  });
  it('passes with cookie, matching header and the same origin', async () => {
    const res = await send(
      handler,
      event('POST', '/api/things', {
        origin: 'https://app.example',
        cookie: `csrf-token=${TOKEN}`,
        'x-csrf-token': TOKEN,
      }),
    );
    expect(res.status).toBe(200);
  });
  it('exempts verified API-key requests without cookies, but not API-key requests that also carry cookies', async () => {
    const { deps, identity } = fakeEdge({ rateLimits: false });
    const handler = httpFunctionOver('system', table, ops, deps);
    const { u1a } = withKeys(identity);
    expect((await send(handler, event('POST', '/api/items', { authorization: u1a }))).status).toBe(200);
    expect((await send(handler, event('POST', '/api/items', { authorization: u1a, cookie: 'session=x' }))).status).toBe(
      403,
    );
  });
  it('never exempts a made-up, malformed or revoked key, nor any key on a public route', async () => {
    const { deps, identity } = fakeEdge({ rateLimits: false });
    const handler = httpFunctionOver('system', table, ops, deps);
    const { u1a, u2 } = withKeys(identity);
    const revoked = identity.keysByHash.get(sha256(u2.slice('Bearer '.length)));
    if (revoked)
      identity.keysByHash.set(sha256(u2.slice('Bearer '.length)), {
        ...revoked,
        key: { ...revoked.key, isActive: false },
      });
    for (const authorization of [randomKey(), `Bearer uh_${'0'.repeat(32)}`, 'Bearer uh_short', u2]) {
      const res = await send(handler, event('POST', '/api/items', { authorization }));
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('CSRF_TOKEN_INVALID');
    }
    // A real key on a public route (sign-up, password reset…) buys no exemption either.
    expect((await send(handler, event('POST', '/api/things', { authorization: u1a }))).body.code).toBe(
      'CSRF_TOKEN_INVALID',
    );
  });
  it('binds the token to the session: a cookie pair the caller chose passes only without a session', async () => {
    const pair = { cookie: `csrf-token=${TOKEN}`, 'x-csrf-token': TOKEN };
    expect((await send(handler, event('POST', '/api/things', pair))).status).toBe(200);
    const withSession = { ...pair, cookie: `session=victim-session; csrf-token=${TOKEN}` };
    expect((await send(handler, event('POST', '/api/things', withSession))).body.code).toBe('CSRF_TOKEN_INVALID');
    const bound = sessionCsrfToken('victim-session');
    const ok = { cookie: 'session=victim-session', 'x-csrf-token': bound };
    expect((await send(handler, event('POST', '/api/things', ok))).status).toBe(200);
    // Another session's token does not pass for this one.
    const other = { cookie: 'session=victim-session', 'x-csrf-token': sessionCsrfToken('attacker-session') };
    expect((await send(handler, event('POST', '/api/things', other))).status).toBe(403);
  });
  it('leaves safe methods and exempt routes alone', async () => {
    expect((await send(handler, event('GET', '/api/things'))).status).toBe(200);
    expect((await send(handler, event('POST', '/api/webhooks/in'))).status).toBe(200);
  });
});

describe('numbers in bodies', () => {
  const { deps } = fakeEdge({ rateLimits: false });
  const handler = httpFunctionOver('system', table, ops, deps);
  it.each(['1e125', '-1e126', '1e-131', '123456789012345678901234567890123456789012', '9007199254740993'])(
    'refuses %s anywhere in a JSON body with 400 naming the field, before the route runs',
    async (literal) => {
      const e = event('POST', '/api/webhooks/in', { 'content-type': 'application/json' });
      e.body = `{"customFields":{"n":${literal}}}`;
      const before = seen.length;
      const res = await send(handler, e);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ in: 'body', path: 'customFields.n' }] });
      expect(seen.length).toBe(before);
    },
  );
});

describe('text in bodies', () => {
  const { deps } = fakeEdge({ rateLimits: false });
  const handler = httpFunctionOver('system', table, ops, deps);
  // Review round 14: a lone surrogate in a JSON body (a tag, a user id of a journey) reached the
  // store, which takes UTF-8 only (a 500 after the writes before it).
  it.each([
    ['a high surrogate alone', '{"tags":["vip\\ud83d"]}', 'tags.0'],
    ['a low surrogate alone', '{"journey":{"nodes":[{"tag":"\\udc4d"}]}}', 'journey.nodes.0.tag'],
    ['a reversed pair', '{"name":"\\udc4d\\ud83d"}', 'name'],
    ['a key', '{"customFields":{"k\\ud800":1}}', 'customFields.k\ud800'],
  ])('refuses %s with 400 naming the field, before the route runs', async (_what, body, path) => {
    const e = event('POST', '/api/webhooks/in', { 'content-type': 'application/json' });
    e.body = body;
    const before = seen.length;
    const res = await send(handler, e);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ in: 'body', path }] });
    expect(seen.length).toBe(before);
  });
  it('takes paired surrogates (an emoji, written or escaped)', async () => {
    const e = event('POST', '/api/webhooks/in', { 'content-type': 'application/json' });
    e.body = '{"name":"👍 \\ud83d\\udc4d"}';
    expect((await send(handler, e)).status).toBe(200);
  });
});

describe('trusted edge', () => {
  const secret = 's'.repeat(48);
  it('refuses requests without the origin secret when one is configured', async () => {
    const { deps } = fakeEdge({
      originSecrets: fixedOriginSecrets([secret]),
      clientAddressHeader: 'cloudfront-viewer-address',
    });
    const handler = httpFunctionOver('system', table, ops, deps);
    const res = await send(handler, event('GET', '/api/things'));
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('ORIGIN_NOT_VERIFIED');
    const wrong = await send(handler, event('GET', '/api/things', { 'x-origin-verify': 'x'.repeat(48) }));
    expect(wrong.body.code).toBe('ORIGIN_NOT_VERIFIED');
  });
  it('accepts the previous value as well as the current one while a rotation is under way', async () => {
    const previous = 'p'.repeat(48);
    const { deps } = fakeEdge({ originSecrets: fixedOriginSecrets([secret, previous]) });
    const handler = httpFunctionOver('system', table, ops, deps);
    for (const value of [secret, previous]) {
      expect((await send(handler, event('GET', '/api/things', { 'x-origin-verify': value }))).status).toBe(200);
    }
    const other = await send(handler, event('GET', '/api/things', { 'x-origin-verify': 'o'.repeat(48) }));
    expect(other.status).toBe(403);
  });
  it('answers 503 ORIGIN_CHECK_UNAVAILABLE with Retry-After when the values cannot be read, never lets it through', async () => {
    const unavailable = async (): Promise<readonly string[]> => {
      throw new ServiceUnavailableError('cannot verify', 'ORIGIN_CHECK_UNAVAILABLE', 2);
    };
    const { deps } = fakeEdge({ originSecrets: unavailable });
    const handler = httpFunctionOver('system', table, ops, deps);
    const before = seen.length;
    const res = await send(handler, event('GET', '/api/things', { 'x-origin-verify': secret }));
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('ORIGIN_CHECK_UNAVAILABLE');
    expect(res.headers['retry-after']).toBe('2');
    expect(seen.length).toBe(before);
  });
  it('believes the viewer address only behind the verified edge', async () => {
    const behind = fakeEdge({
      originSecrets: fixedOriginSecrets([secret]),
      clientAddressHeader: 'cloudfront-viewer-address',
    });
    const h1 = httpFunctionOver('system', table, ops, behind.deps);
    await send(
      h1,
      event('GET', '/api/things', { 'x-origin-verify': secret, 'cloudfront-viewer-address': '203.0.113.7:5123' }),
    );
    expect(seen.at(-1)).toBe('203.0.113.7');
    expect([...behind.counters.counts.keys()].some((k) => k.includes('ip:203.0.113.7'))).toBe(true);

    const local = fakeEdge({ clientAddressHeader: 'cloudfront-viewer-address' });
    const h2 = httpFunctionOver('system', table, ops, local.deps);
    await send(h2, event('GET', '/api/things', { 'cloudfront-viewer-address': '203.0.113.7:5123' }));
    expect(seen.at(-1)).toBe('198.51.100.9');
  });
});

describe('rate limits', () => {
  it('lets 20 rapid /api requests through, refuses the rest with 429 and headers, and resumes after the window', async () => {
    let now = 1_700_000_000_000;
    const { deps } = fakeEdge({}, () => now);
    const handler = httpFunctionOver('system', table, ops, deps);
    const statuses: Array<number | undefined> = [];
    let refused: Awaited<ReturnType<typeof send>> | undefined;
    for (let i = 0; i < 50; i++) {
      const res = await send(handler, event('GET', '/api/things'));
      statuses.push(res.status ?? 0);
      if (res.status === 429) refused = res;
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429)).toHaveLength(30);
    expect(refused?.body.code).toBe('RATE_LIMITED');
    expect(Number(refused?.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused?.headers).toMatchObject({ 'ratelimit-limit': '20', 'ratelimit-remaining': '0' });
    now += 2000;
    const after = await send(handler, event('GET', '/api/things'));
    expect(after.status).toBe(200);
    expect(after.headers['ratelimit-remaining']).toBe('19');
  });
  it('counts health with a query (?deep=1 probes every store) in the public tier, plain health never', async () => {
    const { deps } = fakeEdge();
    const handler = httpFunctionOver('system', table, ops, deps);
    const deep = () => ({ ...event('GET', '/api/health?deep=1'), routeKey: 'GET /api/health' });
    const statuses: Array<number | undefined> = [];
    for (let i = 0; i < 25; i++) statuses.push((await send(handler, deep())).status);
    expect(statuses[0]).toBe(200);
    expect(statuses.filter((s) => s === 429)).toHaveLength(5);
    expect((await send(handler, event('GET', '/api/health'))).status).toBe(200);
  });
  it('never limits the exempt health route', async () => {
    const { deps } = fakeEdge();
    const handler = httpFunctionOver('system', table, ops, deps);
    for (let i = 0; i < 150; i++) expect((await send(handler, event('GET', '/api/health'))).status).toBe(200);
  });
  it('counts a verified key by its user: one budget however many keys, another user has their own', async () => {
    const { deps, identity } = fakeEdge();
    const handler = httpFunctionOver('system', table, ops, deps);
    const keys = withKeys(identity);
    for (let i = 0; i < 10; i++) {
      expect((await send(handler, event('GET', '/api/items', { authorization: keys.u1a }))).status).toBe(200);
      expect((await send(handler, event('GET', '/api/items', { authorization: keys.u1b }))).status).toBe(200);
    }
    expect((await send(handler, event('GET', '/api/items', { authorization: keys.u1b }))).status).toBe(429);
    expect((await send(handler, event('GET', '/api/items', { authorization: keys.u2 }))).status).toBe(200);
  });
  it('counts made-up, malformed and revoked keys against the address, never as clients of their own', async () => {
    const { deps, counters } = fakeEdge();
    const handler = httpFunctionOver('system', table, ops, deps);
    for (const path of ['/api/things', '/api/items']) {
      for (let i = 0; i < 20; i++)
        await send(handler, event('GET', path, { authorization: randomKey() }, `203.0.113.${i}`));
    }
    const statuses: Array<number | undefined> = [];
    for (let i = 0; i < 25; i++) {
      statuses.push((await send(handler, event('GET', '/api/things', { authorization: randomKey() }))).status);
    }
    expect(statuses.filter((s) => s === 429)).toHaveLength(5);
    const rateItems = [...counters.counts.keys()].filter((k) => k.startsWith('RL#'));
    expect(rateItems.length).toBeGreaterThan(0);
    expect(rateItems.filter((k) => !k.startsWith('RL#ip:'))).toEqual([]);
  });
  it('lets requests through when the counter store fails', async () => {
    const { deps, counters } = fakeEdge();
    counters.failing = true;
    const handler = httpFunctionOver('system', table, ops, deps);
    expect((await send(handler, event('GET', '/api/things'))).status).toBe(200);
  });
  it('raises one security alert when a client keeps hitting the limit', async () => {
    const { deps, alerts } = fakeEdge();
    const handler = httpFunctionOver('system', table, ops, deps);
    for (let i = 0; i < 20 + ABUSE_THRESHOLD + 10; i++) await send(handler, event('GET', '/api/things'));
    expect(alerts.raised).toHaveLength(1);
    expect(alerts.raised[0]).toMatchObject({ alertType: 'rate_limit_exceeded', severity: 'medium' });
    expect(alerts.raised[0]?.metadata).toMatchObject({ client: 'ip:198.51.100.9', rule: 'api' });
  });
});
