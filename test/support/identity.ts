/** Test identities on a running local runtime: real sign-up, then memberships as the scenario needs. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { localClientConfig } from '../../lib/local/emulators/local-aws';
import type { Runtime } from '../../lib/local/runtime';
import { signUp } from '../../lib/local/seed';
import { memberSk, membershipGsi1, workspacePk } from '../../shared/adapters/keys';
import { mailedToken } from './accounts';

export interface TestUser {
  email: string;
  password: string;
  userId: string;
  workspaceId: string;
  organizationId: string;
  /** `session=…; csrf-token=…` (the session's own CSRF token) */
  cookie: string;
  csrf: string;
}

let counter = 0;

/**
 * A signed-up user with a session, their email address verified through the mailed link (as the
 * owner would) unless `verified: false`: unverified accounts may not create API keys, send
 * invites or send mail (docs/IDENTITY.md).
 */
export async function newUser(
  runtime: Runtime,
  label: string,
  { verified = true }: { verified?: boolean } = {},
): Promise<TestUser> {
  counter += 1;
  const email = `${label}-${Date.now().toString(36)}-${counter}@example.com`;
  const password = `Pw-${label}-${counter}-long-enough`;
  const { cookie, csrfToken } = await signUp(runtime.url, {
    email,
    password,
    name: label,
    organizationName: `${label} org`,
  });
  if (verified) {
    const token = await mailedToken(runtime, email, /confirm your email/i);
    const res = await fetch(`${runtime.url}/api/auth/verify-email`, {
      method: 'POST',
      headers: {
        cookie: `${cookie}; csrf-token=${csrfToken}`,
        'x-csrf-token': csrfToken,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ token }),
    });
    if (res.status !== 204) throw new Error(`Verifying ${email} failed: ${res.status} ${await res.text()}`);
  }
  return {
    email,
    password,
    ...(await firstWorkspaceOf(runtime, cookie, email)),
    cookie: `${cookie}; csrf-token=${csrfToken}`,
    csrf: csrfToken,
  };
}

/** A membership written straight into the core table `table`, as the workspaces adapter stores one. */
export async function storeMembership(
  db: DynamoDBDocumentClient,
  table: string,
  m: { workspaceId: string; organizationId: string; userId: string; role: string; joinedAt?: string },
) {
  await db.send(
    new PutCommand({
      TableName: table,
      Item: {
        pk: workspacePk(m.workspaceId),
        sk: memberSk(m.userId),
        type: 'membership',
        ...membershipGsi1(m.userId, m.workspaceId),
        workspaceId: m.workspaceId,
        organizationId: m.organizationId,
        userId: m.userId,
        role: m.role,
        joinedAt: m.joinedAt ?? new Date().toISOString(),
      },
    }),
  );
}

/** Adds `user` to `workspaceId` with `role` directly in the table (the invite flow has its own tests). */
export async function addMember(
  runtime: Runtime,
  workspaceId: string,
  organizationId: string,
  user: TestUser,
  role: string,
) {
  const db = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(runtime.endpoints.dynamodb)));
  await storeMembership(db, runtime.tables.core as string, { workspaceId, organizationId, userId: user.userId, role });
}

/** Headers of a browser-like request from `user` (session + CSRF double submit). */
export const as = (user: TestUser, extra: Record<string, string> = {}) => ({
  cookie: user.cookie,
  'x-csrf-token': user.csrf,
  'content-type': 'application/json',
  ...extra,
});

/** The signed-in user's id and first workspace, as `GET /api/auth/me` names them. */
export async function firstWorkspaceOf(runtime: Runtime, cookie: string, email: string) {
  const me = (await (await fetch(`${runtime.url}/api/auth/me`, { headers: { cookie } })).json()) as {
    user: { userId: string };
    memberships: Array<{ workspaceId: string; organizationId: string }>;
  };
  const first = me.memberships[0];
  if (!first) throw new Error(`${email} has no workspace after sign-up`);
  return { userId: me.user.userId, workspaceId: first.workspaceId, organizationId: first.organizationId };
}

/** A JSON request to the runtime as `user` (session + CSRF), `body` serialised when given. */
export const requestAs =
  (runtime: Runtime, user: () => TestUser) =>
  (method: string, path: string, body?: unknown): Promise<Response> =>
    fetch(`${runtime.url}${path}`, {
      method,
      headers: as(user()),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
