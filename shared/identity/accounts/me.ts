/** `GET /api/auth/me`: the caller, the first page of their memberships and their default workspace. */
import { UnauthorizedError } from '../../errors';
import type { User } from '../model';
import type { AccountDeps } from './ports';

/**
 * Memberships `me` answers at most: a user may belong to any number of workspaces, and one answer
 * carries only so much; `membershipsNextCursor` continues with `GET /api/workspaces?cursor=` (the
 * same listing, whose default page is this size).
 */
export const ME_MEMBERSHIPS = 100;

export interface MeView {
  readonly user: { userId: string; email: string; name: string; emailVerified: boolean };
  readonly memberships: Array<{ workspaceId: string; organizationId: string; role: string; workspaceName: string }>;
  /** When the user belongs to more workspaces than {@link ME_MEMBERSHIPS}: where `GET /api/workspaces` continues. */
  readonly membershipsNextCursor?: string;
  readonly defaultWorkspaceId: string;
}

/**
 * @param known the caller's profile as the edge read it with the session this request (no second read)
 * @throws UnauthorizedError `SESSION_INVALID` when the user no longer exists
 */
export async function describeMe(userId: string, deps: Pick<AccountDeps, 'accounts'>, known?: User): Promise<MeView> {
  const [user, { memberships, nextCursor }] = await Promise.all([
    known?.userId === userId ? known : deps.accounts.findUser(userId),
    deps.accounts.memberships(userId, { limit: ME_MEMBERSHIPS }),
  ]);
  // The edge found the user a moment ago; gone now means deleted in between.
  if (!user) throw new UnauthorizedError('The account no longer exists', 'SESSION_INVALID');
  return {
    user: { userId: user.userId, email: user.email, name: user.name, emailVerified: user.emailVerified },
    memberships: memberships.map((m) => ({
      workspaceId: m.workspaceId,
      organizationId: m.organizationId,
      role: m.role,
      workspaceName: m.workspaceName,
    })),
    ...(nextCursor ? { membershipsNextCursor: nextCursor } : {}),
    defaultWorkspaceId: user.defaultWorkspaceId,
  };
}
