/**
 * Whether access someone handed out (an invite, a campaign webhook token, an API key) still
 * stands on its grantor's standing now. A grant outlives nothing: it needs the grantor to be a
 * member now, in the same membership it was made in (one made in an earlier membership, since
 * ended by a removal and followed by a re-add, is dead even if the removal's sweep missed it),
 * and made after their last password reset (a reset ends everything handed out up to its instant,
 * that instant included).
 */
export interface GrantorStandingNow {
  /** Their current membership of the grant's workspace; undefined when they are no member. */
  readonly membership?: { readonly joinedAt: string };
  /** Their last password reset (ISO): grants made up to then are void. */
  readonly grantsValidFrom?: string;
}

/** `grantedAt`: when the grant was made (ISO, as every stored time). */
export function grantStands(grantedAt: string, grantor: GrantorStandingNow): boolean {
  if (!grantor.membership) return false;
  if (grantedAt < grantor.membership.joinedAt) return false;
  return grantor.grantsValidFrom === undefined || grantor.grantsValidFrom < grantedAt;
}
