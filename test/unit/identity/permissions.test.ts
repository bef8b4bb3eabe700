import { describe, expect, it } from 'vitest';
import { BUILTIN_ROLE_PERMISSIONS } from '../../../shared/identity/permissions';

describe('built-in roles: least privilege on personal and security data', () => {
  it('keeps security alerts (emails, IPs, user agents of others) and the audit log from viewers and members', () => {
    for (const role of ['viewer', 'member'] as const) {
      expect(BUILTIN_ROLE_PERMISSIONS[role]).not.toContain('alerts:read');
      expect(BUILTIN_ROLE_PERMISSIONS[role]).not.toContain('alerts:manage');
      expect(BUILTIN_ROLE_PERMISSIONS[role]).not.toContain('audit:read');
    }
  });

  it('gives alerts to admins and owners', () => {
    for (const role of ['admin', 'owner'] as const) {
      expect(BUILTIN_ROLE_PERMISSIONS[role]).toEqual(expect.arrayContaining(['alerts:read', 'alerts:manage']));
    }
  });

  it('lets a viewer read the workspace data but not where API keys were used from', () => {
    expect(BUILTIN_ROLE_PERMISSIONS.viewer).toEqual(
      expect.arrayContaining(['workspace:read', 'members:read', 'contacts:read', 'campaigns:read']),
    );
    expect(BUILTIN_ROLE_PERMISSIONS.viewer).not.toContain('api-keys:read');
    expect(BUILTIN_ROLE_PERMISSIONS.viewer.every((p) => p.endsWith(':read'))).toBe(true);
  });
});
