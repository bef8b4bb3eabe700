/**
 * The permission catalog and the built-in roles. A permission is `resource:action`; every
 * workspace-scoped route declares the one it needs and the edge checks it before the
 * handler runs. Custom roles (per workspace) are any subset of the catalog.
 */

export const PERMISSIONS = [
  'workspace:read',
  'workspace:update',
  'members:read',
  'members:invite',
  'members:update',
  'members:remove',
  'roles:read',
  'roles:manage',
  'api-keys:read',
  'api-keys:create',
  'api-keys:revoke',
  'audit:read',
  'alerts:read',
  'alerts:manage',
  'settings:read',
  'settings:write',
  'contacts:read',
  'contacts:write',
  'contacts:delete',
  'scoring:read',
  'scoring:manage',
  'campaigns:read',
  'campaigns:write',
  'campaigns:launch',
  'emails:send',
  'templates:read',
  'templates:write',
  'emails:read',
  'emails:manage',
  'ai:read',
  /** Runs AI agents: spends the workspace's AI budget. */
  'ai:use',
] as const;

export type Permission = (typeof PERMISSIONS)[number];
export const isPermission = (value: string): value is Permission => (PERMISSIONS as readonly string[]).includes(value);

export const BUILTIN_ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
export type BuiltinRole = (typeof BUILTIN_ROLES)[number];
export const isBuiltinRole = (value: string): value is BuiltinRole =>
  (BUILTIN_ROLES as readonly string[]).includes(value);

/**
 * Reads that show other people's personal data or the workspace's security posture: the
 * audit log and security alerts carry members' emails, IP addresses and user agents, and
 * the key list shows where each key was last used from. Least privilege: admins and owners
 * only (members get `api-keys:read` for the keys they work with, below).
 */
const ADMIN_READS: ReadonlySet<Permission> = new Set<Permission>(['audit:read', 'alerts:read', 'api-keys:read']);
const readOnly = PERMISSIONS.filter((p) => p.endsWith(':read') && !ADMIN_READS.has(p));

/** What each built-in role may do. Owners may do everything; only owners manage roles. */
export const BUILTIN_ROLE_PERMISSIONS: Readonly<Record<BuiltinRole, readonly Permission[]>> = {
  owner: PERMISSIONS,
  admin: PERMISSIONS.filter((p) => p !== 'roles:manage'),
  member: [
    ...readOnly,
    'contacts:write',
    'contacts:delete',
    'campaigns:write',
    'campaigns:launch',
    'emails:send',
    'templates:write',
    'api-keys:read',
    'api-keys:create',
    // Members do the work AI helps with (replies, copy, lead reviews); viewers cannot spend the budget.
    'ai:use',
  ],
  viewer: readOnly,
};

/** Roles that may be given by someone holding `members:update`/`members:invite`; nobody hands out `owner` that way. */
export const ASSIGNABLE_ROLES: readonly string[] = ['admin', 'member', 'viewer'];
