/** Authentication, workspace resolution, permissions and audit at the edge, on synthetic routes. */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import type { RouteDeclaration } from '../../../lib/definition';
import { buildEvent } from '../../../lib/local/api-event';
import { httpFunctionOver } from '../../../shared/http/http-function';
import { type DefinedOperation, defineOperation } from '../../../shared/http/operation';
import type { User } from '../../../shared/identity/model';
import { sha256 } from '../../../shared/identity/tokens';
import { fakeEdge } from '../../support/edge-fakes';

const route = (
  over: Partial<RouteDeclaration> & Pick<RouteDeclaration, 'id' | 'method' | 'path'>,
): RouteDeclaration => ({
  function: 'system',
  auth: 'user',
  csrf: false,
  rateTier: 'authenticated',
  summary: 'test',
  ...over,
});
const table = [
  route({ id: 'me', method: 'GET', path: '/api/me' }),
  route({ id: 'things.list', method: 'GET', path: '/api/things', permission: 'contacts:read' }),
  route({ id: 'things.create', method: 'POST', path: '/api/things', permission: 'contacts:write' }),
  route({ id: 'ws.things', method: 'GET', path: '/api/workspaces/{workspaceId}/things', permission: 'contacts:read' }),
];
const echo = defineOperation({ body: z.unknown(), params: z.record(z.string(), z.string()) }, (_i, req) => ({
  status: req.method === 'POST' ? 201 : 200,
  body: {
    auth: req.auth
      ? {
          ...req.auth,
          workspace: req.auth.workspace && { ...req.auth.workspace, permissions: [...req.auth.workspace.permissions] },
        }
      : null,
  },
  ...(req.method === 'POST' ? { audit: { resourceId: 'thing-1' } } : {}),
}));
const ops: Record<string, DefinedOperation> = Object.fromEntries(table.map((r) => [r.id, echo]));
const context = { awsRequestId: 'a', functionName: 'system' } as Context;
const NOW = Date.parse('2026-11-25T12:00:00Z');

const ann: User = {
  userId: 'u-ann',
  email: 'ann@example.com',
  name: 'Ann',
  emailVerified: true,
  defaultWorkspaceId: 'ws-a',
  createdAt: '',
};
const bob: User = { ...ann, userId: 'u-bob', email: 'bob@example.com', defaultWorkspaceId: 'ws-b' };
const KEY = `uh_${'1'.repeat(32)}`;

let edge: ReturnType<typeof fakeEdge>;
let handler: ReturnType<typeof httpFunctionOver>;
beforeEach(() => {
  edge = fakeEdge({ rateLimits: false }, () => NOW);
  handler = httpFunctionOver('system', table, ops, edge.deps);
  const session = (id: string, user: User, over: object = {}) => ({
    session: {
      sessionId: id,
      userId: user.userId,
      ip: '',
      userAgent: '',
      createdAt: '',
      lastSeenAt: '2026-11-25T11:59:00Z',
      expiresAt: '2026-12-01T00:00:00Z',
      ...over,
    },
    user,
  });
  edge.identity.sessionsByHash.set(sha256('ann-token'), session('s-ann', ann));
  edge.identity.sessionsByHash.set(sha256('bob-token'), session('s-bob', bob));
  edge.identity.sessionsByHash.set(sha256('old-token'), session('s-old', ann, { expiresAt: '2026-11-25T11:00:00Z' }));
  edge.identity.sessionsByHash.set(
    sha256('revoked-token'),
    session('s-rev', ann, { revokedAt: '2026-11-25T10:00:00Z' }),
  );
  edge.identity.members.push(
    { workspaceId: 'ws-a', organizationId: 'o', userId: 'u-ann', role: 'owner', joinedAt: '' },
    { workspaceId: 'ws-b', organizationId: 'o2', userId: 'u-bob', role: 'viewer', joinedAt: '' },
    { workspaceId: 'ws-a', organizationId: 'o', userId: 'u-bob', role: 'readers', joinedAt: '' },
  );
  edge.identity.roles.push({ workspaceId: 'ws-a', name: 'readers', permissions: ['contacts:read'], createdAt: '' });
  edge.identity.keysByHash.set(sha256(KEY), {
    key: {
      keyId: 'k1',
      workspaceId: 'ws-a',
      name: 'ci',
      prefix: KEY.slice(0, 11),
      scopes: ['contacts:read'],
      createdBy: 'u-ann',
      createdAt: '',
      usageCount: 0,
      isActive: true,
    },
    user: ann,
  });
});

const event = (method: string, path: string, headers: Record<string, string> = {}, routeKey = `${method} ${path}`) =>
  buildEvent(
    {
      method,
      url: path,
      headers: { host: 'app.example', 'user-agent': 'vitest', ...headers },
      body: Buffer.alloc(0),
      sourceIp: '198.51.100.4',
    },
    { routeKey },
    'req-1',
  ) as APIGatewayProxyEventV2;
