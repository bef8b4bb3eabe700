/**
 * Whether access someone handed out (an invite, a campaign webhook token, an API key) still
 * stands on its grantor's standing now. A grant outlives nothing: it needs the grantor to be a
 * member now, in the same membership it was made in (one made in an earlier membership, since
 * ended by a removal and followed by a re-add, is dead even if the removal's sweep missed it),
 * and to have been made under the grantor's current password.
 *
 * The password is told by its version, not by a clock: a grant records the password version of
 * the session that made it, and is written only while the grantor's profile still has that
 * version (a ConditionCheck in the grant's own write; the adapters' `grantorPasswordCheck`), and a
 * password change writes the new version on the profile in the same transaction as the new
 * credentials. So a grant made under an older version is void from the instant the password
 * changes, whatever the instances' clocks say and whether or not the reset's sweep ever runs or
 * lists it. Grants written before versions were recorded carry none: for them the last reset's
 * stamp (`grantsValidFrom`, the reset's clock) is the rule, as before.
 */
import { UnauthorizedError } from '../errors';

/** What was handed out: when, and under which password version of its grantor. */
export interface Grant {
  /** When the grant was made (ISO, as every stored time). */
  readonly grantedAt: string;
  /** The grantor's password version it was made under; absent on grants from before versions. */
  readonly passwordVersion?: number;
}

export interface GrantorStandingNow {
  /** Their current membership of the grant's workspace; undefined when they are no member. */
  readonly membership?: { readonly joinedAt: string };
  /** Their last password reset (ISO): unversioned grants made up to then are void. */
  readonly grantsValidFrom?: string;
  /** Their password version now (the profile's; 0 when none was ever recorded). */
  readonly passwordVersion?: number;
}

export function grantStands(grant: Grant, grantor: GrantorStandingNow): boolean {
  if (!grantor.membership) return false;
  if (grant.grantedAt < grantor.membership.joinedAt) return false;
  // Versioned: made under the current password, or void (no clock involved).
  if (grant.passwordVersion !== undefined) return grant.passwordVersion >= (grantor.passwordVersion ?? 0);
  return grantor.grantsValidFrom === undefined || grantor.grantsValidFrom < grant.grantedAt;
}

/**
 * A grant refused at its write because its grantor's password changed since the session that
 * asked for it was read: that session is ended (a reset revokes them all), so the answer is its.
 */
export const grantorPasswordChanged = (): UnauthorizedError =>
  new UnauthorizedError('The session has expired or was ended; log in again', 'SESSION_INVALID');
