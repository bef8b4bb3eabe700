// Review round 20: this test failed at 27bc9a0.
// The edge gated the API-key list and revoke routes by `api-keys:read`, which the use cases' rules do
// not imply (a creator demoted to viewer could not revoke their key), and a leaked key could still
// hand out access outliving its revocation (invites, webhook tokens): only `api-keys:create` refused keys.
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { type RouteDeclaration, routes } from '../../../lib/definition';
import { buildEvent } from '../../../lib/local/api-event';
import { httpFunctionOver } from '../../../shared/http/http-function';
import { type DefinedOperation, defineOperation } from '../../../shared/http/operation';
import type { User } from '../../../shared/identity/model';
import * as permissions from '../../../shared/identity/permissions';
import { PERMISSIONS } from '../../../shared/identity/permissions';
import { sha256 } from '../../../shared/identity/tokens';
import { fakeEdge } from '../../support/edge-fakes';

type Declared = RouteDeclaration & { anyMember?: true };
const route = (over: Partial<Declared> & Pick<Declared, 'id' | 'method' | 'path'>): RouteDeclaration =>
  ({ function: 'system', auth: 'user', csrf: false, rateTier: 'authenticated', summary: 'test', ...over }) as Declared;

const table = [
  route({ id: 'members.any', method: 'POST', path: '/api/any', anyMember: true }),
  route({ id: 'members.any-read', method: 'GET', path: '/api/any' }),
  route({ id: 'hands.out', method: 'POST', path: '/api/hand-out', permission: 'members:invite', handsOutAccess: true }),
  route({ id: 'plain', method: 'POST', path: '/api/plain', permission: 'members:invite' }),
];
// The operation echoes the workspace the edge resolved and the permissions it found.
const echo = defineOperation({ body: z.unknown() }, (_input, request) => ({
  status: 201,
  body: {
    workspaceId: request.auth?.workspace?.workspaceId ?? null,
    permissions: [...(request.auth?.workspace?.permissions ?? [])],
  },
  audit: { resourceId: 'thing-1' },
}));
const ops: Record<string, DefinedOperation> = Object.fromEntries(table.map((r) => [r.id, echo]));
const context = { awsRequestId: 'a', functionName: 'system' } as Context;
const NOW = Date.parse('2026-12-07T12:00:00Z');

const user = (id: string): User => ({
  userId: id,
  email: `${id}@example.com`,
  name: id,
  emailVerified: true,
  defaultWorkspaceId: 'ws-a',
  createdAt: '',
});
const KEY = `uh_${'2'.repeat(32)}`;

let edge: ReturnType<typeof fakeEdge>;
let handler: ReturnType<typeof httpFunctionOver>;
beforeEach(() => {
  edge = fakeEdge({ rateLimits: false }, () => NOW);
  handler = httpFunctionOver('system', table, ops, edge.deps);
  const session = (token: string, who: User) =>
    edge.identity.sessionsByHash.set(sha256(token), {
      session: {
        sessionId: `s-${who.userId}`,
        userId: who.userId,
        ip: '',
        userAgent: '',
        createdAt: '',
        lastSeenAt: '2026-12-07T11:59:00Z',
        expiresAt: '2026-12-31T00:00:00Z',
      },
      user: who,
    });
  session('owner-token', user('u-owner'));
  session('viewer-token', user('u-viewer'));
  session('bare-token', user('u-bare'));
  session('outsider-token', { ...user('u-out'), defaultWorkspaceId: 'ws-b' });
  const member = (userId: string, role: string) =>
    edge.identity.members.push({ workspaceId: 'ws-a', organizationId: 'o', userId, role, joinedAt: '' });
  member('u-owner', 'owner');
  member('u-viewer', 'viewer');
  // A custom role that holds nothing at all.
  member('u-bare', 'bare');
  edge.identity.roles.push({ workspaceId: 'ws-a', name: 'bare', permissions: [] } as never);
  // The owner's key, scoped with every permission there is.
  edge.identity.keysByHash.set(sha256(KEY), {
    key: {
      keyId: 'k-all',
      workspaceId: 'ws-a',
      name: 'ci',
      prefix: KEY.slice(0, 11),
      scopes: [...PERMISSIONS],
      createdBy: 'u-owner',
      createdAt: '',
      usageCount: 0,
      isActive: true,
    },
    user: user('u-owner'),
  });
});

