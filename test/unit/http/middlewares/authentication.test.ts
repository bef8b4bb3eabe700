import { afterEach, describe, expect, it } from 'vitest';
import type { RouteDeclaration } from '../../../../lib/definition';
import { authentication } from '../../../../shared/http/middlewares/authentication';
import { bodyParsing } from '../../../../shared/http/middlewares/body-parsing';
import { stateOf } from '../../../../shared/http/middlewares/edge-state';
import type { User } from '../../../../shared/identity/model';
import { sha256 } from '../../../../shared/identity/tokens';
import { logger } from '../../../../shared/observability/logger';
import { fakeEdge } from '../../../support/edge-fakes';
import { apiEvent, edgeRequest, testRoute } from '../../../support/edge-request';
import { captureOutput } from '../../../support/output-capture';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const ann = { userId: 'u-ann', email: 'ann@example.com', defaultWorkspaceId: 'ws-a' } as User;
const me = testRoute({ id: 'me', method: 'GET', path: '/api/things', auth: 'user' });
const read = testRoute({
  id: 'things.list',
  method: 'GET',
  path: '/api/things',
  auth: 'user',
  permission: 'contacts:read',
});
const manage = testRoute({
  id: 'things.manage',
  method: 'GET',
  path: '/api/things',
  auth: 'user',
  permission: 'roles:manage',
});

function edge() {
  const fake = fakeEdge({ rateLimits: false }, () => NOW);
  fake.identity.sessionsByHash.set(sha256('ann-token'), {
    session: {
      sessionId: 's-ann',
      userId: 'u-ann',
      ip: '',
      userAgent: '',
      createdAt: '',
      lastSeenAt: '2026-11-25T11:59:00Z',
      expiresAt: '2026-12-01T00:00:00Z',
    },
    user: ann,
  });
  fake.identity.members.push({
    workspaceId: 'ws-a',
    organizationId: 'o',
    userId: 'u-ann',
    role: 'member',
    joinedAt: '',
  });
  return fake;
}
async function authenticated(route: RouteDeclaration, headers: Record<string, string>) {
  const request = edgeRequest(apiEvent({ headers }), { route, caller: { clientAddress: '1.2.3.4', publicHost: 'h' } });
  await bodyParsing().before?.(request);
  await authentication(edge().deps.auth).before?.(request);
  return stateOf(request).request;
}

afterEach(() => {
  logger.resetKeys();
});

describe('authentication', () => {
  it('leaves public routes alone', async () => {
    const request = await authenticated({ ...me, auth: 'public' }, {});
    expect(request?.auth).toBeUndefined();
  });
  it('refuses a signed-in route without a credential with 401', async () => {
    await expect(authenticated(me, {})).rejects.toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  });
  it('names the caller; on a route with a permission, the workspace too, which the logs then carry', async () => {
    const account = await authenticated(me, { cookie: 'session=ann-token' });
    expect(account?.auth).toEqual({
      principal: expect.objectContaining({ userId: 'u-ann', via: 'session' }),
      user: expect.objectContaining({ userId: 'u-ann' }),
    });

    const output = captureOutput();
    try {
      const scoped = await authenticated(read, { cookie: 'session=ann-token' });
      expect(scoped?.auth?.workspace).toMatchObject({ workspaceId: 'ws-a', role: 'member' });
      logger.info('after authentication');
    } finally {
      output.stop();
    }
    expect(output.lines()).toContainEqual(expect.objectContaining({ workspaceId: 'ws-a' }));
  });
  it('refuses a permission the role lacks with 403, and another workspace with 404', async () => {
    await expect(authenticated(manage, { cookie: 'session=ann-token' })).rejects.toMatchObject({
      status: 403,
      code: 'PERMISSION_DENIED',
    });
    await expect(
      authenticated(read, { cookie: 'session=ann-token', 'x-workspace-id': 'ws-other' }),
    ).rejects.toMatchObject({ status: 404 });
  });
});
