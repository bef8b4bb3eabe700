/**
 * Authentication and authorisation at the edge, for routes declared `auth: 'user'`:
 * 1. the credential: `Authorization: Bearer uh_…` (API key) or the `session` cookie; a key only
 *    on workspace routes that leave nothing behind it ({@link apiKeysMayCall}), else 403;
 * 2. on workspace routes (a permission, or `anyMember`), the workspace: the path's
 *    `{workspaceId}`, else `x-workspace-id`, else `?workspaceId`, else the caller's default; an
 *    API key is bound to its own workspace;
 * 3. the membership (none: 404, so ids of other workspaces reveal nothing), the role's
 *    permissions (narrowed to the key's scopes), and the route's permission if it declares one
 *    (else 403; an `anyMember` route's use case decides from those permissions).
 *
 * A session whose token names its user (every token minted now does) and a request that names
 * its workspace (path, header or query) cost one store call for all three: the session, the user
 * and the membership come in one batch read. Otherwise the membership is a second read (and a
 * custom role one more).
 */
import { ForbiddenError, NotFoundError, UnauthorizedError } from '../errors';
import { SESSION_COOKIE } from './accounts/session-cookie';
import type { AuthContext, Principal, WorkspaceAccess } from './auth-context';
import { emailNotVerified } from './email-verified';
import { grantStands } from './grant-standing';
import type { Membership, User } from './model';
import {
  actsInWorkspace,
  apiKeysMayCall,
  BUILTIN_ROLE_PERMISSIONS,
  isBuiltinRole,
  type Permission,
  type RouteAccess,
} from './permissions';
import type { ApiKeyLookup, MembershipLookup, SessionLookup } from './ports';
import { API_KEY_PATTERN, RECORD_ID_PATTERN, sessionTokenUser, sha256 } from './tokens';

/** An API key on a route that needs a signed-in session (account-level, or handing out access). */
export const apiKeyNotAllowed = (): ForbiddenError =>
  new ForbiddenError(
    'API keys act only within their workspace and scopes; this route needs a signed-in session',
    'API_KEY_NOT_ALLOWED',
  );

export interface AuthDeps {
  readonly sessions: SessionLookup;
  readonly apiKeys: ApiKeyLookup;
  readonly memberships: MembershipLookup;
  readonly now: () => Date;
  /** Failures of best-effort bookkeeping (last-seen stamps) go here, never to the caller. */
  readonly onBackgroundError: (error: unknown) => void;
}

/**
 * The request, with what its route declares ({@link RouteAccess}): a permission or `anyMember` for
 * a workspace route (neither: account-level, no workspace needed); `handsOutAccess` for a route that
 * hands out access (a session only, and the caller's email address verified, judged on the profile
 * read with the credential); `sessionOnly` for one whose effect would outlive a key (a session only).
 */
export interface AuthRequest extends RouteAccess {
  readonly headers: Readonly<Record<string, string>>;
  readonly cookies: Readonly<Record<string, string>>;
  readonly pathParams: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly clientAddress: string;
}

/** What an API key limits its calls to. */
interface KeyScope {
  readonly workspaceId: string;
  readonly scopes: readonly Permission[];
  /** ISO time; a key older than the membership it acts through is refused. */
  readonly createdAt: string;
}

/** Sessions are stamped at most this often, so reads don't each cost a write. */
const TOUCH_INTERVAL_MS = 5 * 60 * 1000;

/**
 * The API key a request presents, looked up: `absent` (no `Authorization: Bearer`),
 * `invalid` (malformed, unknown, revoked, or its user gone) or `verified` with what it grants.
 * Only a verified key may name a rate-limit client of its own or skip CSRF.
 */
export type PresentedKey =
  | { readonly status: 'absent' }
  | { readonly status: 'invalid'; readonly reason: 'malformed' | 'unknown' }
  | {
      readonly status: 'verified';
      readonly hash: string;
      readonly found: NonNullable<Awaited<ReturnType<ApiKeyLookup['findActive']>>>;
    };

/** Looks up the request's API key, at most one store read; never throws for a bad key. */
export async function checkPresentedKey(
  headers: Readonly<Record<string, string>>,
  apiKeys: ApiKeyLookup,
): Promise<PresentedKey> {
  const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1];
  if (bearer === undefined) return { status: 'absent' };
  if (!API_KEY_PATTERN.test(bearer)) return { status: 'invalid', reason: 'malformed' };
  const hash = sha256(bearer);
  const found = await apiKeys.findActive(hash);
  return found ? { status: 'verified', hash, found } : { status: 'invalid', reason: 'unknown' };
}

/**
 * @param presented the request's key as the edge already looked it up (saves a second read);
 *   looked up here when not given.
 */
