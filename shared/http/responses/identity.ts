/** Success answers of the identity routes (functions/identity.ts). */
import * as z from 'zod/mini';
import type { SuccessResponse } from '../operation';
import { EXAMPLE_TIME, EXAMPLE_USER, EXAMPLE_WORKSPACE, id, instant } from './common';

const user = z.looseObject({
  userId: id,
  email: z.string(),
  name: z.string(),
  emailVerified: z.boolean(),
  defaultWorkspaceId: z.optional(id),
  createdAt: z.optional(instant),
});
const csrfToken = z
  .string()
  .check(z.describe('The session’s CSRF token: send it as `x-csrf-token` on state-changing calls'));

const exampleUser = {
  userId: EXAMPLE_USER,
  email: 'ada@example.com',
  name: 'Ada',
  emailVerified: false,
  defaultWorkspaceId: EXAMPLE_WORKSPACE,
  createdAt: EXAMPLE_TIME,
};
const EXAMPLE_CSRF = 'b45f0cdc5c2e7723eee39b975b4be3b202c4c7d543f7a89e4f14c2b15087f8eb';
const EXAMPLE_ORG = 'IwH4ayz_RkYRpBn6yd2MTg';

export const signedUp = {
  status: 201,
  description: 'Signed up and signed in: the `session` cookie is set',
  schema: z.object({
    user,
    organization: z.looseObject({ organizationId: id, name: z.string(), ownerUserId: id, createdAt: instant }),
    workspace: z.looseObject({ workspaceId: id, organizationId: id, name: z.string(), createdAt: instant }),
    csrfToken,
  }),
  example: {
    user: exampleUser,
    organization: {
      organizationId: EXAMPLE_ORG,
      name: 'Analytical',
      ownerUserId: EXAMPLE_USER,
      createdAt: EXAMPLE_TIME,
    },
    workspace: {
      workspaceId: EXAMPLE_WORKSPACE,
      organizationId: EXAMPLE_ORG,
      name: 'Analytical workspace',
      createdAt: EXAMPLE_TIME,
    },
    csrfToken: EXAMPLE_CSRF,
  },
} satisfies SuccessResponse;

export const loggedIn = {
  status: 200,
  description: 'Signed in: the `session` cookie is set',
  schema: z.object({ user, workspaceId: id, csrfToken }),
  example: { user: exampleUser, workspaceId: EXAMPLE_WORKSPACE, csrfToken: EXAMPLE_CSRF },
} satisfies SuccessResponse;

export const me = {
  status: 200,
  description:
    'The signed-in user and the first page (100) of the workspaces they belong to; `membershipsNextCursor`, when more follow, continues with `GET /api/workspaces?cursor=`',
  schema: z.object({
    user,
    memberships: z.array(
      z.looseObject({ workspaceId: id, organizationId: id, role: z.string(), workspaceName: z.optional(z.string()) }),
    ),
    membershipsNextCursor: z.optional(z.string()),
    defaultWorkspaceId: z.optional(id),
  }),
  example: {
    user: { userId: EXAMPLE_USER, email: 'ada@example.com', name: 'Ada', emailVerified: true },
    memberships: [
      {
        workspaceId: EXAMPLE_WORKSPACE,
        organizationId: EXAMPLE_ORG,
        role: 'owner',
        workspaceName: 'Analytical workspace',
      },
    ],
    defaultWorkspaceId: EXAMPLE_WORKSPACE,
  },
} satisfies SuccessResponse;

export const loggedOut = {
  status: 204,
  description: 'Signed out: the session is ended and its cookie cleared',
} satisfies SuccessResponse;

export const emailVerified = { status: 204, description: 'The address is verified' } satisfies SuccessResponse;
export const passwordReset = {
  status: 204,
  description: 'The password is changed; other sessions end',
} satisfies SuccessResponse;
export const sessionRevoked = { status: 204, description: 'The session is ended' } satisfies SuccessResponse;
export const deviceForgotten = {
  status: 204,
  description: 'The device is no longer trusted',
} satisfies SuccessResponse;

export const resetRequested = {
  status: 202,
  description: 'The same answer whether or not the address has an account',
  schema: z.looseObject({ message: z.string() }),
  example: { message: 'If an account uses this address, a reset link is on its way' },
} satisfies SuccessResponse;

export const sessionsList = {
  status: 200,
  description:
    'The user’s live sessions, newest first (at most 100, the current one always); `current` marks the caller’s, `moreActive` counts the live ones left out',
  schema: z.object({
    moreActive: z.optional(z.number().check(z.int(), z.positive())),
    sessions: z.array(
      z.looseObject({
        id,
        ip: z.optional(z.string()),
        userAgent: z.optional(z.string()),
        createdAt: instant,
        lastSeenAt: instant,
        expiresAt: instant,
        current: z.boolean(),
      }),
    ),
  }),
  example: {
    sessions: [
      {
        id: 'uVkYvdvlZSiMxUBhbInvbw',
        ip: '203.0.113.7',
        userAgent: 'Mozilla/5.0',
        createdAt: EXAMPLE_TIME,
        lastSeenAt: EXAMPLE_TIME,
        expiresAt: '2026-01-22T09:30:00.000Z',
        current: true,
      },
    ],
  },
} satisfies SuccessResponse;

export const devicesList = {
  status: 200,
  description: 'The devices the user signed in from; `current` marks the caller’s',
  schema: z.object({
    devices: z.array(
      z.looseObject({
        deviceId: id,
        userAgent: z.optional(z.string()),
        firstSeenAt: instant,
        lastSeenAt: instant,
        lastIp: z.optional(z.string()),
        current: z.boolean(),
      }),
    ),
  }),
  example: {
    devices: [
      {
        deviceId: 'a983fee6808d26730c4b761d7b78c670d4ea5a52a8ded9f459ba2f6d5e561081',
        userAgent: 'Mozilla/5.0',
        firstSeenAt: EXAMPLE_TIME,
        lastSeenAt: EXAMPLE_TIME,
        lastIp: '203.0.113.7',
        current: true,
      },
    ],
  },
} satisfies SuccessResponse;
