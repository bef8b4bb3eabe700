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
  /** List the caller's own API keys (a key's creator, signed in, may always revoke it). */
  'api-keys:read',
  /** List every API key of the workspace, with where each was last used from. */
  'api-keys:read-all',
  /** Create API keys; a signed-in person only (the route hands out access: {@link apiKeysMayCall}). */
  'api-keys:create',
  /** Revoke other people's API keys, and revoke with an API key (a key's creator may always revoke it). */
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
 * What a route declares of who may call it (lib/definition/types.ts `RouteDeclaration`), as the
 * edge reads it: the one source of the workspace check, the permission check and the key rule.
 */
export interface RouteAccess {
  /** The permission the caller needs in the workspace. */
  readonly permission?: Permission;
  /** Membership of the workspace alone: the route's use case decides from the caller's permissions. */
  readonly anyMember?: boolean;
  /**
   * The route hands a credential that acts for the workspace to whoever holds it (an API key, an
   * invitation, a webhook token): a verified email address, and a session ({@link apiKeysMayCall}).
   */
  readonly handsOutAccess?: boolean;
  /**
   * What the route does would outlive the API key that did it: it widens what members may do (a
   * member's role, a custom role's permissions) or mints a secret (a campaign's signing secret).
   * A session only ({@link apiKeysMayCall}); no email check (`handsOutAccess` implies this too).
   */
  readonly sessionOnly?: boolean;
  /** The route mails others or sets mail going: a verified email address (API keys may call it). */
  readonly sendsMail?: boolean;
}

/**
 * Whether a route acts in a workspace: the edge resolves it and checks membership (else 404).
 * Routes declared with neither a permission nor `anyMember` are account-level: the person's own.
 */
export const actsInWorkspace = (route: RouteAccess): boolean =>
  route.permission !== undefined || route.anyMember === true;

/**
 * Whether an API key may call a route (within its workspace and scopes): only a workspace route
 * declared neither `handsOutAccess` nor `sessionOnly`. Account-level routes act on the person, and
 * the others would leave behind access that revoking a leaked key does not end (a key, an invite, a
 * webhook token, a signing secret, a member's wider role, a held role's wider permissions): all
 * refuse keys with 403 `API_KEY_NOT_ALLOWED`, whatever the key's scopes say.
 */
export const apiKeysMayCall = (route: RouteAccess): boolean =>
  actsInWorkspace(route) && route.handsOutAccess !== true && route.sessionOnly !== true;

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