async function send(e: APIGatewayProxyEventV2, pathParameters?: Record<string, string>) {
  if (pathParameters) e.pathParameters = pathParameters;
  const res = await handler(e, context);
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
}
const as = (token: string) => ({ cookie: `session=${token}` });

describe('authentication', () => {
  it.each([
    [{}, 'UNAUTHENTICATED'],
    [as('nope'), 'SESSION_INVALID'],
    [as('old-token'), 'SESSION_INVALID'],
    [as('revoked-token'), 'SESSION_INVALID'],
    [{ authorization: 'Bearer uh_short' }, 'INVALID_API_KEY'],
    [{ authorization: `Bearer uh_${'2'.repeat(32)}` }, 'INVALID_API_KEY'],
  ])('refuses %j with 401 %s', async (headers, code) => {
    const res = await send(event('GET', '/api/me', headers));
    expect(res.status).toBe(401);
    expect(res.body.code).toBe(code);
  });
  describe('a token that names its user', () => {
    beforeEach(() => {
      const ann = edge.identity.sessionsByHash.get(sha256('ann-token'));
      if (ann) edge.identity.sessionsByHash.set(sha256('u-ann.t1'), ann);
    });
    it("brings the named workspace's membership with the session: no second read", async () => {
      const res = await send(event('GET', '/api/things', { ...as('u-ann.t1'), 'x-workspace-id': 'ws-a' }));
      expect(res.status).toBe(200);
      expect(res.body.auth.workspace).toMatchObject({ workspaceId: 'ws-a', role: 'owner' });
      expect(edge.identity.membershipReads).toEqual([]);
    });
    it('answers 404 for a workspace it is not a member of, from the same read', async () => {
      const res = await send(event('GET', '/api/things', { ...as('u-ann.t1'), 'x-workspace-id': 'ws-b' }));
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('WORKSPACE_NOT_FOUND');
      expect(edge.identity.membershipReads).toEqual([]);
    });
    it('reads the membership apart when the request names no workspace (the default)', async () => {
      const res = await send(event('GET', '/api/things', as('u-ann.t1')));
      expect(res.body.auth.workspace).toMatchObject({ workspaceId: 'ws-a' });
      expect(edge.identity.membershipReads).toEqual(['ws-a']);
    });
    it("refuses a token whose named user is not the session's", async () => {
      const ann = edge.identity.sessionsByHash.get(sha256('ann-token'));
      if (ann) edge.identity.sessionsByHash.set(sha256('u-bob.t2'), ann);
      const res = await send(event('GET', '/api/things', { ...as('u-bob.t2'), 'x-workspace-id': 'ws-b' }));
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('SESSION_INVALID');
    });
  });
  it('names the caller from a session, without a workspace on user-level routes', async () => {
    const res = await send(event('GET', '/api/me', as('ann-token')));
    expect(res.body.auth).toEqual({
      // A session from before versions were recorded is version 0.
      principal: { userId: 'u-ann', email: 'ann@example.com', via: 'session', sessionId: 's-ann', passwordVersion: 0 },
      // The profile read with the session, for account routes (GET /api/auth/me reads it no more).
      user: expect.objectContaining({ userId: 'u-ann', email: 'ann@example.com' }),
    });
  });
  it('refuses a key once revoked', async () => {
    const entry = edge.identity.keysByHash.get(sha256(KEY));
    if (entry) edge.identity.keysByHash.set(sha256(KEY), { ...entry, key: { ...entry.key, isActive: false } });
    expect((await send(event('GET', '/api/things', { authorization: `Bearer ${KEY}` }))).status).toBe(401);
  });
});

