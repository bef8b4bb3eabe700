import { describe, expect, it } from 'vitest';
import { callerOf } from '../../../shared/governance/caller';
import type { HttpRequest } from '../../../shared/http/types';

const request = (auth: HttpRequest['auth']) =>
  ({ route: { id: 'settings.list' }, auth, clientAddress: '198.51.100.1', userAgent: 'ua' }) as unknown as HttpRequest;

describe('callerOf', () => {
  it('takes the workspace the edge resolved, with the principal', () => {
    const caller = callerOf(
      request({
        principal: { userId: 'u-1', email: 'u@example.test', via: 'session' },
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
      userId: 'u-1',
      email: 'u@example.test',
      permissions: new Set(['settings:read']),
    });
  });

  it('refuses to run a governance route without a resolved workspace', () => {
    expect(() => callerOf(request({ principal: { userId: 'u-1', email: 'u@example.test', via: 'session' } }))).toThrow(
      /without a resolved workspace/,
    );
    expect(() => callerOf(request(undefined))).toThrow(/without a resolved workspace/);
  });
});
