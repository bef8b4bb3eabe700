/** Success answers of the workspace routes (functions/workspaces.ts). */
import * as z from 'zod/mini';
import type { SuccessResponse } from '../operation';
import { EXAMPLE_TIME, EXAMPLE_USER, EXAMPLE_WORKSPACE, id, instant, page } from './common';

const EXAMPLE_ORG = 'IwH4ayz_RkYRpBn6yd2MTg';
const workspace = z.looseObject({ workspaceId: id, organizationId: id, name: z.string(), createdAt: instant });
const exampleWorkspace = {
  workspaceId: EXAMPLE_WORKSPACE,
  organizationId: EXAMPLE_ORG,
  name: 'Analytical workspace',
  createdAt: EXAMPLE_TIME,
};
const permissions = z.array(z.string());

export const workspacesList = {
  status: 200,
  description:
    'A page of the workspaces the caller belongs to, by workspace id, with their role in each (`limit` 1-100, default 100); `nextCursor` continues, absent on the last page',
  schema: page(
    'workspaces',
    z.looseObject({ workspaceId: id, organizationId: id, name: z.string(), role: z.string() }),
  ),
  example: {
    workspaces: [
      { workspaceId: EXAMPLE_WORKSPACE, organizationId: EXAMPLE_ORG, name: 'Analytical workspace', role: 'owner' },
    ],
  },
} satisfies SuccessResponse;

export const workspaceCreated = {
  status: 201,
  description: 'The new workspace (the caller is its owner)',
  schema: z.object({ workspace }),
  example: { workspace: exampleWorkspace },
} satisfies SuccessResponse;

export const workspaceDetail = {
  status: 200,
  description: 'The workspace, the caller’s role in it and what that role may do',
  schema: z.looseObject({ workspace, role: z.string(), permissions }),
  example: { workspace: exampleWorkspace, role: 'owner', permissions: ['workspace:read', 'contacts:read'] },
} satisfies SuccessResponse;

export const workspaceRenamed = {
  status: 200,
  description: 'The workspace, renamed',
  schema: z.object({ workspace }),
  example: { workspace: exampleWorkspace },
} satisfies SuccessResponse;

const member = z.looseObject({
  userId: id,
  // Only for callers who manage membership (`members:invite`, `members:update` or `members:remove`).
  email: z.optional(z.string()),
  name: z.optional(z.string()),
  role: z.string(),
  joinedAt: instant,
});
const exampleMember = {
  userId: EXAMPLE_USER,
  email: 'ada@example.com',
  name: 'Ada',
  role: 'owner',
  joinedAt: EXAMPLE_TIME,
};

export const membersList = {
  status: 200,
  description:
    'A page of the workspace’s members, by user id (`limit` 1-100, default 100); `nextCursor` continues, absent on the last page',
  schema: page('members', member),
  example: { members: [exampleMember] },
} satisfies SuccessResponse;

export const memberChanged = {
  status: 200,
  description: 'The member with their new role',
  schema: z.object({ member: z.looseObject({ userId: id, role: z.string() }) }),
  example: { member: { userId: EXAMPLE_USER, role: 'admin' } },
} satisfies SuccessResponse;

export const memberRemoved = {
  status: 204,
  description: 'Removed; their API keys in the workspace are revoked',
} satisfies SuccessResponse;
export const inviteRevoked = { status: 204, description: 'The invite no longer works' } satisfies SuccessResponse;
export const roleDeleted = { status: 204, description: 'The custom role is gone' } satisfies SuccessResponse;

export const invitesList = {
  status: 200,
  description:
    'A page of the pending, unexpired invites, oldest first (`limit` 1-100, default 100; their tokens are never shown again); `nextCursor` continues, absent on the last page',
  schema: page('invites', z.looseObject({ email: z.string(), role: z.string() })),
  example: { invites: [{ inviteId: 'k3J8', email: 'grace@example.com', role: 'member', expiresAt: EXAMPLE_TIME }] },
} satisfies SuccessResponse;

export const inviteCreated = {
  status: 201,
  description:
    'The invite; the link is mailed to the address (`mailSent: false` when the mail could not be sent: withdraw the invite and invite again)',
  schema: z.object({
    invite: z.looseObject({ email: z.string(), role: z.string(), mailSent: z.optional(z.boolean()) }),
  }),
  example: { invite: { inviteId: 'k3J8', email: 'grace@example.com', role: 'member', expiresAt: EXAMPLE_TIME } },
} satisfies SuccessResponse;

export const inviteAccepted = {
  status: 200,
  description: 'The caller’s new membership',
  schema: z.object({ membership: z.looseObject({ workspaceId: id, role: z.string() }) }),
  example: { membership: { workspaceId: EXAMPLE_WORKSPACE, organizationId: EXAMPLE_ORG, role: 'member' } },
} satisfies SuccessResponse;

export const rolesList = {
  status: 200,
  description:
    'Built-in roles (first page only), then a page of custom roles by name (`limit` 1-100, default 100; a workspace keeps at most 50), with their permissions; `nextCursor` continues, absent on the last page',
  schema: page('roles', z.looseObject({ name: z.string(), permissions, builtin: z.optional(z.boolean()) })),
  example: { roles: [{ name: 'owner', builtin: true, permissions: ['workspace:read', 'contacts:read'] }] },
} satisfies SuccessResponse;

export const roleSaved = {
  status: 200,
  description: 'The custom role as saved',
  schema: z.object({ role: z.looseObject({ name: z.string(), permissions }) }),
  example: {
    role: { workspaceId: EXAMPLE_WORKSPACE, name: 'helper', permissions: ['contacts:read'], createdAt: EXAMPLE_TIME },
  },
} satisfies SuccessResponse;