const event = (method: string, path: string, headers: Record<string, string>) =>
  buildEvent(
    {
      method,
      url: path,
      headers: { host: 'app.example', 'user-agent': 'vitest', 'x-workspace-id': 'ws-a', ...headers },
      body: Buffer.alloc(0),
      sourceIp: '198.51.100.4',
    },
    { routeKey: `${method} ${path}` },
    'req-1',
  ) as APIGatewayProxyEventV2;
async function send(method: string, path: string, headers: Record<string, string>) {
  const res = await handler(event(method, path, headers), context);
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
}
const cookie = (token: string) => ({ cookie: `session=${token}` });
const byKey = { authorization: `Bearer ${KEY}` };

describe('r20r1: a route open to every member of the workspace (the use case decides)', () => {
  it('lets any member through with the workspace resolved, whatever their role holds', async () => {
    for (const token of ['owner-token', 'viewer-token', 'bare-token']) {
      const res = await send('POST', '/api/any', cookie(token));
      expect(res.status, `${token}: ${JSON.stringify(res.body)}`).toBe(201);
      expect(res.body.workspaceId).toBe('ws-a');
    }
    const bare = await send('POST', '/api/any', cookie('bare-token'));
    expect(bare.body.permissions).toEqual([]);
  });

  it('answers a non-member 404 and an anonymous caller 401', async () => {
    const outsider = await send('POST', '/api/any', cookie('outsider-token'));
    expect(outsider.status).toBe(404);
    expect(outsider.body.code).toBe('WORKSPACE_NOT_FOUND');
    expect((await send('POST', '/api/any', {})).status).toBe(401);
  });

  it('lets an API key through within its workspace and scopes (the use case sees only those)', async () => {
    const res = await send('POST', '/api/any', byKey);
    expect(res.status).toBe(201);
    expect(res.body.workspaceId).toBe('ws-a');
    const elsewhere = await send('POST', '/api/any', { ...byKey, 'x-workspace-id': 'ws-b' });
    expect(elsewhere.status).toBe(404);
  });

  it('audits its state changes like any workspace route', async () => {
    expect((await send('POST', '/api/any', cookie('viewer-token'))).status).toBe(201);
    expect(edge.audit.entries).toEqual([
      expect.objectContaining({ workspaceId: 'ws-a', eventType: 'members.any', actorId: 'u-viewer' }),
    ]);
  });

  it('a route declared with neither a permission nor anyMember stays account-level (no workspace)', async () => {
    const res = await send('GET', '/api/any', cookie('viewer-token'));
    expect(res.status).toBe(201);
    expect(res.body.workspaceId).toBeNull();
  });
});

describe('r20r1: every route that hands out access refuses API keys', () => {
  it('refuses a key whatever its scopes with 403 API_KEY_NOT_ALLOWED, writing nothing; a session may', async () => {
    const res = await send('POST', '/api/hand-out', byKey);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('API_KEY_NOT_ALLOWED');
    expect(edge.audit.entries).toEqual([]);
    expect((await send('POST', '/api/hand-out', cookie('owner-token'))).status).toBe(201);
    // The same permission on a route that hands out nothing takes the key.
    expect((await send('POST', '/api/plain', byKey)).status).toBe(201);
  });

  it('derives who may use a key from the declaration alone: workspace routes that hand out nothing', () => {
    const { apiKeysMayCall } = permissions as unknown as { apiKeysMayCall: (r: RouteDeclaration) => boolean };
    for (const r of routes.filter((x) => x.auth === 'user')) {
      const inWorkspace = r.permission !== undefined || (r as Declared).anyMember === true;
      // r20s1: `sessionOnly` routes (role grants, signing secrets) refuse keys too.
      expect(apiKeysMayCall(r), r.id).toBe(inWorkspace && !r.handsOutAccess && !r.sessionOnly);
    }
    expect(routes.filter((r) => r.handsOutAccess || r.sessionOnly).every((r) => !apiKeysMayCall(r))).toBe(true);
  });

  it('declares the key list and revocation open to every member: their use cases decide', () => {
    for (const id of ['api-keys.list', 'api-keys.revoke']) {
      const declared = routes.find((r) => r.id === id) as Declared;
      expect(declared.anyMember, id).toBe(true);
      expect(declared.permission, id).toBeUndefined();
    }
  });
});
