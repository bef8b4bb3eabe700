/**
 * Who may hand out which role. Nobody grants `owner` through member management, and
 * nobody grants a role carrying permissions they don't hold themselves, so holding
 * `members:update` can't be turned into more power than one already has.
 */
import { ForbiddenError, ValidationError } from '../errors';
import type { CustomRole } from '../identity/model';
import { BUILTIN_ROLE_PERMISSIONS, isBuiltinRole, type Permission } from '../identity/permissions';

export const CUSTOM_ROLE_NAME = /^[a-z][a-z0-9-]{1,31}$/;

/**
 * Custom roles a workspace may keep: every grant reads them all, so their number is bounded (409
 * `ROLE_LIMIT`); the roles listing pages, and its default page holds them all.
 */
export const MAX_CUSTOM_ROLES = 50;

export function permissionsOfRole(role: string, customRoles: readonly CustomRole[]): readonly Permission[] | undefined {
  if (isBuiltinRole(role)) return BUILTIN_ROLE_PERMISSIONS[role];
  return customRoles.find((r) => r.name === role)?.permissions;
}

/**
 * Whether `actor` may give `role` to someone in this workspace ({@link assertAssignable} without
 * the reason): not `owner`, a role that exists, and no permission `actor` lacks.
 */
export function isAssignable(
  role: string,
  actor: ReadonlySet<Permission>,
  customRoles: readonly CustomRole[],
): boolean {
  const permissions = role === 'owner' ? undefined : permissionsOfRole(role, customRoles);
  return permissions?.every((p) => actor.has(p)) ?? false;
}

/** Throws unless `actor` may give `role` to someone in this workspace. */
export function assertAssignable(
  role: string,
  actor: ReadonlySet<Permission>,
  customRoles: readonly CustomRole[],
): void {
  if (role === 'owner') throw new ForbiddenError('Ownership cannot be granted this way', 'OWNER_NOT_ASSIGNABLE');
  const permissions = permissionsOfRole(role, customRoles);
  if (!permissions) throw new ValidationError('There is no role of that name in this workspace', 'UNKNOWN_ROLE');
  const missing = permissions.filter((p) => !actor.has(p));
  if (missing.length > 0) {
    throw new ForbiddenError('You cannot grant permissions you do not hold yourself', 'ROLE_EXCEEDS_YOURS');
  }
}

/**
 * Throws unless `actor` holds every permission of the member's current `role`: a member is
 * changed or removed only by someone who outranks or equals them. Before, a custom role holding
 * `members:update` or `members:remove` and little else could demote or remove an admin.
 */
export function assertManageable(
  role: string,
  actor: ReadonlySet<Permission>,
  customRoles: readonly CustomRole[],
): void {
  // A role deleted since (no permissions known) is managed by anyone allowed to manage members.
  const held = permissionsOfRole(role, customRoles) ?? [];
  if (held.some((p) => !actor.has(p))) {
    throw new ForbiddenError(
      'This member holds permissions you do not: only someone who holds all of them may change or remove them',
      'MEMBER_OUTRANKS_YOU',
    );
  }
}
