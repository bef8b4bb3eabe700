/** The one mapping from what the edge resolved to the plain values use cases take. */
import { describe, expect, it } from 'vitest';
import { authOf, callerOf, originOf } from '../../../shared/http/caller';
import type { HttpRequest } from '../../../shared/http/types';

const request = (auth: HttpRequest['auth']) =>
  ({ route: { id: 'settings.list' }, auth, clientAddress: '198.51.100.1', userAgent: 'ua' }) as unknown as HttpRequest;
const principal = { userId: 'u-1', email: 'u@example.test', via: 'session' } as const;

describe('callerOf', () => {
  it('takes the workspace the edge resolved, with the principal', () => {
    const caller = callerOf(
      request({
        principal,
        workspace: {
          workspaceId: 'ws-1',
          organizationId: 'o-1',
          role: 'admin',
          permissions: new Set(['settings:read']),
        },
      }),
    );
    expect(caller).toEqual({
      workspaceId: 'ws-1',
      organizationId: 'o-1',
      role: 'admin',
      userId: 'u-1',
      email: 'u@example.test',
      permissions: new Set(['settings:read']),
    });
  });

  it('refuses to run a workspace route without a resolved workspace', () => {
    expect(() => callerOf(request({ principal }))).toThrow(/without a resolved workspace/);
    expect(() => callerOf(request(undefined))).toThrow(/without a resolved workspace/);
  });
});

describe('authOf and originOf', () => {
  it('hand over the signed-in user and where the request came from', () => {
    expect(authOf(request({ principal }))).toEqual({ principal });
    expect(originOf(request({ principal }))).toEqual({ ip: '198.51.100.1', userAgent: 'ua' });
  });

  it('answer 401 when the edge authenticated nobody', () => {
    expect(() => authOf(request(undefined))).toThrow(expect.objectContaining({ status: 401, code: 'UNAUTHENTICATED' }));
  });
});
