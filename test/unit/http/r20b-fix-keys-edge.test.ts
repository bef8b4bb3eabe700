// Review round 20: this test failed at 16f866a.
// A key whose scopes named `api-keys:create` minted more keys (stored as the user's own, outliving
// its revocation), and the audit entries of key requests did not name the key.
import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { type RouteDeclaration, routes } from '../../../lib/definition';
import { buildEvent } from '../../../lib/local/api-event';
import { httpFunctionOver } from '../../../shared/http/http-function';
import { type DefinedOperation, defineOperation } from '../../../shared/http/operation';
import type { User } from '../../../shared/identity/model';
import { PERMISSIONS, type Permission } from '../../../shared/identity/permissions';
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
/**
 * One POST route per permission: whatever a route needs, the rule is the same. The one needing
 * `api-keys:create` hands out access, as the key-creating route is declared (r20r1: keys are refused
 * by that declaration, not by the permission).
 */
const table = PERMISSIONS.map((permission) =>
  route({
    id: `r.${permission}`,
    method: 'POST',
    path: `/api/r/${permission.replace(':', '/')}`,
    permission,
    ...(permission === 'api-keys:create' ? { handsOutAccess: true as const } : {}),
  }),
);
const ok = defineOperation({ body: z.unknown() }, () => ({ status: 201, audit: { resourceId: 'thing-1' } }));
const ops: Record<string, DefinedOperation> = Object.fromEntries(table.map((r) => [r.id, ok]));
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
const KEY = `uh_${'1'.repeat(32)}`;

let edge: ReturnType<typeof fakeEdge>;
let handler: ReturnType<typeof httpFunctionOver>;
beforeEach(() => {
  edge = fakeEdge({ rateLimits: false }, () => NOW);
  handler = httpFunctionOver('system', table, ops, edge.deps);
  edge.identity.sessionsByHash.set(sha256('ann-token'), {
    session: {
      sessionId: 's-ann',
      userId: ann.userId,
      ip: '',
      userAgent: '',
      createdAt: '',
      lastSeenAt: '2026-11-25T11:59:00Z',
      expiresAt: '2026-12-01T00:00:00Z',
    },
    user: ann,
  });
  edge.identity.members.push({
    workspaceId: 'ws-a',
    organizationId: 'o',
    userId: 'u-ann',
    role: 'owner',
    joinedAt: '',
  });
  // The owner's key, scoped with every permission there is.
  edge.identity.keysByHash.set(sha256(KEY), {
    key: {
      keyId: 'k-every-scope',
      workspaceId: 'ws-a',
      name: 'ci',
      prefix: KEY.slice(0, 11),
      scopes: [...PERMISSIONS],
      createdBy: 'u-ann',
      createdAt: '',
      usageCount: 0,
      isActive: true,
    },
    user: ann,
  });
});

const post = (permission: Permission, headers: Record<string, string>) =>
  buildEvent(
    {
      method: 'POST',
      url: `/api/r/${permission.replace(':', '/')}`,
      headers: { host: 'app.example', 'user-agent': 'vitest', ...headers },
      body: Buffer.alloc(0),
      sourceIp: '198.51.100.4',
    },
    { routeKey: `POST /api/r/${permission.replace(':', '/')}` },
    'req-1',
  ) as APIGatewayProxyEventV2;
async function send(e: APIGatewayProxyEventV2) {
  const res = await handler(e, context);
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
}
const byKey = { authorization: `Bearer ${KEY}` };
const bySession = { cookie: 'session=ann-token' };

describe('r20b: keys never create keys', () => {
  it('refuses an API key, whatever its scopes, on a route that needs api-keys:create: 403 API_KEY_NOT_ALLOWED', async () => {
    const res = await send(post('api-keys:create', byKey));
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('API_KEY_NOT_ALLOWED');
    expect(edge.audit.entries).toEqual([]);
    // The person, signed in, may.
    expect((await send(post('api-keys:create', bySession))).status).toBe(201);
  });

  it('lets a key use every other permission its scopes and its creator’s role give it', async () => {
    for (const permission of PERMISSIONS.filter((p) => p !== 'api-keys:create')) {
      expect((await send(post(permission, byKey))).status, permission).toBe(201);
    }
  });

  it('documents the key-creating route as session only (docs/openapi.json, kept in step by the api-docs test)', () => {
    const doc = JSON.parse(readFileSync('docs/openapi.json', 'utf8'));
    const create = routes.find((r) => r.id === 'api-keys.create') as RouteDeclaration;
    const operation = doc.paths[create.path][create.method.toLowerCase()];
    expect(operation.security.flatMap((s: object) => Object.keys(s))).not.toContain('apiKey');
    expect(operation.description).toContain('API_KEY_NOT_ALLOWED');
  });
});

describe('r20b: the audit entry of a key request names the key', () => {
  it('records the key id with the user; a session’s entry names none', async () => {
    expect((await send(post('settings:write', byKey))).status).toBe(201);
    expect((await send(post('settings:write', bySession))).status).toBe(201);
    const [withKey, withSession] = edge.audit.entries;
    expect(withKey).toMatchObject({ actorType: 'user', actorId: 'u-ann', apiKeyId: 'k-every-scope' });
    expect(withSession).toMatchObject({ actorType: 'user', actorId: 'u-ann' });
    expect(withSession).not.toHaveProperty('apiKeyId');
  });
});