describe('workspaces and permissions', () => {
  it('uses the default workspace, or the one the caller names', async () => {
    const own = await send(event('GET', '/api/things', as('ann-token')));
    expect(own.body.auth.workspace).toMatchObject({ workspaceId: 'ws-a', role: 'owner' });
    const named = await send(event('GET', '/api/things', { ...as('bob-token'), 'x-workspace-id': 'ws-a' }));
    expect(named.body.auth.workspace).toMatchObject({
      workspaceId: 'ws-a',
      role: 'readers',
      permissions: ['contacts:read'],
    });
  });
  it('answers 404 for a workspace the caller is not a member of, whatever way it is named', async () => {
    const viaHeader = await send(event('GET', '/api/things', { ...as('ann-token'), 'x-workspace-id': 'ws-b' }));
    expect(viaHeader.status).toBe(404);
    expect(viaHeader.body).toMatchObject({ code: 'WORKSPACE_NOT_FOUND' });
    const viaPath = await send(
      event('GET', '/api/workspaces/ws-b/things', as('ann-token'), 'GET /api/workspaces/{workspaceId}/things'),
      {
        workspaceId: 'ws-b',
      },
    );
    expect(viaPath.status).toBe(404);
    expect(JSON.stringify(viaPath.body)).not.toContain('u-bob');
  });
  it('refuses what the role does not allow with 403 PERMISSION_DENIED', async () => {
    const viewer = await send(event('POST', '/api/things', as('bob-token')));
    expect(viewer.status).toBe(403);
    expect(viewer.body.code).toBe('PERMISSION_DENIED');
    const custom = await send(event('POST', '/api/things', { ...as('bob-token'), 'x-workspace-id': 'ws-a' }));
    expect(custom.status).toBe(403);
  });
  it('narrows an API key to its scopes and its own workspace', async () => {
    const key = { authorization: `Bearer ${KEY}` };
    expect((await send(event('GET', '/api/things', key))).status).toBe(200);
    expect((await send(event('POST', '/api/things', key))).body.code).toBe('PERMISSION_DENIED');
    expect((await send(event('GET', '/api/things', { ...key, 'x-workspace-id': 'ws-b' }))).status).toBe(404);
    expect(edge.identity.touched).toContain(sha256(KEY));
  });
  it('refuses a key made before the membership it acts through (removed, then added back)', async () => {
    const key = { authorization: `Bearer ${KEY}` };
    const entry = edge.identity.keysByHash.get(sha256(KEY));
    if (entry) {
      edge.identity.keysByHash.set(sha256(KEY), { ...entry, key: { ...entry.key, createdAt: '2026-11-01T00:00:00Z' } });
    }
    const ann = edge.identity.members.find((m) => m.userId === 'u-ann' && m.workspaceId === 'ws-a');
    if (ann) Object.assign(ann, { joinedAt: '2026-11-20T00:00:00Z' });
    const res = await send(event('GET', '/api/things', key));
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('WORKSPACE_NOT_FOUND');
  });
  it('refuses an API key on account-level routes (no declared permission) with 403 API_KEY_NOT_ALLOWED', async () => {
    const res = await send(event('GET', '/api/me', { authorization: `Bearer ${KEY}` }));
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('API_KEY_NOT_ALLOWED');
    // The session of the same user may.
    expect((await send(event('GET', '/api/me', as('ann-token')))).status).toBe(200);
  });
});

describe('ids from outside', () => {
  const long = 'w'.repeat(2100);
  it.each([
    ['x-workspace-id header', () => event('GET', '/api/things', { ...as('ann-token'), 'x-workspace-id': long })],
    [
      'x-workspace-id header with a newline',
      () => event('GET', '/api/things', { ...as('ann-token'), 'x-workspace-id': 'ws-a\n' }),
    ],
    ['?workspaceId query', () => event(`GET`, `/api/things?workspaceId=${long}`, as('ann-token'), 'GET /api/things')],
  ])(
    'refuses an over-long or malformed workspace id in the %s with 400 INVALID_ID, before any store read',
    async (_where, make) => {
      const reads: string[] = [];
      const find = edge.identity.find.bind(edge.identity);
      edge.identity.find = async (workspaceId, userId) => {
        reads.push(workspaceId);
        return find(workspaceId, userId);
      };
      const res = await send(make());
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('INVALID_ID');
      expect(reads).toEqual([]);
    },
  );
  it('refuses an over-long path id with 400 INVALID_ID', async () => {
    const res = await send(
      event('GET', `/api/workspaces/${long}/things`, as('ann-token'), 'GET /api/workspaces/{workspaceId}/things'),
      { workspaceId: long },
    );
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'INVALID_ID', details: [{ in: 'path', path: 'workspaceId' }] });
  });
});

describe('audit', () => {
  it('records a successful state change with actor, resource and ip, but not reads', async () => {
    await send(event('GET', '/api/things', as('ann-token')));
    await send(event('POST', '/api/things', as('ann-token')));
    expect(edge.audit.entries).toEqual([
      {
        workspaceId: 'ws-a',
        eventType: 'things.create',
        eventAction: 'POST',
        actorType: 'user',
        actorId: 'u-ann',
        actorEmail: 'ann@example.com',
        resourceType: 'things',
        resourceId: 'thing-1',
        ip: '198.51.100.4',
        userAgent: 'vitest',
        id: expect.any(String),
        createdAt: expect.any(String),
      },
    ]);
  });
  it('never fails the request when the audit write fails', async () => {
    edge.audit.failing = true;
    expect((await send(event('POST', '/api/things', as('ann-token')))).status).toBe(201);
  });
});