export async function authenticate(
  request: AuthRequest,
  deps: AuthDeps,
  presented?: PresentedKey,
): Promise<AuthContext> {
  const now = deps.now();
  const key = presented ?? (await checkPresentedKey(request.headers, deps.apiKeys));
  let principal: Principal;
  let defaultWorkspaceId: string;
  let keyScope: KeyScope | undefined;
  /** A session caller's profile, read with the session. */
  let user: User | undefined;
  /** Whether the caller's address is verified, on the profile read with the credential. */
  let emailVerified: boolean;
  /** The membership read together with the session, for the workspace the request names. */
  let prefetched: { workspaceId: string; membership: Membership | null } | undefined;

  if (key.status === 'invalid') {
    throw new UnauthorizedError(
      key.reason === 'malformed' ? 'The API key is not valid' : 'The API key is not valid or was revoked',
      'INVALID_API_KEY',
    );
  }
  if (key.status === 'verified') {
    const { found, hash } = key;
    // A key acts only inside its workspace and scopes: account-level routes, and those whose effect
    // would outlive the key (keys, invitations, tokens, secrets, role grants), need a session.
    if (!apiKeysMayCall(request)) throw apiKeyNotAllowed();
    deps.apiKeys.recordUse(hash, now, request.clientAddress).catch(deps.onBackgroundError);
    principal = {
      userId: found.user.userId,
      email: found.user.email,
      via: 'apiKey',
      apiKeyId: found.key.keyId,
      ...(found.key.passwordVersion === undefined ? {} : { passwordVersion: found.key.passwordVersion }),
    };
    emailVerified = found.user.emailVerified;
    defaultWorkspaceId = found.key.workspaceId;
    keyScope = { workspaceId: found.key.workspaceId, scopes: found.key.scopes, createdAt: found.key.createdAt };
    if (found.membership !== undefined)
      prefetched = { workspaceId: found.key.workspaceId, membership: found.membership };
  } else {
    const token = request.cookies[SESSION_COOKIE];
    if (!token) throw new UnauthorizedError();
    const hash = sha256(token);
    const userId = sessionTokenUser(token);
    const named = actsInWorkspace(request) ? namedWorkspace(request) : undefined;
    const workspaceId = named !== undefined && RECORD_ID_PATTERN.test(named) ? named : undefined;
    const found = await deps.sessions.findActive(
      hash,
      now,
      userId ? { userId, ...(workspaceId ? { workspaceId } : {}) } : undefined,
    );
    if (!found) throw new UnauthorizedError('The session has expired or was ended; log in again', 'SESSION_INVALID');
    if (workspaceId && found.membership !== undefined) prefetched = { workspaceId, membership: found.membership };
    if (now.getTime() - Date.parse(found.session.lastSeenAt) > TOUCH_INTERVAL_MS) {
      deps.sessions.touch(hash, now, request.clientAddress).catch(deps.onBackgroundError);
    }
    principal = {
      userId: found.user.userId,
      email: found.user.email,
      via: 'session',
      sessionId: found.session.sessionId,
      // Sessions from before versions were recorded are version 0 (as the session store reads them).
      passwordVersion: found.session.passwordVersion ?? 0,
    };
    defaultWorkspaceId = found.user.defaultWorkspaceId;
    user = found.user;
    emailVerified = found.user.emailVerified;
  }

  // After the workspace and the permission (a non-member still gets 404, a viewer 403 PERMISSION_DENIED).
  const mayHandOut = () => {
    if (request.handsOutAccess && !emailVerified) throw emailNotVerified('hand out access');
    if (request.sendsMail && !emailVerified) throw emailNotVerified('send email to anyone');
  };
  if (!actsInWorkspace(request)) {
    mayHandOut();
    return user ? { principal, user } : { principal };
  }
  const workspace = await resolveWorkspace(request, principal, defaultWorkspaceId, keyScope, deps, prefetched);
  if (request.permission !== undefined && !workspace.permissions.has(request.permission)) {
    throw new ForbiddenError(`This needs the ${request.permission} permission`, 'PERMISSION_DENIED');
  }
  mayHandOut();
  return { principal, workspace };
}

async function resolveWorkspace(
  request: AuthRequest,
  principal: Principal,
  defaultWorkspaceId: string,
  keyScope: KeyScope | undefined,
  deps: AuthDeps,
  prefetched?: { workspaceId: string; membership: Membership | null },
): Promise<WorkspaceAccess> {
  const named = namedWorkspace(request) ?? defaultWorkspaceId;
  const notFound = new NotFoundError('No such workspace', 'WORKSPACE_NOT_FOUND');
  // The edge refuses malformed ids with a 400 first; this keeps any other caller's ids out of the store.
  if (!RECORD_ID_PATTERN.test(named) || (keyScope && named !== keyScope.workspaceId)) throw notFound;
  const membership =
    prefetched?.workspaceId === named
      ? (prefetched.membership ?? undefined)
      : await deps.memberships.find(named, principal.userId);
  if (!membership) throw notFound;
  // A key outlives nothing: one made in an earlier membership (removed, later added back) is dead,
  // even if the removal's revocation has not reached it yet.
  // (Its password version was checked by the key's lookup, on the profile it read.)
  if (keyScope && !grantStands({ grantedAt: keyScope.createdAt }, { membership })) throw notFound;
  let permissions: readonly Permission[];
  if (isBuiltinRole(membership.role)) {
    permissions = BUILTIN_ROLE_PERMISSIONS[membership.role];
  } else {
    permissions = (await deps.memberships.customRole(named, membership.role))?.permissions ?? [];
  }
  if (keyScope) permissions = permissions.filter((p) => keyScope.scopes.includes(p));
  return {
    workspaceId: membership.workspaceId,
    organizationId: membership.organizationId,
    role: membership.role,
    permissions: new Set(permissions),
  };
}

/** The workspace a request names: the path's, else `x-workspace-id`, else `?workspaceId`. */
const namedWorkspace = (request: AuthRequest): string | undefined =>
  request.pathParams.workspaceId ?? request.headers['x-workspace-id'] ?? request.query.workspaceId;
