import { describe, expect, it } from 'vitest';
import { apiKeyPrecheck } from '../../../../shared/http/middlewares/api-key-precheck';
import { stateOf } from '../../../../shared/http/middlewares/edge-state';
import type { User } from '../../../../shared/identity/model';
import { sha256 } from '../../../../shared/identity/tokens';
import { fakeEdge } from '../../../support/edge-fakes';
import { apiEvent, edgeRequest, testRoute } from '../../../support/edge-request';

const KEY = `uh_${'a'.repeat(32)}`;
const signedIn = testRoute({ id: 'things.list', method: 'GET', path: '/api/things', auth: 'user' });
const open = testRoute({ id: 'things.list', method: 'GET', path: '/api/things', auth: 'public' });

function withKey() {
  const edge = fakeEdge();
  edge.identity.keysByHash.set(sha256(KEY), {
    key: {
      keyId: 'k1',
      workspaceId: 'ws-1',
      name: 'ci',
      prefix: '',
      scopes: ['contacts:read'],
      createdBy: 'u-1',
      createdAt: '',
      usageCount: 0,
      isActive: true,
    },
    user: { userId: 'u-1', email: 'u1@example.com' } as User,
  });
  return edge;
}
const presenting = (bearer: string, route = signedIn) =>
  edgeRequest(apiEvent({ headers: { authorization: `Bearer ${bearer}` } }), {}, [route]);

describe('apiKeyPrecheck', () => {
  it('on a signed-in route, finds an active key verified', async () => {
    const request = presenting(KEY);
    await apiKeyPrecheck(withKey().identity.apiKeys).before?.(request);
    expect(stateOf(request).presented).toMatchObject({ status: 'verified', hash: sha256(KEY) });
  });
  it('on a signed-in route, marks a made-up or malformed key invalid, without refusing the request', async () => {
    const { apiKeys } = withKey().identity;
    const unknown = presenting(`uh_${'b'.repeat(32)}`);
    const malformed = presenting('not-a-key');
    await apiKeyPrecheck(apiKeys).before?.(unknown);
    await apiKeyPrecheck(apiKeys).before?.(malformed);
    expect(stateOf(unknown).presented).toEqual({ status: 'invalid', reason: 'unknown' });
    expect(stateOf(malformed).presented).toEqual({ status: 'invalid', reason: 'malformed' });
  });
  it('ignores keys on public routes and on requests that name no route', async () => {
    const { apiKeys } = withKey().identity;
    const onPublic = presenting(KEY, open);
    const unrouted = edgeRequest(apiEvent({ routeKey: '$default', headers: { authorization: `Bearer ${KEY}` } }));
    await apiKeyPrecheck(apiKeys).before?.(onPublic);
    await apiKeyPrecheck(apiKeys).before?.(unrouted);
    expect(stateOf(onPublic).presented).toEqual({ status: 'absent' });
    expect(stateOf(unrouted).presented).toEqual({ status: 'absent' });
  });
});
