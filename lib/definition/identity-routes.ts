/**
 * Routes of identity, tenancy and governance. `auth: 'user'` routes need a session cookie
 * or an API key; those with a `permission` (or `anyMember`) are workspace-scoped: the edge
 * resolves the workspace (path `{workspaceId}`, else `x-workspace-id`, else `?workspaceId`, else
 * the caller's default), checks membership, then the permission, before the handler runs.
 * API keys may call none of those declared `handsOutAccess` or `sessionOnly` (docs/IDENTITY.md,
 * "Keys hand out nothing"): every route that widens access or mints a credential is one of them.
 */
import { route } from './route';

const pub = { auth: 'public' } as const;

export const identityRoutes = [
  route(
    'identity',
    'auth.signup',
    'POST',
    '/api/auth/signup',
    'Create a user, organization and default workspace; starts a session',
    pub,
  ),
  route(
    'identity',
    'auth.login',
    'POST',
    '/api/auth/login',
    'Log in with email and password; sets the session cookie',
    pub,
  ),
  route('identity', 'auth.logout', 'POST', '/api/auth/logout', 'End the current session'),
  route('identity', 'auth.me', 'GET', '/api/auth/me', 'The caller, their memberships and default workspace'),
  route(
    'identity',
    'auth.verify-email',
    'POST',
    '/api/auth/verify-email',
    'Confirm an email address with the emailed token',
    pub,
  ),
  route(
    'identity',
    'auth.reset-request',
    'POST',
    '/api/auth/password-reset',
    'Email a single-use password reset token',
    {
      ...pub,
      rateTier: 'email',
    },
  ),
  route(
    'identity',
    'auth.reset-confirm',
    'POST',
    '/api/auth/password-reset/confirm',
    'Set a new password with a reset token',
    pub,
  ),
  route('identity', 'sessions.list', 'GET', '/api/auth/sessions', 'The caller’s active sessions'),
  route(
    'identity',
    'sessions.revoke',
    'DELETE',
    '/api/auth/sessions/{sessionId}',
    'Revoke one of the caller’s sessions',
  ),
  route('identity', 'devices.list', 'GET', '/api/auth/devices', 'The caller’s trusted devices'),
  route('identity', 'devices.forget', 'DELETE', '/api/auth/devices/{deviceId}', 'Forget a trusted device'),

  // Open to every member: the use cases decide (shared/governance/api-keys.ts), so the edge can
  // refuse no one they would let through. Listing needs `api-keys:read` (one's own keys) or
  // `api-keys:read-all` (every key); a key's creator, signed in, may always revoke it, and anyone
  // else (or any revocation made with an API key) needs `api-keys:revoke`.
  route(
    'security',
    'api-keys.list',
    'GET',
    '/api/security/api-keys',
    'The caller’s API keys with `api-keys:read`, or the workspace’s with `api-keys:read-all` (prefix only)',
    { anyMember: true },
  ),
  // Hands out access, so session only (permissions.ts apiKeysMayCall): keys never create keys.
  route(
    'security',
    'api-keys.create',
    'POST',
    '/api/security/api-keys',
    'Create an API key; the raw key is shown once',
    { permission: 'api-keys:create', handsOutAccess: true },
  ),
  route(
    'security',
    'api-keys.revoke',
    'DELETE',
    '/api/security/api-keys/{keyId}',
    'Revoke an API key: one the caller created (signed in), or with `api-keys:revoke` anyone’s',
    { anyMember: true },
  ),
  route('security', 'audit.list', 'GET', '/api/security/audit-log', 'Audit entries, filtered and paginated', {
    permission: 'audit:read',
  }),
  route('security', 'alerts.list', 'GET', '/api/security/alerts', 'Security alerts of the workspace', {
    permission: 'alerts:read',
  }),
  route(
    'security',
    'alerts.acknowledge',
    'POST',
    '/api/security/alerts/{alertId}/acknowledge',
    'Acknowledge an alert',
    {
      permission: 'alerts:manage',
    },
  ),
  route('security', 'alerts.resolve', 'POST', '/api/security/alerts/{alertId}/resolve', 'Resolve an alert', {
    permission: 'alerts:manage',
  }),
  route(
    'security',
    'settings.list',
    'GET',
    '/api/settings',
    'Settings of the workspace over the global defaults, by key, paged (secrets masked)',
    { permission: 'settings:read' },
  ),
  route('security', 'settings.put', 'PUT', '/api/settings/{key}', 'Set a setting; secret values are encrypted', {
    permission: 'settings:write',
  }),
  route('security', 'settings.delete', 'DELETE', '/api/settings/{key}', 'Remove a setting', {
    permission: 'settings:write',
  }),

  route('workspaces', 'workspaces.list', 'GET', '/api/workspaces', 'Workspaces the caller belongs to'),
  route(
    'workspaces',
    'workspaces.create',
    'POST',
    '/api/workspaces',
    'Create a workspace in an organization the caller owns',
  ),
  route('workspaces', 'workspaces.get', 'GET', '/api/workspaces/{workspaceId}', 'One workspace', {
    permission: 'workspace:read',
  }),
  route('workspaces', 'workspaces.update', 'PATCH', '/api/workspaces/{workspaceId}', 'Rename a workspace', {
    permission: 'workspace:update',
  }),
  route('workspaces', 'members.list', 'GET', '/api/workspaces/{workspaceId}/members', 'Members and their roles', {
    permission: 'members:read',
  }),
  // A promotion would outlive the key that made it: session only (permissions.ts apiKeysMayCall).
  route(
    'workspaces',
    'members.update',
    'PATCH',
    '/api/workspaces/{workspaceId}/members/{userId}',
    'Change a member’s role',
    { permission: 'members:update', sessionOnly: true },
  ),
  route('workspaces', 'members.remove', 'DELETE', '/api/workspaces/{workspaceId}/members/{userId}', 'Remove a member', {
    permission: 'members:remove',
  }),
  route('workspaces', 'invites.create', 'POST', '/api/workspaces/{workspaceId}/invites', 'Invite someone by email', {
    permission: 'members:invite',
    rateTier: 'email',
    handsOutAccess: true,
  }),
  // Pending invites are invitees' addresses: for those who may invite, not every reader.
  route('workspaces', 'invites.list', 'GET', '/api/workspaces/{workspaceId}/invites', 'Pending invites', {
    permission: 'members:invite',
  }),
  route(
    'workspaces',
    'invites.revoke',
    'DELETE',
    '/api/workspaces/{workspaceId}/invites/{inviteId}',
    'Withdraw a pending invite; its link stops working',
    { permission: 'members:invite' },
  ),
  route('workspaces', 'invites.accept', 'POST', '/api/invites/accept', 'Accept an invite with its emailed token'),
  route('workspaces', 'roles.list', 'GET', '/api/workspaces/{workspaceId}/roles', 'Built-in and custom roles', {
    permission: 'roles:read',
  }),
  // Widens what every holder of the role may do, beyond the key's life: session only.
  route(
    'workspaces',
    'roles.put',
    'PUT',
    '/api/workspaces/{workspaceId}/roles/{roleName}',
    'Create or change a custom role',
    { permission: 'roles:manage', sessionOnly: true },
  ),
  route(
    'workspaces',
    'roles.delete',
    'DELETE',
    '/api/workspaces/{workspaceId}/roles/{roleName}',
    'Delete an unused custom role',
    {
      permission: 'roles:manage',
    },
  ),
] as const;
