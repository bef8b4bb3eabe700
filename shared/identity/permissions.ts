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
  /** The caller's own API keys: list them, revoke them. */
  'api-keys:read',
  /** Every API key of the workspace, with where each was last used from. */
  'api-keys:read-all',
  /** Create API keys; a signed-in person only (see {@link SESSION_ONLY_PERMISSIONS}). */
  'api-keys:create',
  /** Revoke other people's API keys (a key's creator may always revoke it). */
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
 * Permissions only a signed-in person exercises: a route that needs one refuses API keys with 403
 * `API_KEY_NOT_ALLOWED`, as the account routes (declared without a permission) do, whatever the
 * key's scopes say. A key never mints keys: a leaked one would leave behind keys, stored as its
 * user's own, that its revocation does not end.
 */
export const SESSION_ONLY_PERMISSIONS: ReadonlySet<Permission> = new Set<Permission>(['api-keys:create']);

/**
 * Whether an API key may call a route that needs `permission` (within its scopes): never a route
 * without one (account-level: the person, not a workspace) nor one needing a session-only permission.
 */
export const apiKeysMayCall = (permission: Permission | undefined): boolean =>
  permission !== undefined && !SESSION_ONLY_PERMISSIONS.has(permission);

/**
 * Reads kept from viewers. The audit log, security alerts and the full key list
 * (`api-keys:read-all`: where each key was last used from) carry other people's emails, IP
 * addresses and user agents: admins and owners only (least privilege). `api-keys:read` shows
 * the caller's own keys only: members, who create keys, get it below; viewers create none.
 */
const KEPT_FROM_VIEWERS: ReadonlySet<Permission> = new Set<Permission>([
  'audit:read',
  'alerts:read',
  'api-keys:read-all',
  'api-keys:read',
]);
const readOnly = PERMISSIONS.filter((p) => p.endsWith(':read') && !KEPT_FROM_VIEWERS.has(p));

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
    // Their own keys: create, list, revoke (shared/governance/api-keys.ts); not other people's.
    'api-keys:read',
    'api-keys:create',
    // Members do the work AI helps with (replies, copy, lead reviews); viewers cannot spend the budget.
    'ai:use',
  ],
  viewer: readOnly,
};

/** Roles that may be given by someone holding `members:update`/`members:invite`; nobody hands out `owner` that way. */
export const ASSIGNABLE_ROLES: readonly string[] = ['admin', 'member', 'viewer'];
